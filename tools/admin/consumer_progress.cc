// consumerProgress -g GROUP [-t TOPIC]: GET_ROUTEINFO_BY_TOPIC (105) for
// %RETRY%GROUP (the -t topic's route when the retry topic has none yet), then
// GET_CONSUME_STATS (208) to each master of that route. Prints one row per
// queue as RocketMQ's ConsumerProgressSubCommand does, then "Consume TPS" and
// "Diff Total". The 208 body is decoded by protocol::ConsumeStats (§C.9).
// Without -t the broker reports every topic the group has offsets on, so the
// group's %RETRY% queues (a push consumer commits on them) are rows too and
// their lag is in Diff Total.
//
// Without -g, every group, as RocketMQ's command lists them: the groups are
// those of the %RETRY%<group> topics in GET_ALL_TOPIC_LIST_FROM_NAMESERVER
// (206); per group 105 for its retry topic, GET_CONSUME_STATS (208) to each
// master and GET_CONSUMER_CONNECTION_LIST (203) to the masters until one
// answers; one row `#Group #Count #Version #Type #Model #TPS #Diff Total`
// (an offline group: count 0, version OFFLINE; figures a broker did not give
// are blank).
//
// Not done: the Client IP column (RocketMQ fills it from 203 + 307 per
// client; here always "N/A"), RocketMQ 5's #Inflight column, -s and -c.
#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "src/protocol/admin_bodies.h"
#include "src/protocol/codes.h"
#include "src/protocol/connection_body.h"
#include "src/protocol/topic_list.h"
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

constexpr std::string_view kRetryPrefix = "%RETRY%";

// Java MQVersion.getVersionDesc for the ordinals clients send: "V4_9_4",
// "V5_0_0_SNAPSHOT"; the irregular 3.x region as its number.
std::string VersionDesc(int32_t ordinal) {
  constexpr int32_t kV4_0_0_Snapshot = 212;
  if (ordinal < kV4_0_0_Snapshot) return std::to_string(ordinal);
  const int32_t n = (ordinal - kV4_0_0_Snapshot) / 2;
  const bool snapshot = (ordinal - kV4_0_0_Snapshot) % 2 == 0;
  return fmt::format("V{}_{}_{}{}", 4 + n / 100, (n / 10) % 10, n % 10,
                     snapshot ? "_SNAPSHOT" : "");
}

// One row of the group listing. Figures stay null when no broker gave them.
struct GroupRow {
  std::string group;
  int64_t count = 0;
  nlohmann::json version = "OFFLINE";
  std::string type;
  std::string model;
  nlohmann::json tps;
  nlohmann::json diff_total;
};

GroupRow ExamineGroup(AdminClient& client, const std::string& group) {
  GroupRow row;
  row.group = group;
  Result<protocol::TopicRouteData> route = client.GetTopicRoute(std::string(kRetryPrefix) + group);
  if (!route.ok()) return row;
  double tps = 0;
  int64_t diff = 0;
  bool any_stats = false;
  for (const auto& b : route->broker_datas) {
    std::optional<std::string> addr = MasterAddr(b);
    if (!addr) continue;
    RemotingCommand req = RemotingCommand::Request(RC::kGetConsumeStats);
    req.SetField("consumerGroup", group);
    Result<RemotingCommand> resp = client.CallBrokerOk(*addr, std::move(req), "GET_CONSUME_STATS");
    if (!resp.ok()) continue;
    Result<protocol::ConsumeStats> stats = protocol::ConsumeStats::Decode(resp->body);
    if (!stats.ok()) continue;
    any_stats = true;
    tps += stats->consume_tps;
    diff += stats->TotalDiff();
  }
  if (any_stats) {
    row.tps = static_cast<int64_t>(tps);
    row.diff_total = diff;
  }
  for (const auto& b : route->broker_datas) {
    std::optional<std::string> addr = MasterAddr(b);
    if (!addr) continue;
    RemotingCommand req = RemotingCommand::Request(RC::kGetConsumerConnectionList);
    req.SetField("consumerGroup", group);
    Result<RemotingCommand> resp =
        client.CallBrokerOk(*addr, std::move(req), "GET_CONSUMER_CONNECTION_LIST");
    if (!resp.ok()) continue;
    Result<protocol::ConsumerConnection> cc = protocol::ConsumerConnection::Decode(resp->body);
    if (!cc.ok() || cc->connection_set.empty()) continue;
    row.count = static_cast<int64_t>(cc->connection_set.size());
    int32_t min_version = INT32_MAX;
    for (const auto& c : cc->connection_set) min_version = std::min(min_version, c.version);
    row.version = VersionDesc(min_version);
    const bool pull = cc->consume_type == protocol::ConsumeType::kConsumeActively;
    row.type = pull ? "PULL" : "PUSH";
    if (cc->consume_type == protocol::ConsumeType::kConsumePassively) {
      row.model = std::string(protocol::MessageModelName(cc->message_model));
    }
    break;
  }
  return row;
}

Status RunAllGroups(CommandContext& ctx, AdminClient& client) {
  TERN_ASSIGN_OR_RETURN(
      RemotingCommand resp,
      client.CallNamesrvOk(RemotingCommand::Request(RC::kGetAllTopicListFromNameserver),
                           "GET_ALL_TOPIC_LIST_FROM_NAMESERVER"));
  Result<protocol::TopicList> topics = protocol::TopicList::Decode(resp.body);
  if (!topics.ok()) return BadBody(topics.status(), "topic list", "the nameserver");
  std::vector<std::string> groups;
  for (const auto& topic : topics->topic_list) {
    if (topic.rfind(kRetryPrefix, 0) == 0 && topic.size() > kRetryPrefix.size()) {
      groups.push_back(topic.substr(kRetryPrefix.size()));
    }
  }
  std::sort(groups.begin(), groups.end());
  Table t({{"#Group", "group"},
           {"#Count", "count", Align::kRight},
           {"#Version", "version"},
           {"#Type", "type"},
           {"#Model", "model"},
           {"#TPS", "tps", Align::kRight},
           {"#Diff Total", "diffTotal", Align::kRight}});
  for (const auto& group : groups) {
    GroupRow r = ExamineGroup(client, group);
    t.AddRow({r.group, r.count, r.version, r.type, r.model, r.tps, r.diff_total});
  }
  ctx.PrintTable(t);
  return Status::Ok();
}

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  if (!ctx.Has("groupName")) return RunAllGroups(ctx, *client);
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
          "-g: GET_ROUTEINFO_BY_TOPIC (105) for %RETRY%<group> (the -t topic's route when the\n"
          "retry topic has none), then GET_CONSUME_STATS (208) to each master; without -t the\n"
          "group's retry queues are listed too. Client IP is always N/A.\n"
          "No -g: every group of a %RETRY% topic (206), each with 105, 208 and 203."};
}

}  // namespace tern::tools::admin
