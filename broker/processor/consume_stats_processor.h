// Queue figures for operators (shared/spec/requests.md §B.20, §B.21):
//   GET_TOPIC_STATS_INFO (202)  TopicStatsTable: min/max offset and last store
//                               time of every write queue of a topic
//   GET_CONSUME_STATS (208)     ConsumeStats: per read queue the broker offset,
//                               the group's offset and the store time of its
//                               last consumed message, plus the group's get TPS
// Both bodies are fastjson object-keyed maps (quirks Q27, admin_bodies.h).
//
// Threads: loop thread (sync handlers; reads of the store, the offset table
// and the consumer manager, all internally synchronized; no disk writes).
// References must outlive the processor.
#pragma once

#include <set>
#include <string>

#include "broker/client/consumer_manager.h"
#include "broker/meta/consumer_offset_table.h"
#include "broker/processor/broker_stats.h"
#include "broker/store/message_store.h"
#include "broker/topic/topic_config_manager.h"
#include "src/protocol/admin_bodies.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

class ConsumeStatsProcessor {
 public:
  ConsumeStatsProcessor(topic::TopicConfigManager& topics, store::MessageStore& store,
                        meta::ConsumerOffsetTable& offsets, broker::ConsumerManager& consumers,
                        BrokerStats& stats);

  // Registers codes 202 and 208 (sync handlers).
  void Register(remoting::RpcServer& server);

  Result<remoting::RemotingCommand> GetTopicStatsInfo(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetConsumeStats(const remoting::RemotingCommand& request);

  // The figures themselves (nullopt: unknown topic).
  std::optional<protocol::TopicStatsTable> TopicStats(const std::string& topic) const;
  protocol::ConsumeStats ConsumeStatsOf(const std::string& group,
                                        const std::set<std::string>& topics) const;

 private:
  // Java getTopicsForCollectingConsumeStats: an explicit 5.x topicList is used
  // as is; otherwise the given topic or every topic the group has offsets on,
  // minus topics the group does not subscribe to when it has live subscriptions.
  std::set<std::string> TopicsToCollect(const std::string& group, const std::string& topic,
                                        const std::string& topic_list) const;

  topic::TopicConfigManager& topics_;
  store::MessageStore& store_;
  meta::ConsumerOffsetTable& offsets_;
  broker::ConsumerManager& consumers_;
  BrokerStats& stats_;
};

}  // namespace tern::processor
