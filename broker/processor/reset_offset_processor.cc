#include "broker/processor/reset_offset_processor.h"

#include <fmt/format.h>

#include "broker/processor/mq_version.h"
#include "broker/processor/response_util.h"
#include "src/base/logging.h"
#include "src/protocol/codes.h"

namespace tern::processor {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

ResetOffsetProcessor::ResetOffsetProcessor(topic::TopicConfigManager& topics,
                                           store::MessageStore& store,
                                           meta::ConsumerOffsetTable& offsets,
                                           broker::ConsumerManager& consumers,
                                           remoting::RpcServer& clients)
    : topics_(topics), store_(store), offsets_(offsets), consumers_(consumers), clients_(clients) {}

void ResetOffsetProcessor::Register(remoting::RpcServer& server) {
  server.RegisterSync(protocol::RequestCode::kInvokeBrokerToResetOffset,
                      [this](const remoting::RequestContext&, const RemotingCommand& request) {
                        return ResetOffset(request);
                      });
}

Result<RemotingCommand> ResetOffsetProcessor::ResetOffset(const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  TERN_ASSIGN_OR_RETURN(std::string group, request.RequiredString("group"));
  TERN_ASSIGN_OR_RETURN(int64_t timestamp, request.RequiredInt64("timestamp"));
  const bool is_force = request.BoolOr("isForce", false);
  TERN_ASSIGN_OR_RETURN(int64_t only_queue, request.Int64Or("queueId", -1));
  std::optional<int64_t> explicit_offset;
  if (auto f = request.Field("offset"); f && !f->empty()) {
    TERN_ASSIGN_OR_RETURN(int64_t o, request.RequiredInt64("offset"));
    if (o != -1) explicit_offset = o;
  }

  std::optional<topic::TopicConfig> config = topics_.Select(topic);
  if (!config) {
    return MakeResponse(
        request, RC::kSystemError,
        fmt::format("[reset-offset] reset offset failed, no topic in this broker. topic={}",
                    topic));
  }

  const std::string& broker_name = topics_.options().broker_name;
  protocol::ResetOffsetBody chosen;
  for (int32_t q = 0; q < config->write_queue_nums; ++q) {
    if (only_queue >= 0 && q != only_queue) continue;
    std::optional<QueueOffset> stored = offsets_.Query(topic, group, QueueId(q));
    if (!stored || stored->value() < 0) {
      return MakeResponse(request, RC::kSystemError,
                          fmt::format("THe consumer group <{}> not exist", group));
    }
    int64_t target;
    bool force = is_force;
    if (explicit_offset) {
      const int64_t min = store_.GetMinOffset(topic, QueueId(q)).value();
      const int64_t max = store_.GetMaxOffset(topic, QueueId(q)).value();
      if (*explicit_offset < min || *explicit_offset > max) {
        return MakeResponse(request, RC::kSystemError,
                            fmt::format("Target offset {} not in consume queue range [{}-{}]",
                                        *explicit_offset, min, max));
      }
      target = *explicit_offset;
      force = true;
    } else if (timestamp == -1) {
      target = store_.GetMaxOffset(topic, QueueId(q)).value();
    } else {
      target = store_.GetOffsetByTime(topic, QueueId(q), timestamp).value();
    }
    target = std::max<int64_t>(0, target);
    const int64_t offset = force || target < stored->value() ? target : stored->value();
    chosen.offset_table.push_back({protocol::MessageQueue{topic, broker_name, q}, offset});
  }
  if (chosen.offset_table.empty()) {
    return MakeResponse(request, RC::kSystemError, "No queues to reset.");
  }

  std::optional<broker::ConsumerGroupInfo> info = consumers_.GetGroup(group);
  if (!info || info->channels.empty()) {
    return MakeResponse(
        request, RC::kConsumerNotOnline,
        fmt::format("Consumer not online, so can not reset offset, Group: {} Topic: {} "
                    "Timestamp: {}",
                    group, topic, timestamp));
  }
  for (const auto& [connection, channel] : info->channels) {
    if (channel.version < kVersionV3_0_7_Snapshot) {
      return MakeResponse(request, RC::kSystemError,
                          fmt::format("the client does not support this feature. version={}",
                                      MqVersionDesc(channel.version)));
    }
  }

  for (const auto& [mq, offset] : chosen.offset_table) {
    offsets_.Commit(topic, group, QueueId(mq.queue_id), QueueOffset(offset));
  }
  RemotingCommand notify =
      RemotingCommand::Request(protocol::RequestCode::kResetConsumerClientOffset);
  notify.SetField("topic", topic);
  notify.SetField("group", group);
  notify.SetField("timestamp", timestamp);
  notify.SetField("isForce", is_force);
  const std::string map_form = chosen.Encode();
  const std::string list_form = chosen.EncodeForC();
  for (const auto& [connection, channel] : info->channels) {
    RemotingCommand r = notify;
    const bool cpp = protocol::LanguageFromName(channel.language) == protocol::LanguageCode::kCpp;
    r.body = cpp ? list_form : map_form;
    clients_.SendOneway(connection, std::move(r));
  }
  TERN_LOG_INFO("[reset-offset] topic={} group={} timestamp={} isForce={}: {} consumers told {}",
                topic, group, timestamp, is_force, info->channels.size(), map_form);

  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = map_form;
  return response;
}

}  // namespace tern::processor
