// getNamesrvConfig: GET_NAMESRV_CONFIG (319) to every nameserver of the list;
// prints each one's settings under a "====addr====" line. A nameserver that
// cannot answer is reported and the others are still printed.
#include <fmt/format.h>

#include "src/base/properties.h"
#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  auto outcomes = client->CallEveryNamesrvOk(
      RemotingCommand::Request(protocol::RequestCode::kGetNamesrvConfig), "GET_NAMESRV_CONFIG");
  nlohmann::json all = nlohmann::json::object();
  for (auto& o : outcomes) {
    if (!o.response.ok()) continue;
    auto props = ParseProperties(o.response->body, "GET_NAMESRV_CONFIG body");
    if (!props.ok()) {
      o.response = BadBody(props.status(), "config", "nameserver " + o.addr);
      continue;
    }
    if (ctx.json()) {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& [k, v] : *props) obj[k] = v;
      all[o.addr] = std::move(obj);
      continue;
    }
    Table t({{"key", "key"}, {"=", "="}, {"value", "value"}}, /*show_header=*/false);
    for (const auto& [k, v] : *props) t.AddRow({k, "=", v});
    ctx.Print(fmt::format("============{}============\n", o.addr));
    ctx.Print(t.Render());
  }
  if (ctx.json()) ctx.PrintJson(all);
  return CombineFailures(outcomes);
}

}  // namespace

AdminCommand GetNamesrvConfigCommand() {
  return {"getNamesrvConfig",
          "Get configs of name server.",
          {},
          Run,
          "Sends GET_NAMESRV_CONFIG (319) to every nameserver given with -n."};
}

}  // namespace tern::tools::admin
