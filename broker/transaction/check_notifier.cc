#include "broker/transaction/check_notifier.h"

namespace tern::transaction {

bool ProducerCheckNotifier::SendCheck(const std::string& group, remoting::RemotingCommand request) {
  std::optional<broker::ClientChannel> channel = producers_.AvailableChannel(group);
  if (!channel) return false;
  for (remoting::RpcServer* server : servers_) server->SendOneway(channel->connection, request);
  return true;
}

}  // namespace tern::transaction
