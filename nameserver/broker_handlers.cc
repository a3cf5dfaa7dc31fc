// Broker -> nameserver requests: REGISTER_BROKER, UNREGISTER_BROKER,
// QUERY_DATA_VERSION, REGISTER_TOPIC_IN_NAMESRV (requests.md §A.1, §A.2, §A.8).
#include <fmt/format.h>

#include "nameserver/handlers.h"
#include "src/base/crc32.h"
#include "src/base/logging.h"
#include "src/protocol/register_broker_body.h"

namespace tern::nameserver {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace ResponseCode = protocol::ResponseCode;

Result<RemotingCommand> HandleRegisterBroker(NamesrvContext& ns, const RequestContext& ctx,
                                             const RemotingCommand& request) {
  BrokerRegistration reg;
  TERN_ASSIGN_OR_RETURN(reg.broker_name, request.RequiredString("brokerName"));
  TERN_ASSIGN_OR_RETURN(reg.broker_addr, request.RequiredString("brokerAddr"));
  TERN_ASSIGN_OR_RETURN(reg.cluster_name, request.RequiredString("clusterName"));
  TERN_ASSIGN_OR_RETURN(reg.ha_server_addr, request.RequiredString("haServerAddr"));
  TERN_ASSIGN_OR_RETURN(reg.broker_id, request.RequiredInt64("brokerId"));
  TERN_ASSIGN_OR_RETURN(int64_t body_crc, request.Int64Or("bodyCrc32", 0));
  TERN_ASSIGN_OR_RETURN(reg.heartbeat_timeout_ms, request.Int64Or("heartbeatTimeoutMillis", 0));
  bool compressed = request.BoolOr("compressed", false);

  if (body_crc != 0 && JavaPositiveCrc32(request.body) != body_crc) {
    TERN_LOG_WARN("REGISTER_BROKER from {} ({}): body crc32 {} does not match header {}", ctx.peer,
                  reg.broker_addr, JavaPositiveCrc32(request.body), body_crc);
    return RemotingCommand::ResponseTo(request, ResponseCode::kSystemError, "crc32 not match");
  }

  if (!request.body.empty()) {
    auto body = protocol::RegisterBrokerBody::Decode(request.body, compressed);
    if (!body.ok()) return body.status().WithContext("Failed to decode RegisterBrokerBody");
    reg.topics = std::move(body->topic_config_serialize_wrapper);
    reg.filter_server_list = std::move(body->filter_server_list);
  }  // else: data version {0,0} and no topics, as Java does.
  reg.connection = ctx.connection;

  RegisterBrokerResult result = ns.routes.RegisterBroker(reg);
  RemotingCommand response = RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
  if (!result.ha_server_addr.empty()) response.SetField("haServerAddr", result.ha_server_addr);
  if (!result.master_addr.empty()) response.SetField("masterAddr", result.master_addr);
  if (auto order = ns.kv.GetNamespace(kOrderTopicConfigNamespace)) {
    response.body = order->Encode();
  }
  return response;
}

Result<RemotingCommand> HandleUnregisterBroker(NamesrvContext& ns, const RequestContext&,
                                               const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string broker_name, request.RequiredString("brokerName"));
  TERN_ASSIGN_OR_RETURN(std::string broker_addr, request.RequiredString("brokerAddr"));
  TERN_ASSIGN_OR_RETURN(std::string cluster_name, request.RequiredString("clusterName"));
  TERN_ASSIGN_OR_RETURN(int64_t broker_id, request.RequiredInt64("brokerId"));
  ns.routes.UnregisterBroker(cluster_name, broker_addr, broker_name, broker_id);
  return RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
}

Result<RemotingCommand> HandleQueryDataVersion(NamesrvContext& ns, const RequestContext&,
                                               const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string broker_name, request.RequiredString("brokerName"));
  TERN_ASSIGN_OR_RETURN(std::string broker_addr, request.RequiredString("brokerAddr"));
  TERN_ASSIGN_OR_RETURN(std::string cluster_name, request.RequiredString("clusterName"));
  TERN_ASSIGN_OR_RETURN(int64_t broker_id, request.RequiredInt64("brokerId"));
  (void)broker_id;
  auto version = protocol::DataVersion::Decode(request.body);
  if (!version.ok()) return version.status().WithContext("QUERY_DATA_VERSION body");

  bool changed = ns.routes.IsBrokerTopicConfigChanged(broker_addr, *version);
  if (!changed) ns.routes.UpdateBrokerInfoUpdateTimestamp(broker_addr);
  RemotingCommand response = RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
  if (auto stored = ns.routes.QueryBrokerTopicConfig(broker_addr)) response.body = stored->Encode();
  response.SetField("changed", changed);
  return response;
}

Result<RemotingCommand> HandleRegisterTopicInNamesrv(NamesrvContext& ns, const RequestContext&,
                                                     const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  if (!request.body.empty()) {
    auto route = protocol::TopicRouteData::Decode(request.body);
    if (!route.ok()) return route.status().WithContext("REGISTER_TOPIC_IN_NAMESRV body");
    ns.routes.RegisterTopic(topic, route->queue_datas);
  }
  return RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
}

}  // namespace tern::nameserver
