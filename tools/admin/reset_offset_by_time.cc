// resetOffsetByTime -g GROUP -t TOPIC -s TIMESTAMP|now [-f FORCE]:
// GET_ROUTEINFO_BY_TOPIC (105), then INVOKE_BROKER_TO_RESET_OFFSET (222) to
// each master; the broker moves the group's offsets and tells its live
// consumers. When a broker answers CONSUMER_NOT_ONLINE the offline reset of
// RocketMQ's ResetOffsetByTimeOldCommand is done instead: GET_CONSUME_STATS
// (208) for the queues and current offsets, SEARCH_OFFSET_BY_TIMESTAMP (29)
// per queue, UPDATE_CONSUMER_OFFSET (15) where the offset moves back (or
// always with force).
#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "src/base/properties.h"
#include "src/protocol/admin_bodies.h"
#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;

using Row = std::pair<protocol::MessageQueue, int64_t>;

Status OfflineReset(AdminClient* client, const std::string& addr, const std::string& group,
                    const std::string& topic, int64_t timestamp, bool force,
                    std::vector<Row>* rows) {
  RemotingCommand stats_req = RemotingCommand::Request(RC::kGetConsumeStats);
  stats_req.SetField("consumerGroup", group);
  stats_req.SetField("topic", topic);
  TERN_ASSIGN_OR_RETURN(RemotingCommand stats_resp,
                        client->CallBrokerOk(addr, std::move(stats_req), "GET_CONSUME_STATS"));
  Result<protocol::ConsumeStats> stats = protocol::ConsumeStats::Decode(stats_resp.body);
  if (!stats.ok()) return BadBody(stats.status(), "consume stats", "broker " + addr);
  for (const auto& [mq, w] : stats->offset_table) {
    RemotingCommand search = RemotingCommand::Request(RC::kSearchOffsetByTimestamp);
    search.SetField("topic", mq.topic);
    search.SetField("queueId", static_cast<int64_t>(mq.queue_id));
    search.SetField("timestamp", timestamp);
    TERN_ASSIGN_OR_RETURN(RemotingCommand found, client->CallBrokerOk(
                                                     addr, std::move(search),
                                                     "SEARCH_OFFSET_BY_TIMESTAMP"));
    Result<int64_t> target = found.RequiredInt64("offset");
    if (!target.ok()) return BadBody(target.status(), "search offset", "broker " + addr);
    const int64_t chosen = (force || *target < w.consumer_offset) ? *target : w.consumer_offset;
    RemotingCommand update = RemotingCommand::Request(RC::kUpdateConsumerOffset);
    update.SetField("consumerGroup", group);
    update.SetField("topic", mq.topic);
    update.SetField("queueId", static_cast<int64_t>(mq.queue_id));
    update.SetField("commitOffset", chosen);
    TERN_RETURN_IF_ERROR(
        client->CallBrokerOk(addr, std::move(update), "UPDATE_CONSUMER_OFFSET").status());
    rows->push_back({mq, chosen});
  }
  return Status::Ok();
}

Status Run(CommandContext& ctx) {
  const std::string group = ctx.Get("group");
  const std::string topic = ctx.Get("topic");
  const std::string ts_text = ctx.Get("timestamp");
  int64_t timestamp = 0;
  if (ts_text == "now") {
    timestamp = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  } else {
    Result<int64_t> parsed = ParseInt64(ts_text);
    if (!parsed.ok() || *parsed < 0) {
      return Status::InvalidArgument(fmt::format(
          "bad value '{}' for -s (timestamp): expected milliseconds or 'now'", ts_text));
    }
    timestamp = *parsed;
  }
  TERN_ASSIGN_OR_RETURN(bool force, ctx.GetBool("force", true));
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client->GetTopicRoute(topic));

  std::vector<Row> rows;
  for (const auto& b : route.broker_datas) {
    std::optional<std::string> addr = MasterAddr(b);
    if (!addr) continue;
    RemotingCommand req = RemotingCommand::Request(RC::kInvokeBrokerToResetOffset);
    req.SetField("topic", topic);
    req.SetField("group", group);
    req.SetField("timestamp", timestamp);
    req.SetField("isForce", force);
    TERN_ASSIGN_OR_RETURN(RemotingCommand resp, client->CallBroker(*addr, std::move(req)));
    if (resp.code == Code::kConsumerNotOnline) {
      TERN_RETURN_IF_ERROR(OfflineReset(client, *addr, group, topic, timestamp, force, &rows));
      continue;
    }
    if (resp.code != Code::kSuccess) {
      return Status::Internal(fmt::format("broker {} refused INVOKE_BROKER_TO_RESET_OFFSET: {} ({})",
                                          *addr, FirstLineOfRemark(resp),
                                          ResponseCodeName(resp.code)));
    }
    Result<protocol::ResetOffsetBody> body = protocol::ResetOffsetBody::Decode(resp.body);
    if (!body.ok()) return BadBody(body.status(), "reset offset", "broker " + *addr);
    for (auto& entry : body->offset_table) rows.push_back(std::move(entry));
  }
  std::sort(rows.begin(), rows.end());

  Table t({{"#brokerName", "brokerName"},
           {"#queueId", "queueId", Align::kRight},
           {"#offset", "offset", Align::kRight}});
  for (const auto& [mq, offset] : rows) t.AddRow({mq.broker_name, mq.queue_id, offset});
  if (ctx.json()) {
    ctx.PrintJson({{"group", group},
                   {"topic", topic},
                   {"force", force},
                   {"timestamp", timestamp},
                   {"queues", t.ToJson()}});
    return Status::Ok();
  }
  ctx.Print(fmt::format(
      "start reset consumer offset by specified, group[{}], topic[{}], force[{}], "
      "timestamp(string)[{}], timestamp(long)[{}]\n",
      group, topic, force, ts_text, timestamp));
  ctx.Print(t.Render());
  return Status::Ok();
}

}  // namespace

AdminCommand ResetOffsetByTimeCommand() {
  return {"resetOffsetByTime",
          "Reset consumer offset by timestamp(without client restart).",
          {{"g", "group", "GROUP", "consumer group", true},
           {"t", "topic", "TOPIC", "topic", true},
           {"s", "timestamp", "MS|now", "timestamp in milliseconds, or now", true},
           {"f", "force", "BOOL", "move forward too (default true)"}},
          Run,
          "Sends GET_ROUTEINFO_BY_TOPIC (105), then INVOKE_BROKER_TO_RESET_OFFSET (222) to\n"
          "each master; a broker with no live consumer of the group gets the offline reset\n"
          "(208, 29 per queue, 15). RocketMQ's yyyy-MM-dd#HH:mm:ss:SSS form, -b/-q/-o and -c\n"
          "are not implemented."};
}

}  // namespace tern::tools::admin
