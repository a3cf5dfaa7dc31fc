// topicClusterList -t TOPIC: GET_ROUTEINFO_BY_TOPIC (105), then the clusters
// holding the topic's brokers from GET_BROKER_CLUSTER_INFO (106), one a line.
#include <set>

#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  std::string topic = ctx.Get("topic");
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client->GetTopicRoute(topic));
  TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, client->GetClusterInfo());
  std::set<std::string> clusters;
  for (const auto& b : route.broker_datas) {
    bool found = false;
    for (const auto& [name, brokers] : info.cluster_addr_table) {
      if (brokers.count(b.broker_name) > 0) {
        clusters.insert(name);
        found = true;
      }
    }
    // A route whose broker vanished from the cluster table meanwhile still
    // names its cluster.
    if (!found && !b.cluster.empty()) clusters.insert(b.cluster);
  }
  if (ctx.json()) {
    ctx.PrintJson({{"topic", topic}, {"clusters", clusters}});
    return Status::Ok();
  }
  std::string out;
  for (const auto& c : clusters) out += c + "\n";
  ctx.Print(out);
  return Status::Ok();
}

}  // namespace

AdminCommand TopicClusterListCommand() {
  return {"topicClusterList",
          "Get cluster info for topic.",
          {{"t", "topic", "TOPIC", "topic name", true}},
          Run,
          "Sends GET_ROUTEINFO_BY_TOPIC (105) and GET_BROKER_CLUSTER_INFO (106)."};
}

}  // namespace tern::tools::admin
