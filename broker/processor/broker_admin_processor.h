// Small administration requests mqadmin and our `ternmq admin` send
// (shared/spec/requests.md §B.24, §B.27):
//   GET_TOPIC_NAME_LIST (23)                TopicList of every topic
//   GET_ALL_CONSUMER_OFFSET (43)            {"offsetTable":{"topic@group":{0:10}}}
//   GET_ALL_DELAY_OFFSET (45)               {"offsetTable":{1:0,2:15}} (from the delay hook)
//   QUERY_TOPIC_CONSUME_BY_WHO (300)        GroupList: live subscribers ∪ groups with offsets
//   GET_SYSTEM_TOPIC_LIST_FROM_BROKER (305) TopicList of the broker's system topics
//   CLEAN_EXPIRED_CONSUMEQUEUE (306)        SUCCESS (retention already cleans; see below)
//   DELETE_EXPIRED_COMMITLOG (329)          SUCCESS (likewise)
// The consume-queue and commit-log cleanups run on the retention service's
// own schedule (broker/store/retention.h); these two requests only
// acknowledge, with a remark saying so, rather than race it from the loop.
//
// Threads: loop thread (sync handlers over internally synchronized tables).
// References must outlive the processor.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

#include "broker/client/consumer_manager.h"
#include "broker/meta/consumer_offset_table.h"
#include "broker/topic/topic_config_manager.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

namespace AdminRequestCode {
// Not in src/protocol/codes.h yet.
inline constexpr int32_t kCleanExpiredConsumequeue = 306;
inline constexpr int32_t kDeleteExpiredCommitlog = 329;
}  // namespace AdminRequestCode

struct BrokerAdminOptions {
  // Delay level -> offset reached by the delay service (GET_ALL_DELAY_OFFSET).
  // Unset: an empty table. Called on the loop thread; must not block.
  std::function<std::map<int32_t, int64_t>()> delay_offsets;
};

class BrokerAdminProcessor {
 public:
  BrokerAdminProcessor(topic::TopicConfigManager& topics, meta::ConsumerOffsetTable& offsets,
                       broker::ConsumerManager& consumers, BrokerAdminOptions options = {});

  // Registers codes 23, 43, 45, 300, 305, 306 and 329 (sync handlers).
  void Register(remoting::RpcServer& server);

  Result<remoting::RemotingCommand> GetTopicNameList(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetAllConsumerOffset(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetAllDelayOffset(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> QueryTopicConsumeByWho(
      const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetSystemTopicList(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> CleanExpiredConsumeQueue(
      const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> DeleteExpiredCommitLog(
      const remoting::RemotingCommand& request);

 private:
  topic::TopicConfigManager& topics_;
  meta::ConsumerOffsetTable& offsets_;
  broker::ConsumerManager& consumers_;
  const BrokerAdminOptions options_;
};

}  // namespace tern::processor
