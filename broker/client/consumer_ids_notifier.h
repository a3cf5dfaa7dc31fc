// ConsumerIdsChangeNotifier: how ConsumerManager tells the members of a
// consumer group that the group changed (NOTIFY_CONSUMER_IDS_CHANGED, quirks
// Q25, remoting.md §11: oneway, JSON, header `consumerGroup`, no body).
//
// An interface so that the managers are testable without sockets; the broker
// wires RpcServerConsumerIdsNotifier, which sends on the client's connection.
#pragma once

#include <string>

#include "src/base/strong_id.h"
#include "src/remoting/remoting_command.h"

namespace tern::remoting {
class RpcServer;
}

namespace tern::broker {

class ConsumerIdsChangeNotifier {
 public:
  virtual ~ConsumerIdsChangeNotifier() = default;
  // Tells the client on `connection` that `group` changed. Called with no
  // manager lock held, from whichever thread changed the group; must not block.
  virtual void NotifyConsumerIdsChanged(ConnectionId connection, const std::string& group) = 0;
};

// The NOTIFY_CONSUMER_IDS_CHANGED request for `group` (oneway flag set).
remoting::RemotingCommand MakeNotifyConsumerIdsChangedRequest(const std::string& group);

// Sends through RpcServer::SendOneway (any thread; posts to the loop).
// `server` must outlive this object.
class RpcServerConsumerIdsNotifier final : public ConsumerIdsChangeNotifier {
 public:
  explicit RpcServerConsumerIdsNotifier(remoting::RpcServer& server) : server_(server) {}
  void NotifyConsumerIdsChanged(ConnectionId connection, const std::string& group) override;

 private:
  remoting::RpcServer& server_;
};

}  // namespace tern::broker
