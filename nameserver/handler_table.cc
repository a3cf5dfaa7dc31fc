#include <fmt/format.h>

#include <algorithm>

#include "nameserver/handlers.h"
#include "src/protocol/codes.h"

namespace tern::nameserver {

namespace RC = protocol::RequestCode;
using remoting::RemotingCommand;

namespace {

constexpr HandlerThread kLoop = HandlerThread::kLoop;
constexpr HandlerThread kKv = HandlerThread::kKvWriter;

constexpr HandlerEntry kHandlers[] = {
    {RC::kPutKvConfig, "PUT_KV_CONFIG", kKv, HandlePutKvConfig},
    {RC::kGetKvConfig, "GET_KV_CONFIG", kLoop, HandleGetKvConfig},
    {RC::kDeleteKvConfig, "DELETE_KV_CONFIG", kKv, HandleDeleteKvConfig},
    {RC::kRegisterBroker, "REGISTER_BROKER", kLoop, HandleRegisterBroker},
    {RC::kUnregisterBroker, "UNREGISTER_BROKER", kLoop, HandleUnregisterBroker},
    {RC::kGetRouteinfoByTopic, "GET_ROUTEINFO_BY_TOPIC", kLoop, HandleGetRouteinfoByTopic},
    {RC::kGetBrokerClusterInfo, "GET_BROKER_CLUSTER_INFO", kLoop, HandleGetBrokerClusterInfo},
    {RC::kWipeWritePermOfBroker, "WIPE_WRITE_PERM_OF_BROKER", kLoop, HandleWipeWritePermOfBroker},
    {RC::kGetAllTopicListFromNameserver, "GET_ALL_TOPIC_LIST_FROM_NAMESERVER", kLoop,
     HandleGetAllTopicList},
    {RC::kDeleteTopicInNamesrv, "DELETE_TOPIC_IN_NAMESRV", kLoop, HandleDeleteTopicInNamesrv},
    {RC::kRegisterTopicInNamesrv, "REGISTER_TOPIC_IN_NAMESRV", kLoop, HandleRegisterTopicInNamesrv},
    {RC::kGetKvlistByNamespace, "GET_KVLIST_BY_NAMESPACE", kLoop, HandleGetKvListByNamespace},
    {RC::kGetTopicsByCluster, "GET_TOPICS_BY_CLUSTER", kLoop, HandleGetTopicsByCluster},
    {RC::kGetSystemTopicListFromNs, "GET_SYSTEM_TOPIC_LIST_FROM_NS", kLoop,
     HandleGetSystemTopicList},
    {RC::kGetUnitTopicList, "GET_UNIT_TOPIC_LIST", kLoop, HandleGetUnitTopicList},
    {RC::kGetHasUnitSubTopicList, "GET_HAS_UNIT_SUB_TOPIC_LIST", kLoop,
     HandleGetHasUnitSubTopicList},
    {RC::kGetHasUnitSubUnunitTopicList, "GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST", kLoop,
     HandleGetHasUnitSubUnUnitTopicList},
    {RC::kUpdateNamesrvConfig, "UPDATE_NAMESRV_CONFIG", kLoop, HandleUpdateNamesrvConfig},
    {RC::kGetNamesrvConfig, "GET_NAMESRV_CONFIG", kLoop, HandleGetNamesrvConfig},
    {RC::kQueryDataVersion, "QUERY_DATA_VERSION", kLoop, HandleQueryDataVersion},
    {RC::kAddWritePermOfBroker, "ADD_WRITE_PERM_OF_BROKER", kLoop, HandleAddWritePermOfBroker},
};

}  // namespace

std::span<const HandlerEntry> NamesrvHandlerTable() { return kHandlers; }

const HandlerEntry* FindNamesrvHandler(int32_t code) {
  auto it = std::find_if(std::begin(kHandlers), std::end(kHandlers),
                         [&](const HandlerEntry& e) { return e.code == code; });
  return it == std::end(kHandlers) ? nullptr : &*it;
}

RemotingCommand ErrorResponse(const RemotingCommand& request, const Status& status) {
  return RemotingCommand::ResponseTo(request, protocol::ResponseCode::kSystemError,
                                     status.message());
}

RemotingCommand DispatchNamesrvRequest(NamesrvContext& ns, const remoting::RequestContext& ctx,
                                       const RemotingCommand& request) {
  const HandlerEntry* entry = FindNamesrvHandler(request.code);
  if (entry == nullptr) {
    return RemotingCommand::ResponseTo(request, protocol::ResponseCode::kRequestCodeNotSupported,
                                       fmt::format(" request type {} not supported", request.code));
  }
  Result<RemotingCommand> r = entry->handler(ns, ctx, request);
  if (!r.ok()) return ErrorResponse(request, r.status());
  return std::move(r).value();
}

std::string NoTopicRouteRemark(std::string_view topic) {
  return fmt::format(
      "No topic route info in name server for the topic: {}\nSee "
      "http://rocketmq.apache.org/docs/faq/ for further details.",
      topic);
}

}  // namespace tern::nameserver
