// deleteSubGroup -g GROUP (-b BROKER_ADDR | -c CLUSTER) [-r true]:
// DELETE_SUBSCRIPTIONGROUP (207, header groupName plus removeOffset (4.9) and
// cleanOffset (5.x)) to the broker or every master of the cluster. With -c,
// as RocketMQ does, the group's %RETRY% and %DLQ% topics are then deleted
// from the cluster (215 + 216); failures there are reported, not fatal.
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

Status Run(CommandContext& ctx) {
  std::string group = ctx.Get("groupName");
  TERN_ASSIGN_OR_RETURN(bool remove_offset, ctx.GetBool("removeOffset", false));
  TERN_ASSIGN_OR_RETURN(std::vector<std::string> brokers, TargetBrokers(ctx));
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  std::vector<std::string> done;
  for (const auto& addr : brokers) {
    RemotingCommand req = RemotingCommand::Request(protocol::RequestCode::kDeleteSubscriptionGroup);
    req.SetField("groupName", group);
    req.SetField("removeOffset", remove_offset);
    req.SetField("cleanOffset", remove_offset);
    TERN_RETURN_IF_ERROR(client->CallBrokerOk(addr, std::move(req), "DELETE_SUBSCRIPTIONGROUP").status());
    done.push_back(ctx.Has("clusterName")
                       ? fmt::format("delete subscription group [{}] from broker [{}] in cluster [{}] success.",
                                     group, addr, ctx.Get("clusterName"))
                       : fmt::format("delete subscription group [{}] from broker [{}] success.", group, addr));
  }
  std::vector<std::string> warnings;
  if (ctx.Has("clusterName")) {
    for (const std::string& topic : {"%RETRY%" + group, "%DLQ%" + group}) {
      Status st = DeleteTopicInCluster(*client, ctx.Get("clusterName"), topic, &done);
      if (!st.ok()) warnings.push_back(fmt::format("could not delete topic {}: {}", topic, st.message()));
    }
  }
  if (ctx.json()) {
    ctx.PrintJson({{"groupName", group}, {"done", done}, {"warnings", warnings}});
  } else {
    for (const auto& line : done) ctx.Print(line + "\n");
    for (const auto& line : warnings) ctx.Print("warning: " + line + "\n");
  }
  return Status::Ok();
}

}  // namespace

AdminCommand DeleteSubGroupCommand() {
  return {"deleteSubGroup",
          "Delete subscription group from broker.",
          {{"b", "brokerAddr", "ADDR", "delete subscription group from which broker", false, 1},
           {"c", "clusterName", "CLUSTER", "delete subscription group from which cluster", false, 1},
           {"g", "groupName", "GROUP", "subscription group name", true},
           {"r", "removeOffset", "BOOL", "remove offset (true|false)"}},
          Run,
          "Sends DELETE_SUBSCRIPTIONGROUP (207) to the broker or to every master of the cluster;\n"
          "with -c also deletes %RETRY%<group> and %DLQ%<group> (215, 216). Needs a running broker."};
}

}  // namespace tern::tools::admin
