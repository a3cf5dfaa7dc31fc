// topicStatus -t TOPIC: GET_ROUTEINFO_BY_TOPIC (105), then
// GET_TOPIC_STATS_INFO (202) to each master of the route. The 202 body is a
// fastjson object-keyed map (requests.md §C.10):
//   {"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"lastUpdateTimestamp":..,"maxOffset":9,"minOffset":0}}}
// lenient_json turns each object key into a string holding its JSON text,
// which is parsed again here.
#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "src/protocol/lenient_json.h"
#include "tools/admin/message_print.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

namespace RC = protocol::RequestCode;

struct QueueStat {
  std::string broker_name;
  int32_t queue_id = 0;
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  int64_t last_update = 0;
};

Status ParseStats(std::string_view body, std::vector<QueueStat>* out, std::optional<double>* tps) {
  TERN_ASSIGN_OR_RETURN(nlohmann::json j, protocol::ParseLenientJsonObject(body, "TopicStatsTable"));
  auto table = j.find("offsetTable");
  if (table == j.end() || !table->is_object()) return Status::Ok();
  for (const auto& [key, value] : table->items()) {
    TERN_ASSIGN_OR_RETURN(nlohmann::json mq, protocol::ParseLenientJsonObject(key, "MessageQueue"));
    if (!value.is_object()) return Status::InvalidArgument("TopicStatsTable: offset entry is not an object");
    QueueStat s;
    TERN_ASSIGN_OR_RETURN(s.broker_name, protocol::JsonString(mq, "brokerName", ""));
    TERN_ASSIGN_OR_RETURN(s.queue_id, protocol::JsonInt32(mq, "queueId", 0));
    TERN_ASSIGN_OR_RETURN(s.min_offset, protocol::JsonInt64(value, "minOffset", 0));
    TERN_ASSIGN_OR_RETURN(s.max_offset, protocol::JsonInt64(value, "maxOffset", 0));
    TERN_ASSIGN_OR_RETURN(s.last_update, protocol::JsonInt64(value, "lastUpdateTimestamp", 0));
    out->push_back(std::move(s));
  }
  if (auto t = j.find("topicPutTps"); t != j.end() && t->is_number()) {
    *tps = tps->value_or(0.0) + t->get<double>();
  }
  return Status::Ok();
}

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  std::string topic = ctx.Get("topic");
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client->GetTopicRoute(topic));
  std::vector<QueueStat> stats;
  std::optional<double> tps;
  for (const auto& b : route.broker_datas) {
    std::optional<std::string> addr = MasterAddr(b);
    if (!addr) continue;
    RemotingCommand req = RemotingCommand::Request(RC::kGetTopicStatsInfo);
    req.SetField("topic", topic);
    TERN_ASSIGN_OR_RETURN(RemotingCommand resp,
                          client->CallBrokerOk(*addr, std::move(req), "GET_TOPIC_STATS_INFO"));
    Status st = ParseStats(resp.body, &stats, &tps);
    if (!st.ok()) return BadBody(st, "topic stats", "broker " + *addr);
  }
  std::sort(stats.begin(), stats.end(), [](const QueueStat& a, const QueueStat& b) {
    return std::tie(a.broker_name, a.queue_id) < std::tie(b.broker_name, b.queue_id);
  });
  Table t({{"#Broker Name", "brokerName"},
           {"#QID", "queueId", Align::kRight},
           {"#Min Offset", "minOffset", Align::kRight},
           {"#Max Offset", "maxOffset", Align::kRight},
           {"#Last Updated", "lastUpdated"}});
  for (const auto& s : stats) {
    t.AddRow({s.broker_name, s.queue_id, s.min_offset, s.max_offset,
              s.last_update > 0 ? nlohmann::json(HumanTime(s.last_update)) : nlohmann::json("")});
  }
  if (ctx.json()) {
    nlohmann::json out = {{"topic", topic}, {"queues", t.ToJson()}};
    if (tps) out["topicPutTps"] = *tps;
    ctx.PrintJson(out);
    return Status::Ok();
  }
  ctx.Print(t.Render());
  if (tps) ctx.Print(fmt::format("\nTopic Put TPS: {}\n", *tps));
  return Status::Ok();
}

}  // namespace

AdminCommand TopicStatusCommand() {
  return {"topicStatus",
          "Examine topic Status info.",
          {{"t", "topic", "TOPIC", "topic name", true}},
          Run,
          "Sends GET_ROUTEINFO_BY_TOPIC (105), then GET_TOPIC_STATS_INFO (202) to each master of\n"
          "the route. Needs a running broker."};
}

}  // namespace tern::tools::admin
