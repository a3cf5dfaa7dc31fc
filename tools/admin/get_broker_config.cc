// getBrokerConfig (-b BROKER_ADDR | -c CLUSTER): GET_BROKER_CONFIG (26); the
// body is properties text. With -c every broker of the cluster, masters
// first, each under a "====Master: addr====" / "====Slave: addr====" line.
#include <fmt/format.h>

#include "src/base/properties.h"
#include "src/protocol/codes.h"
#include "src/protocol/perm.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

struct Target {
  std::string addr;
  std::string title;
};

Result<std::vector<Target>> Targets(CommandContext& ctx) {
  if (ctx.Has("brokerAddr")) {
    std::string addr = ctx.Get("brokerAddr");
    return std::vector<Target>{{addr, addr}};
  }
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, client->GetClusterInfo());
  std::string cluster = ctx.Get("clusterName");
  auto it = info.cluster_addr_table.find(cluster);
  if (it == info.cluster_addr_table.end()) {
    return Status::NotFound(fmt::format("cluster '{}' is not known to the nameserver", cluster));
  }
  std::vector<Target> out;
  for (const auto& name : it->second) {
    auto b = info.broker_addr_table.find(name);
    if (b == info.broker_addr_table.end()) continue;
    for (const auto& [id, addr] : b->second.broker_addrs) {
      out.push_back({addr, fmt::format("{}: {}", id == protocol::kMasterId ? "Master" : "Slave", addr)});
    }
  }
  return out;
}

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(std::vector<Target> targets, Targets(ctx));
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  nlohmann::json all = nlohmann::json::object();
  std::string failures;
  for (const auto& target : targets) {
    auto resp = client->CallBrokerOk(
        target.addr, RemotingCommand::Request(protocol::RequestCode::kGetBrokerConfig),
        "GET_BROKER_CONFIG");
    Result<PropertyList> props =
        resp.ok() ? ParseProperties(resp->body, "config")
                  : Result<PropertyList>(resp.status());
    if (resp.ok() && !props.ok()) props = BadBody(props.status(), "config", "broker " + target.addr);
    if (!props.ok()) {
      failures += (failures.empty() ? "" : "; ") + props.status().message();
      continue;
    }
    if (ctx.json()) {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& [k, v] : *props) obj[k] = v;
      all[target.addr] = std::move(obj);
      continue;
    }
    Table t({{"key", "key"}, {"=", "="}, {"value", "value"}}, /*show_header=*/false);
    for (const auto& [k, v] : *props) t.AddRow({k, "=", v});
    ctx.Print(fmt::format("============{}============\n", target.title));
    ctx.Print(t.Render());
    ctx.Print("\n");
  }
  if (ctx.json()) ctx.PrintJson(all);
  if (!failures.empty()) return Status::Unavailable(failures);
  return Status::Ok();
}

}  // namespace

AdminCommand GetBrokerConfigCommand() {
  return {"getBrokerConfig",
          "Get broker config by cluster or special broker.",
          {{"b", "brokerAddr", "ADDR", "get which broker", false, 1},
           {"c", "clusterName", "CLUSTER", "get which cluster", false, 1}},
          Run,
          "Sends GET_BROKER_CONFIG (26) to the broker(s). Needs a running broker."};
}

}  // namespace tern::tools::admin
