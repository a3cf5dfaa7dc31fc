#include "broker/processor/consume_stats_processor.h"

#include <fmt/format.h>

#include "broker/processor/response_util.h"
#include "src/protocol/codes.h"

namespace tern::processor {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

ConsumeStatsProcessor::ConsumeStatsProcessor(topic::TopicConfigManager& topics,
                                             store::MessageStore& store,
                                             meta::ConsumerOffsetTable& offsets,
                                             broker::ConsumerManager& consumers, BrokerStats& stats)
    : topics_(topics), store_(store), offsets_(offsets), consumers_(consumers), stats_(stats) {}

void ConsumeStatsProcessor::Register(remoting::RpcServer& server) {
  namespace Q = protocol::RequestCode;
  auto bind = [this](auto method) {
    return [this, method](const remoting::RequestContext&, const RemotingCommand& request) {
      return (this->*method)(request);
    };
  };
  server.RegisterSync(Q::kGetTopicStatsInfo, bind(&ConsumeStatsProcessor::GetTopicStatsInfo));
  server.RegisterSync(Q::kGetConsumeStats, bind(&ConsumeStatsProcessor::GetConsumeStats));
}

std::optional<protocol::TopicStatsTable> ConsumeStatsProcessor::TopicStats(
    const std::string& topic) const {
  std::optional<topic::TopicConfig> config = topics_.Select(topic);
  if (!config) return std::nullopt;
  const std::string& broker_name = topics_.options().broker_name;
  protocol::TopicStatsTable table;
  for (int32_t q = 0; q < config->write_queue_nums; ++q) {
    protocol::TopicOffset o;
    o.min_offset = std::max<int64_t>(0, store_.GetMinOffset(topic, QueueId(q)).value());
    o.max_offset = std::max<int64_t>(0, store_.GetMaxOffset(topic, QueueId(q)).value());
    if (o.max_offset > 0) {
      o.last_update_timestamp = std::max<int64_t>(
          0, store_.GetMessageStoreTime(topic, QueueId(q), QueueOffset(o.max_offset - 1)));
    }
    table.offset_table.push_back({protocol::MessageQueue{topic, broker_name, q}, o});
  }
  return table;
}

Result<RemotingCommand> ConsumeStatsProcessor::GetTopicStatsInfo(const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  std::optional<protocol::TopicStatsTable> table = TopicStats(topic);
  if (!table) {
    return MakeResponse(request, RC::kTopicNotExist, fmt::format("topic[{}] not exist", topic));
  }
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = table->Encode();
  return response;
}

std::set<std::string> ConsumeStatsProcessor::TopicsToCollect(const std::string& group,
                                                             const std::string& topic,
                                                             const std::string& topic_list) const {
  std::set<std::string> out;
  size_t pos = 0;
  while (pos < topic_list.size()) {
    size_t comma = topic_list.find(',', pos);
    if (comma == std::string::npos) comma = topic_list.size();
    std::string t = topic_list.substr(pos, comma - pos);
    pos = comma + 1;
    if (!t.empty()) out.insert(std::move(t));
  }
  if (!out.empty()) return out;

  if (topic.empty()) {
    for (std::string& t : offsets_.TopicsOf(group)) out.insert(std::move(t));
  } else {
    out.insert(topic);
  }
  std::optional<broker::ConsumerGroupInfo> info = consumers_.GetGroup(group);
  if (info && !info->subscription_table.empty()) {
    std::erase_if(out,
                  [&](const std::string& t) { return info->subscription_table.count(t) == 0; });
  }
  return out;
}

protocol::ConsumeStats ConsumeStatsProcessor::ConsumeStatsOf(
    const std::string& group, const std::set<std::string>& topics) const {
  const std::string& broker_name = topics_.options().broker_name;
  protocol::ConsumeStats stats;
  for (const std::string& topic : topics) {
    std::optional<topic::TopicConfig> config = topics_.Select(topic);
    if (!config) continue;
    for (int32_t q = 0; q < config->read_queue_nums; ++q) {
      protocol::OffsetWrapper w;
      w.broker_offset = std::max<int64_t>(0, store_.GetMaxOffset(topic, QueueId(q)).value());
      std::optional<QueueOffset> committed = offsets_.Query(topic, group, QueueId(q));
      w.consumer_offset = committed ? std::max<int64_t>(0, committed->value()) : 0;
      if (w.consumer_offset - 1 >= 0) {
        const int64_t ts =
            store_.GetMessageStoreTime(topic, QueueId(q), QueueOffset(w.consumer_offset - 1));
        if (ts > 0) w.last_timestamp = ts;
      }
      stats.offset_table.push_back({protocol::MessageQueue{topic, broker_name, q}, w});
    }
    stats.consume_tps += stats_.GroupGetTps(group, topic);
  }
  return stats;
}

Result<RemotingCommand> ConsumeStatsProcessor::GetConsumeStats(const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string group, request.RequiredString("consumerGroup"));
  const std::string topic = request.StringOr("topic", "");
  const std::string topic_list = request.StringOr("topicList", "");
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = ConsumeStatsOf(group, TopicsToCollect(group, topic, topic_list)).Encode();
  return response;
}

}  // namespace tern::processor
