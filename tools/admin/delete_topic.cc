// deleteTopic -t TOPIC -c CLUSTER: DELETE_TOPIC_IN_BROKER (215) to every
// master of the cluster (GET_BROKER_CLUSTER_INFO first), then
// DELETE_TOPIC_IN_NAMESRV (216, with clusterName) to every nameserver.
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {

namespace RC = protocol::RequestCode;

Status DeleteTopicInCluster(AdminClient& client, const std::string& cluster,
                            const std::string& topic, std::vector<std::string>* done) {
  TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, client.GetClusterInfo());
  TERN_ASSIGN_OR_RETURN(std::vector<std::string> masters, MasterAddrsOfCluster(info, cluster));
  for (const auto& addr : masters) {
    RemotingCommand req = RemotingCommand::Request(RC::kDeleteTopicInBroker);
    req.SetField("topic", topic);
    TERN_RETURN_IF_ERROR(client.CallBrokerOk(addr, std::move(req), "DELETE_TOPIC_IN_BROKER").status());
  }
  done->push_back(fmt::format("delete topic [{}] from cluster [{}] success.", topic, cluster));
  RemotingCommand req = RemotingCommand::Request(RC::kDeleteTopicInNamesrv);
  req.SetField("topic", topic);
  req.SetField("clusterName", cluster);
  TERN_RETURN_IF_ERROR(CombineFailures(client.CallEveryNamesrvOk(req, "DELETE_TOPIC_IN_NAMESRV")));
  done->push_back(fmt::format("delete topic [{}] from NameServer success.", topic));
  return Status::Ok();
}

namespace {

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  std::vector<std::string> done;
  Status st = DeleteTopicInCluster(*client, ctx.Get("clusterName"), ctx.Get("topic"), &done);
  if (ctx.json()) {
    ctx.PrintJson({{"topic", ctx.Get("topic")}, {"cluster", ctx.Get("clusterName")}, {"done", done}});
  } else {
    for (const auto& line : done) ctx.Print(line + "\n");
  }
  return st;
}

}  // namespace

AdminCommand DeleteTopicCommand() {
  return {"deleteTopic",
          "Delete topic from broker and NameServer.",
          {{"t", "topic", "TOPIC", "topic name", true},
           {"c", "clusterName", "CLUSTER", "delete topic from which cluster", true}},
          Run,
          "Sends DELETE_TOPIC_IN_BROKER (215) to every master of the cluster, then\n"
          "DELETE_TOPIC_IN_NAMESRV (216) to every nameserver. Needs a running broker."};
}

}  // namespace tern::tools::admin
