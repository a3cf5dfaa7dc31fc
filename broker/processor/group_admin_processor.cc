#include "broker/processor/group_admin_processor.h"

#include <fmt/format.h>

#include "broker/processor/response_util.h"
#include "broker/topic/topic_names.h"
#include "src/protocol/codes.h"

namespace tern::processor {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

void GroupAdminProcessor::Register(remoting::RpcServer& server, broker::MetaWorker* meta_worker) {
  namespace Q = protocol::RequestCode;
  auto bind = [this](auto method) {
    return [this, method](const remoting::RequestContext&, const RemotingCommand& request) {
      return (this->*method)(request);
    };
  };
  auto changing = [&](int32_t code, remoting::SyncHandler handler) {
    broker::RegisterOnWorker(server, code, std::move(handler), meta_worker);
  };
  changing(Q::kUpdateAndCreateSubscriptionGroup, bind(&GroupAdminProcessor::UpdateAndCreate));
  server.RegisterSync(Q::kGetAllSubscriptionGroupConfig, bind(&GroupAdminProcessor::GetAll));
  changing(Q::kDeleteSubscriptionGroup, bind(&GroupAdminProcessor::Delete));
}

Result<RemotingCommand> GroupAdminProcessor::UpdateAndCreate(const RemotingCommand& request) {
  auto config = protocol::SubscriptionGroupConfig::Decode(request.body);
  if (!config.ok()) {
    return MakeResponse(request, RC::kSystemError,
                        fmt::format("bad SubscriptionGroupConfig body: {}",
                                    config.status().message()));
  }
  if (Status s = topic::ValidateGroupName(config->group_name); !s.ok()) {
    return MakeResponse(request, RC::kSystemError, s.message());
  }
  TERN_RETURN_IF_ERROR(groups_.Update(*config));
  return MakeResponse(request, RC::kSuccess);
}

Result<RemotingCommand> GroupAdminProcessor::GetAll(const RemotingCommand& request) {
  protocol::SubscriptionGroupWrapper wrapper = groups_.BuildWrapper();
  if (wrapper.subscription_group_table.empty()) {
    return MakeResponse(request, RC::kSystemError, "No subscription group in this broker");
  }
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = wrapper.Encode();
  return response;
}

Result<RemotingCommand> GroupAdminProcessor::Delete(const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string group, request.RequiredString("groupName"));
  TERN_ASSIGN_OR_RETURN(bool existed, groups_.Delete(group));
  (void)existed;  // deleting an unknown group succeeds (Java)
  if (request.BoolOr("removeOffset", false) || request.BoolOr("cleanOffset", false)) {
    for (const std::string& topic : offsets_.TopicsOf(group)) {
      TERN_RETURN_IF_ERROR(offsets_.RemoveGroup(topic, group));
    }
  }
  return MakeResponse(request, RC::kSuccess);
}

}  // namespace tern::processor
