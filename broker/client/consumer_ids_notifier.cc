#include "broker/client/consumer_ids_notifier.h"

#include "src/protocol/codes.h"
#include "src/remoting/rpc_server.h"

namespace tern::broker {

remoting::RemotingCommand MakeNotifyConsumerIdsChangedRequest(const std::string& group) {
  remoting::RemotingCommand request =
      remoting::RemotingCommand::Request(protocol::RequestCode::kNotifyConsumerIdsChanged);
  request.SetField("consumerGroup", group);
  request.flag |= remoting::kFlagOneway;
  request.serialize_type = remoting::SerializeType::kJson;
  return request;
}

void RpcServerConsumerIdsNotifier::NotifyConsumerIdsChanged(ConnectionId connection,
                                                            const std::string& group) {
  server_.SendOneway(connection, MakeNotifyConsumerIdsChangedRequest(group));
}

}  // namespace tern::broker
