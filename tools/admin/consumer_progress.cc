// consumerProgress -g GROUP [-t TOPIC]: GET_ROUTEINFO_BY_TOPIC (105) for
// %RETRY%GROUP (the -t topic's route when the retry topic has none yet), then
// GET_CONSUME_STATS (208) to each master of that route. Prints one row per
// queue as RocketMQ's ConsumerProgressSubCommand does, then "Consume TPS" and
// "Diff Total". The 208 body is decoded by protocol::ConsumeStats (§C.9).
//
// Not done: listing every group when -g is absent (RocketMQ: 206 + 208 per
// group), the Client IP column (RocketMQ fills it from 203 + 307 per client;
// here always "N/A"), and -s.
#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "src/protocol/admin_bodies.h"
#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

namespace RC = protocol::RequestCode;

// RocketMQ's UtilAll.formatDate(.., "yyyy-MM-dd HH:mm:ss") in local time.
std::string FormatTime(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// `*from_topic` is set when the route is the -t topic's (the group has no
// retry topic, so it may not exist at all).
Result<protocol::TopicRouteData> RouteFor(AdminClient* client, const std::string& group,
                                          const std::string& topic, bool* from_topic) {
  const std::string retry_topic = "%RETRY%" + group;
  Result<protocol::TopicRouteData> route = client->GetTopicRoute(retry_topic);
  if (route.ok() || route.status().code() != StatusCode::kNotFound) return route;
  *from_topic = true;
  if (!topic.empty()) return client->GetTopicRoute(topic);
  return Status::NotFound(fmt::format(
      "consumer group '{}' not found: no route for its retry topic {} (give -t TOPIC if the "
      "group has never connected)",
      group, retry_topic));
}

Status Run(CommandContext& ctx) {
  if (!ctx.Has("groupName")) {
    return Status::InvalidArgument(
        "missing required option -g (groupName): listing every group is not implemented");
  }
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  const std::string group = ctx.Get("groupName");
  const std::string topic = ctx.Get("topicName");
  bool from_topic = false;
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route,
                        RouteFor(client, group, topic, &from_topic));

  std::vector<std::pair<protocol::MessageQueue, protocol::OffsetWrapper>> rows;
  double tps = 0;
  for (const auto& b : route.broker_datas) {
    std::optional<std::string> addr = MasterAddr(b);
    if (!addr) continue;
    RemotingCommand req = RemotingCommand::Request(RC::kGetConsumeStats);
    req.SetField("consumerGroup", group);
    if (!topic.empty()) req.SetField("topic", topic);
    TERN_ASSIGN_OR_RETURN(RemotingCommand resp,
                          client->CallBrokerOk(*addr, std::move(req), "GET_CONSUME_STATS"));
    Result<protocol::ConsumeStats> stats = protocol::ConsumeStats::Decode(resp.body);
    if (!stats.ok()) return BadBody(stats.status(), "consume stats", "broker " + *addr);
    tps += stats->consume_tps;
    for (auto& entry : stats->offset_table) rows.push_back(std::move(entry));
  }
  // A broker answers 208 for any group name; without a retry topic, a group
  // that has no committed offset on the topic is taken as unknown.
  const bool no_offsets = std::all_of(rows.begin(), rows.end(), [](const auto& r) {
    return r.second.consumer_offset == 0 && r.second.last_timestamp == 0;
  });
  if (from_topic && no_offsets) {
    return Status::NotFound(fmt::format(
        "consumer group '{}' not found: no retry topic %RETRY%{} and no consumed offset on "
        "topic '{}'",
        group, group, topic));
  }
  if (rows.empty()) {
    // RocketMQ: "Not found the consumer group consume stats, because return
    // offset table is empty, maybe the consumer not consume any message".
    return Status::NotFound(fmt::format(
        "no consume stats for consumer group '{}'{}: it has not consumed any message", group,
        topic.empty() ? "" : fmt::format(" on topic '{}'", topic)));
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  Table t({{"#Topic", "topic"},
           {"#Broker Name", "brokerName"},
           {"#QID", "queueId", Align::kRight},
           {"#Broker Offset", "brokerOffset", Align::kRight},
           {"#Consumer Offset", "consumerOffset", Align::kRight},
           {"#Client IP", "clientIp"},
           {"#Diff", "diff", Align::kRight},
           {"#LastTime", "lastTime"}});
  int64_t diff_total = 0;
  for (const auto& [mq, w] : rows) {
    const int64_t diff = w.broker_offset - w.consumer_offset;
    diff_total += diff;
    t.AddRow({mq.topic, mq.broker_name, mq.queue_id, w.broker_offset, w.consumer_offset, "N/A",
              diff, w.last_timestamp == 0 ? std::string("N/A") : FormatTime(w.last_timestamp)});
  }
  if (ctx.json()) {
    ctx.PrintJson({{"group", group},
                   {"queues", t.ToJson()},
                   {"consumeTps", tps},
                   {"diffTotal", diff_total}});
    return Status::Ok();
  }
  ctx.Print(t.Render());
  ctx.Print(fmt::format("\nConsume TPS: {:.2f}\nDiff Total: {}\n", tps, diff_total));
  return Status::Ok();
}

}  // namespace

AdminCommand ConsumerProgressCommand() {
  return {"consumerProgress",
          "Query consumers's progress, speed.",
          {{"g", "groupName", "GROUP", "consumer group name"},
           {"t", "topicName", "TOPIC", "topic name"}},
          Run,
          "Sends GET_ROUTEINFO_BY_TOPIC (105) for %RETRY%<group> (the -t topic's route when\n"
          "the retry topic has none), then GET_CONSUME_STATS (208) to each master. -g is\n"
          "required here (RocketMQ lists every group without it). Client IP is always N/A."};
}

}  // namespace tern::tools::admin
