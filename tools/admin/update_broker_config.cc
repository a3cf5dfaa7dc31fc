// updateBrokerConfig (-b BROKER_ADDR | -c CLUSTER [-a true]) -k KEY -v VALUE:
// UPDATE_BROKER_CONFIG (25) with the properties body "KEY=VALUE\n" to the
// broker, or to every master of the cluster (every broker with -a true).
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

Status Run(CommandContext& ctx) {
  std::string key = ctx.Get("key");
  std::string value = ctx.Get("value");
  if (key.empty() || key.find_first_of("=: \n") != std::string::npos || value.find('\n') != std::string::npos) {
    return Status::InvalidArgument("a config key may not be empty or contain '=', ':', ' ' or a newline");
  }
  TERN_ASSIGN_OR_RETURN(bool all, ctx.GetBool("updateAllBroker", false));
  TERN_ASSIGN_OR_RETURN(std::vector<std::string> brokers, TargetBrokers(ctx, all));
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  std::string failures;
  nlohmann::json done = nlohmann::json::array();
  for (const auto& addr : brokers) {
    RemotingCommand req = RemotingCommand::Request(protocol::RequestCode::kUpdateBrokerConfig);
    req.body = key + "=" + value + "\n";
    auto r = client->CallBrokerOk(addr, std::move(req), "UPDATE_BROKER_CONFIG");
    if (!r.ok()) {
      failures += (failures.empty() ? "" : "; ") + r.status().message();
      continue;
    }
    // TernMQ says in the remark what is saved but waits for a restart.
    const std::string remark = r->remark.value_or("");
    done.push_back(remark.empty() ? nlohmann::json(addr)
                                  : nlohmann::json{{"broker", addr}, {"remark", remark}});
    if (!ctx.json()) {
      ctx.Print(fmt::format("update broker config success, {}{}\n", addr,
                            remark.empty() ? "" : " (" + remark + ")"));
    }
  }
  if (ctx.json()) ctx.PrintJson({{"key", key}, {"value", value}, {"brokers", done}});
  if (!failures.empty()) return Status::Unavailable(failures);
  return Status::Ok();
}

}  // namespace

AdminCommand UpdateBrokerConfigCommand() {
  return {"updateBrokerConfig",
          "Update broker's config.",
          {{"b", "brokerAddr", "ADDR", "update which broker", false, 1},
           {"c", "clusterName", "CLUSTER", "update which cluster", false, 1},
           {"a", "updateAllBroker", "BOOL", "with -c: update slaves too (true|false)"},
           {"k", "key", "KEY", "config key", true},
           {"v", "value", "VALUE", "config value", true}},
          Run,
          "Sends UPDATE_BROKER_CONFIG (25) with body \"KEY=VALUE\" to the broker(s). Needs a\n"
          "running broker."};
}

}  // namespace tern::tools::admin
