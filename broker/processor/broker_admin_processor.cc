#include "broker/processor/broker_admin_processor.h"

#include <set>

#include "broker/processor/response_util.h"
#include "src/protocol/admin_bodies.h"
#include "src/protocol/codes.h"
#include "src/protocol/topic_list.h"

namespace tern::processor {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

BrokerAdminProcessor::BrokerAdminProcessor(topic::TopicConfigManager& topics,
                                           meta::ConsumerOffsetTable& offsets,
                                           broker::ConsumerManager& consumers,
                                           BrokerAdminOptions options)
    : topics_(topics), offsets_(offsets), consumers_(consumers), options_(std::move(options)) {}

void BrokerAdminProcessor::Register(remoting::RpcServer& server) {
  namespace Q = protocol::RequestCode;
  namespace A = AdminRequestCode;
  auto bind = [this](auto method) {
    return [this, method](const remoting::RequestContext&, const RemotingCommand& request) {
      return (this->*method)(request);
    };
  };
  server.RegisterSync(Q::kGetTopicNameList, bind(&BrokerAdminProcessor::GetTopicNameList));
  server.RegisterSync(Q::kGetAllConsumerOffset, bind(&BrokerAdminProcessor::GetAllConsumerOffset));
  server.RegisterSync(Q::kGetAllDelayOffset, bind(&BrokerAdminProcessor::GetAllDelayOffset));
  server.RegisterSync(Q::kQueryTopicConsumeByWho,
                      bind(&BrokerAdminProcessor::QueryTopicConsumeByWho));
  server.RegisterSync(Q::kGetSystemTopicListFromBroker,
                      bind(&BrokerAdminProcessor::GetSystemTopicList));
  server.RegisterSync(A::kCleanExpiredConsumequeue,
                      bind(&BrokerAdminProcessor::CleanExpiredConsumeQueue));
  server.RegisterSync(A::kDeleteExpiredCommitlog,
                      bind(&BrokerAdminProcessor::DeleteExpiredCommitLog));
}

Result<RemotingCommand> BrokerAdminProcessor::GetTopicNameList(const RemotingCommand& request) {
  protocol::TopicList list;
  for (const auto& [name, config] : topics_.BuildSerializeWrapper().topic_config_table) {
    list.topic_list.push_back(name);
  }
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = list.Encode();
  return response;
}

Result<RemotingCommand> BrokerAdminProcessor::GetAllConsumerOffset(const RemotingCommand& request) {
  protocol::ConsumerOffsetSerializeWrapper wrapper;
  for (auto& [key, queues] : offsets_.Snapshot()) {
    wrapper.offset_table[key] = std::map<int32_t, int64_t>(queues.begin(), queues.end());
  }
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = wrapper.Encode();
  return response;
}

Result<RemotingCommand> BrokerAdminProcessor::GetAllDelayOffset(const RemotingCommand& request) {
  protocol::DelayOffsetSerializeWrapper wrapper;
  if (options_.delay_offsets) wrapper.offset_table = options_.delay_offsets();
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = wrapper.Encode();
  return response;
}

Result<RemotingCommand> BrokerAdminProcessor::QueryTopicConsumeByWho(
    const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  std::set<std::string> groups;
  for (std::string& g : consumers_.GroupsSubscribedTo(topic)) groups.insert(std::move(g));
  for (std::string& g : offsets_.GroupsOf(topic)) groups.insert(std::move(g));
  protocol::GroupList list{std::vector<std::string>(groups.begin(), groups.end())};
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = list.Encode();
  return response;
}

Result<RemotingCommand> BrokerAdminProcessor::GetSystemTopicList(const RemotingCommand& request) {
  protocol::TopicList list;
  for (const auto& [name, config] : topics_.BuildSerializeWrapper().topic_config_table) {
    if (topics_.IsSystemTopic(name)) list.topic_list.push_back(name);
  }
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = list.Encode();
  return response;
}

Result<RemotingCommand> BrokerAdminProcessor::CleanExpiredConsumeQueue(
    const RemotingCommand& request) {
  return MakeResponse(request, RC::kSuccess,
                      "consume queues below the commit log's minimum are removed by the "
                      "retention service after each commit log deletion");
}

Result<RemotingCommand> BrokerAdminProcessor::DeleteExpiredCommitLog(
    const RemotingCommand& request) {
  return MakeResponse(request, RC::kSuccess,
                      "expired commit log segments are deleted by the retention service "
                      "(fileReservedTime, deleteWhen, diskMaxUsedSpaceRatio)");
}

}  // namespace tern::processor
