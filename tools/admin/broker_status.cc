// brokerStatus (-b BROKER_ADDR | -c CLUSTER): GET_BROKER_RUNTIME_INFO (28)
// to the broker, or to every broker (masters and slaves) of the cluster;
// prints the runtime KV table sorted by key. In the cluster form a broker
// that does not answer is reported and the others are still printed.
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "src/protocol/topic_list.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(std::vector<std::string> brokers, TargetBrokers(ctx, /*include_slaves=*/true));
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  bool cluster_form = ctx.Has("clusterName");
  std::vector<Column> cols;
  if (cluster_form) cols.push_back({"#Broker Addr", "brokerAddr"});
  cols.push_back({"#Key", "key"});
  cols.push_back({"#Value", "value"});
  Table t(cols, /*show_header=*/cluster_form);
  nlohmann::json all = nlohmann::json::object();
  std::string failures;
  for (const auto& addr : brokers) {
    auto resp = client->CallBrokerOk(
        addr, RemotingCommand::Request(protocol::RequestCode::kGetBrokerRuntimeInfo),
        "GET_BROKER_RUNTIME_INFO");
    Result<protocol::KvTable> kv = resp.ok() ? protocol::KvTable::Decode(resp->body)
                                             : Result<protocol::KvTable>(resp.status());
    if (resp.ok() && !kv.ok()) kv = BadBody(kv.status(), "runtime info", "broker " + addr);
    if (!kv.ok()) {
      if (!cluster_form) return kv.status();
      failures += (failures.empty() ? "" : "; ") + kv.status().message();
      continue;
    }
    all[addr] = kv->table;
    for (const auto& [k, v] : kv->table) {
      if (cluster_form) t.AddRow({addr, k, v});
      else t.AddRow({k + ":", v});
    }
  }
  if (ctx.json()) ctx.PrintJson(cluster_form ? all : all[brokers.front()]);
  else ctx.Print(t.Render());
  if (!failures.empty()) return Status::Unavailable(failures);
  return Status::Ok();
}

}  // namespace

AdminCommand BrokerStatusCommand() {
  return {"brokerStatus",
          "Fetch broker runtime status data.",
          {{"b", "brokerAddr", "ADDR", "broker address", false, 1},
           {"c", "clusterName", "CLUSTER", "which cluster (every broker of it)", false, 1}},
          Run,
          "Sends GET_BROKER_RUNTIME_INFO (28) to the broker(s). Needs a running broker."};
}

}  // namespace tern::tools::admin
