// Route queries and topic administration: GET_ROUTEINFO_BY_TOPIC,
// GET_BROKER_CLUSTER_INFO, the topic lists, DELETE_TOPIC_IN_NAMESRV and the
// broker write-permission switches (requests.md §A.3-§A.6, §A.8).
#include "nameserver/handlers.h"
#include "src/protocol/codes.h"

namespace tern::nameserver {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace ResponseCode = protocol::ResponseCode;

namespace {

RemotingCommand WithBody(const RemotingCommand& request, std::string body) {
  RemotingCommand response = RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
  response.body = std::move(body);
  return response;
}

}  // namespace

Result<RemotingCommand> HandleGetRouteinfoByTopic(NamesrvContext& ns, const RequestContext&,
                                                  const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  auto route = ns.routes.PickupTopicRouteData(topic);
  if (!route) {
    return RemotingCommand::ResponseTo(request, ResponseCode::kTopicNotExist,
                                       NoTopicRouteRemark(topic));
  }
  if (ns.config.order_message_enable) {
    route->order_topic_conf = ns.kv.Get(kOrderTopicConfigNamespace, topic);
  }
  // Clients from V4_9_4 on (or asking for it) get standard JSON; older ones
  // the fastjson form with bare numeric broker ids (quirks Q3).
  bool standard = request.version >= protocol::kVersionV4_9_4 ||
                  request.BoolOr("acceptStandardJsonOnly", false);
  return WithBody(request, route->Encode(standard ? protocol::NumericKeys::kQuoted
                                                  : protocol::NumericKeys::kUnquoted));
}

Result<RemotingCommand> HandleGetBrokerClusterInfo(NamesrvContext& ns, const RequestContext&,
                                                   const RemotingCommand& request) {
  return WithBody(request, ns.routes.GetAllClusterInfo().Encode(protocol::NumericKeys::kUnquoted));
}

Result<RemotingCommand> HandleGetAllTopicList(NamesrvContext& ns, const RequestContext&,
                                              const RemotingCommand& request) {
  return WithBody(request, ns.routes.GetAllTopicList().Encode());
}

Result<RemotingCommand> HandleGetTopicsByCluster(NamesrvContext& ns, const RequestContext&,
                                                 const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string cluster, request.RequiredString("cluster"));
  return WithBody(request, ns.routes.GetTopicsByCluster(cluster).Encode());
}

Result<RemotingCommand> HandleGetSystemTopicList(NamesrvContext& ns, const RequestContext&,
                                                 const RemotingCommand& request) {
  return WithBody(request, ns.routes.GetSystemTopicList().Encode());
}

Result<RemotingCommand> HandleGetUnitTopicList(NamesrvContext& ns, const RequestContext&,
                                               const RemotingCommand& request) {
  return WithBody(request, ns.routes.GetUnitTopics().Encode());
}

Result<RemotingCommand> HandleGetHasUnitSubTopicList(NamesrvContext& ns, const RequestContext&,
                                                     const RemotingCommand& request) {
  return WithBody(request, ns.routes.GetHasUnitSubTopicList().Encode());
}

Result<RemotingCommand> HandleGetHasUnitSubUnUnitTopicList(NamesrvContext& ns,
                                                           const RequestContext&,
                                                           const RemotingCommand& request) {
  return WithBody(request, ns.routes.GetHasUnitSubUnUnitTopicList().Encode());
}

Result<RemotingCommand> HandleDeleteTopicInNamesrv(NamesrvContext& ns, const RequestContext&,
                                                   const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  std::string cluster = request.StringOr("clusterName", "");
  if (cluster.empty()) {
    ns.routes.DeleteTopic(topic);
  } else {
    ns.routes.DeleteTopic(topic, cluster);
  }
  return RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
}

Result<RemotingCommand> HandleWipeWritePermOfBroker(NamesrvContext& ns, const RequestContext&,
                                                    const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string broker_name, request.RequiredString("brokerName"));
  int count = ns.routes.WipeWritePermOfBroker(broker_name);
  RemotingCommand response = RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
  response.SetField("wipeTopicCount", static_cast<int64_t>(count));
  return response;
}

Result<RemotingCommand> HandleAddWritePermOfBroker(NamesrvContext& ns, const RequestContext&,
                                                   const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string broker_name, request.RequiredString("brokerName"));
  int count = ns.routes.AddWritePermOfBroker(broker_name);
  RemotingCommand response = RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
  response.SetField("addTopicCount", static_cast<int64_t>(count));
  return response;
}

}  // namespace tern::nameserver
