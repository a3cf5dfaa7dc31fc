// ClientChannel: one client connection as registered by HEART_BEAT under a
// producer or consumer group (Java ClientChannelInfo). The broker reaches the
// client through `connection` (remoting.md §11: server-initiated requests go
// on the client's own connection). Plain value type.
#pragma once

#include <cstdint>
#include <string>

#include "src/base/strong_id.h"

namespace tern::broker {

struct ClientChannel {
  ConnectionId connection;
  std::string client_id;       // HeartbeatData.clientID
  std::string client_addr;     // peer "ip:port" (Connection.clientAddr)
  std::string language;        // request header language, as sent ("JAVA", "CPP", "GO", ...)
  int32_t version = 0;         // request header version (MQVersion ordinal)
  int64_t last_update_ms = 0;  // monotonic ms of the last heartbeat

  bool operator==(const ClientChannel&) const = default;
};

// A channel dropped by expiry, with the group it was in.
struct ExpiredChannel {
  std::string group;
  ClientChannel channel;
};

// Java ChannelEventListener's CHANNEL_EXPIRED_TIMEOUT: a client silent this
// long is dropped (features.md §2.1).
inline constexpr int64_t kClientChannelExpiredMs = 120'000;

}  // namespace tern::broker
