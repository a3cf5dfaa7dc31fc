// topicRoute -t TOPIC [-l]: GET_ROUTEINFO_BY_TOPIC (105). Prints the route
// as pretty JSON like RocketMQ (standard JSON: broker ids are quoted), or with
// -l a table of brokers and queue counts with a total line.
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client->GetTopicRoute(ctx.Get("topic")));
  nlohmann::json j =
      nlohmann::json::parse(route.Encode(protocol::NumericKeys::kQuoted), nullptr, false);
  if (ctx.json()) {
    ctx.PrintJson(j);
    return Status::Ok();
  }
  if (!ctx.Has("list")) {
    ctx.Print(j.dump(1, '\t'));
    ctx.Print("\n");
    return Status::Ok();
  }
  Table t({{"#ClusterName", "cluster"},
           {"#BrokerName", "brokerName"},
           {"#BrokerAddrs", "brokerAddrs"},
           {"#ReadQueue", "readQueueNums", Align::kRight},
           {"#WriteQueue", "writeQueueNums", Align::kRight},
           {"#Perm", "perm", Align::kRight}});
  std::map<std::string, const protocol::BrokerData*> brokers;
  for (const auto& b : route.broker_datas) brokers[b.broker_name] = &b;
  std::map<std::string, const protocol::QueueData*> queues;
  for (const auto& q : route.queue_datas) queues[q.broker_name] = &q;
  int64_t read = 0, write = 0;
  for (const auto& [name, q] : queues) {
    std::string cluster, addrs;
    if (auto b = brokers.find(name); b != brokers.end()) {
      cluster = b->second->cluster;
      for (const auto& [id, addr] : b->second->broker_addrs)
        addrs += fmt::format("{}{}={}", addrs.empty() ? "" : ", ", id, addr);
    }
    read += q->read_queue_nums;
    write += q->write_queue_nums;
    t.AddRow({cluster, name, "{" + addrs + "}", q->read_queue_nums, q->write_queue_nums, q->perm});
  }
  t.AddRow({"Total:", static_cast<int64_t>(queues.size()), "", read, write, nullptr});
  ctx.PrintTable(t);
  return Status::Ok();
}

}  // namespace

AdminCommand TopicRouteCommand() {
  return {"topicRoute",
          "Examine topic route info.",
          {{"t", "topic", "TOPIC", "topic name", true},
           {"l", "list", "", "print a table (brokers, queue counts, total) instead of JSON"}},
          Run,
          "Sends GET_ROUTEINFO_BY_TOPIC (105) to the first nameserver that answers."};
}

}  // namespace tern::tools::admin
