// ProducerManager: producer group -> member channels, fed by HEART_BEAT,
// UNREGISTER_CLIENT, connection close and expiry (features.md §2.1, Java
// ProducerManager). The transaction checker asks it for a live channel of a
// half message's producer group (quirks Q29); admin lists the connections.
//
// Any thread; internally synchronized.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/client/client_channel.h"

namespace tern::broker {

class ProducerManager {
 public:
  explicit ProducerManager(int64_t channel_expired_ms = kClientChannelExpiredMs)
      : channel_expired_ms_(channel_expired_ms) {}
  ProducerManager(const ProducerManager&) = delete;
  ProducerManager& operator=(const ProducerManager&) = delete;

  // Adds the channel (keyed by connection) or refreshes it.
  void RegisterProducer(std::string_view group, const ClientChannel& channel);
  // True when the connection was registered in the group; an emptied group goes.
  bool UnregisterProducer(std::string_view group, ConnectionId connection);
  // Removes the connection from every group; returns the groups it left.
  std::vector<std::string> OnConnectionClosed(ConnectionId connection);
  // Drops channels silent for more than channel_expired_ms at `now_ms`.
  std::vector<ExpiredChannel> ScanNotActiveChannels(int64_t now_ms);

  // The group's channels ordered by connection id; nullopt for an unknown group.
  std::optional<std::vector<ClientChannel>> GroupChannels(std::string_view group) const;
  // One member of the group, rotating between calls; nullopt when none.
  std::optional<ClientChannel> AvailableChannel(std::string_view group);
  std::vector<std::string> GroupNames() const;

 private:
  const int64_t channel_expired_ms_;
  mutable std::mutex mu_;
  // GUARDED_BY(mu_)
  std::map<std::string, std::map<ConnectionId, ClientChannel>, std::less<>> groups_;
  uint64_t rotation_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace tern::broker
