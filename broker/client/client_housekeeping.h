// ClientHousekeeping: drops producer and consumer channels that sent no
// heartbeat for 120 s, and every registration of a connection that closed
// (features.md §2.1, Java ClientHousekeepingService). The wiring calls
// RunOnce every 10 s (loop timer) and OnConnectionClosed from the RpcServer's
// connection-closed handler.
//
// Any thread (the managers are internally synchronized). Holds references to
// the managers and the clock, which must outlive it.
#pragma once

#include <set>
#include <vector>

#include "broker/client/client_channel.h"
#include "broker/client/consumer_manager.h"
#include "broker/client/producer_manager.h"
#include "src/base/clock.h"

namespace tern::broker {

class ClientHousekeeping {
 public:
  ClientHousekeeping(ProducerManager& producers, ConsumerManager& consumers, const Clock& clock)
      : producers_(producers), consumers_(consumers), clock_(clock) {}

  // Scan interval the wiring should use (Java: 10 s).
  static constexpr int64_t kScanIntervalMs = 10'000;

  struct Report {
    std::vector<ExpiredChannel> consumers;
    std::vector<ExpiredChannel> producers;
    // Connections that lost a registration; Java closes them. RpcServer's own
    // idle timeout closes a truly silent connection.
    std::set<ConnectionId> connections;
  };
  // Expires silent channels as of clock.MonotonicMs().
  Report RunOnce();
  void OnConnectionClosed(ConnectionId connection);

 private:
  ProducerManager& producers_;
  ConsumerManager& consumers_;
  const Clock& clock_;
};

}  // namespace tern::broker
