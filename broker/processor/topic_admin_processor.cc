#include "broker/processor/topic_admin_processor.h"

#include <fmt/format.h>

#include "broker/processor/response_util.h"
#include "broker/topic/topic_names.h"
#include "src/base/logging.h"
#include "src/protocol/codes.h"

namespace tern::processor {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

Status ApplyTopicAttributes(std::string_view text, std::map<std::string, std::string>* attrs) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(pos, end - pos);
    pos = end + 1;
    if (item.empty()) continue;
    if (item[0] == '-') {
      attrs->erase(std::string(item.substr(1)));
      continue;
    }
    if (item[0] != '+') {
      return Status::InvalidArgument(fmt::format("bad topic attribute '{}'", item));
    }
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 1) {
      return Status::InvalidArgument(fmt::format("bad topic attribute '{}'", item));
    }
    (*attrs)[std::string(item.substr(1, eq - 1))] = std::string(item.substr(eq + 1));
  }
  return Status::Ok();
}

void TopicAdminProcessor::Register(remoting::RpcServer& server, broker::MetaWorker* meta_worker) {
  namespace Q = protocol::RequestCode;
  auto bind = [this](auto method) {
    return [this, method](const remoting::RequestContext&, const RemotingCommand& request) {
      return (this->*method)(request);
    };
  };
  auto changing = [&](int32_t code, remoting::SyncHandler handler) {
    broker::RegisterOnWorker(server, code, std::move(handler), meta_worker);
  };
  changing(Q::kUpdateAndCreateTopic, bind(&TopicAdminProcessor::UpdateAndCreateTopic));
  changing(Q::kDeleteTopicInBroker, bind(&TopicAdminProcessor::DeleteTopic));
  server.RegisterSync(Q::kGetAllTopicConfig, bind(&TopicAdminProcessor::GetAllTopicConfig));
}

Result<RemotingCommand> TopicAdminProcessor::UpdateAndCreateTopic(const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string name, request.RequiredString("topic"));
  if (Status s = topic::ValidateTopicName(name); !s.ok()) {
    return MakeResponse(request, RC::kSystemError, s.message());
  }
  if (topics_.IsSystemTopic(name)) {
    return MakeResponse(request, RC::kSystemError,
                        fmt::format("The topic[{}] is conflict with system topic.", name));
  }
  protocol::TopicConfig config;
  config.topic_name = name;
  TERN_ASSIGN_OR_RETURN(config.read_queue_nums, request.RequiredInt32("readQueueNums"));
  TERN_ASSIGN_OR_RETURN(config.write_queue_nums, request.RequiredInt32("writeQueueNums"));
  TERN_ASSIGN_OR_RETURN(config.perm, request.RequiredInt32("perm"));
  if (config.read_queue_nums < 0 || config.write_queue_nums < 0) {
    return MakeResponse(request, RC::kSystemError,
                        fmt::format("illegal queue nums read {} write {}", config.read_queue_nums,
                                    config.write_queue_nums));
  }
  if (auto f = request.Field("topicFilterType")) {
    auto type = protocol::ParseTopicFilterType(*f);
    if (!type.ok()) return MakeResponse(request, RC::kSystemError, type.status().message());
    config.topic_filter_type = *type;
  }
  TERN_ASSIGN_OR_RETURN(int64_t sys_flag, request.Int64Or("topicSysFlag", 0));
  config.topic_sys_flag = static_cast<int32_t>(sys_flag);
  config.order = request.BoolOr("order", false);
  if (auto existing = topics_.Select(name)) config.attributes = existing->attributes;
  if (auto a = request.Field("attributes")) {
    if (Status s = ApplyTopicAttributes(*a, &config.attributes); !s.ok()) {
      return MakeResponse(request, RC::kSystemError, s.message());
    }
  }
  TERN_RETURN_IF_ERROR(topics_.UpdateTopicConfig(config));
  return MakeResponse(request, RC::kSuccess);
}

Result<RemotingCommand> TopicAdminProcessor::DeleteTopic(const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string name, request.RequiredString("topic"));
  if (Status s = topic::ValidateTopicName(name); !s.ok()) {
    return MakeResponse(request, RC::kSystemError, s.message());
  }
  if (topics_.IsSystemTopic(name)) {
    return MakeResponse(request, RC::kSystemError,
                        fmt::format("The topic[{}] is conflict with system topic.", name));
  }
  TERN_ASSIGN_OR_RETURN(bool existed, topics_.DeleteTopicConfig(name));
  (void)existed;  // deleting an unknown topic still cleans its queues and succeeds (Java)
  TERN_RETURN_IF_ERROR(store_.DeleteTopic(name));
  return MakeResponse(request, RC::kSuccess);
}

Result<RemotingCommand> TopicAdminProcessor::GetAllTopicConfig(const RemotingCommand& request) {
  protocol::TopicConfigSerializeWrapper wrapper = topics_.BuildSerializeWrapper();
  if (wrapper.topic_config_table.empty()) {
    return MakeResponse(request, RC::kSystemError, "No topic in this broker");
  }
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = wrapper.Encode();
  return response;
}

}  // namespace tern::processor
