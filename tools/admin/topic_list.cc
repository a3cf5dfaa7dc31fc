// topicList [-c]: GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206), one topic a line.
// With -c (cluster form): GET_BROKER_CLUSTER_INFO (106), then per topic other
// than %RETRY%/%DLQ% topics GET_ROUTEINFO_BY_TOPIC (105) for its cluster and
// QUERY_TOPIC_CONSUME_BY_WHO (300) to its brokers, in route order, until one
// answers, for the groups; when none can, the group column stays blank.
#include <algorithm>

#include "src/protocol/codes.h"
#include "src/protocol/lenient_json.h"
#include "src/protocol/topic_list.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

namespace RC = protocol::RequestCode;

// Groups consuming `topic`, asked from the first broker of its route that
// answers (RocketMQ asks the first one only).
std::vector<std::string> GroupsOf(AdminClient& client, const protocol::TopicRouteData& route,
                                  const std::string& topic) {
  for (const auto& b : route.broker_datas) {
    std::optional<std::string> addr = MasterAddr(b);
    if (!addr && !b.broker_addrs.empty()) addr = b.broker_addrs.begin()->second;
    if (!addr) continue;
    RemotingCommand req = RemotingCommand::Request(RC::kQueryTopicConsumeByWho);
    req.SetField("topic", topic);
    auto resp = client.CallBrokerOk(*addr, std::move(req), "QUERY_TOPIC_CONSUME_BY_WHO");
    if (!resp.ok()) continue;
    auto j = protocol::ParseLenientJsonObject(resp->body, "GroupList");
    if (!j.ok()) continue;
    std::vector<std::string> groups;
    auto it = j->find("groupList");
    if (it != j->end() && it->is_array()) {
      for (const auto& g : *it)
        if (g.is_string()) groups.push_back(g.get<std::string>());
    }
    std::sort(groups.begin(), groups.end());
    return groups;
  }
  return {};
}

Status RunClusterForm(CommandContext& ctx, AdminClient& client,
                      const protocol::TopicList& topics) {
  TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, client.GetClusterInfo());
  Table t({{"#Cluster Name", "cluster"}, {"#Topic", "topic"}, {"#Consumer Group", "group"}});
  for (const auto& topic : topics.topic_list) {
    if (topic.rfind("%RETRY%", 0) == 0 || topic.rfind("%DLQ%", 0) == 0) continue;
    std::string cluster;
    std::vector<std::string> groups;
    auto route = client.GetTopicRoute(topic);
    if (route.ok() && !route->broker_datas.empty()) {
      const std::string& broker = route->broker_datas.front().broker_name;
      for (const auto& [name, brokers] : info.cluster_addr_table)
        if (brokers.count(broker) > 0) cluster = name;
      groups = GroupsOf(client, *route, topic);
    }
    if (groups.empty()) groups.push_back("");
    for (const auto& g : groups) t.AddRow({cluster, topic, g});
  }
  ctx.PrintTable(t);
  return Status::Ok();
}

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(
      RemotingCommand resp,
      client->CallNamesrvOk(RemotingCommand::Request(RC::kGetAllTopicListFromNameserver),
                            "GET_ALL_TOPIC_LIST_FROM_NAMESERVER"));
  auto decoded = protocol::TopicList::Decode(resp.body);
  if (!decoded.ok()) return BadBody(decoded.status(), "topic list", "the nameserver");
  const protocol::TopicList& topics = *decoded;
  if (ctx.Has("clusterModel")) return RunClusterForm(ctx, *client, topics);
  if (ctx.json()) {
    ctx.PrintJson({{"topicList", topics.topic_list}});
    return Status::Ok();
  }
  std::string out;
  for (const auto& topic : topics.topic_list) out += topic + "\n";
  ctx.Print(out);
  return Status::Ok();
}

}  // namespace

AdminCommand TopicListCommand() {
  return {"topicList",
          "Fetch all topic list from name server.",
          {{"c", "clusterModel", "", "print each topic's cluster and consumer groups"}},
          Run,
          "Sends GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206); with -c also 106, 105 per topic and\n"
          "QUERY_TOPIC_CONSUME_BY_WHO (300) to a broker of each topic (groups need the broker)."};
}

}  // namespace tern::tools::admin
