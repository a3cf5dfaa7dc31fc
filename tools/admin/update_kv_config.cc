// updateKvConfig -s NAMESPACE -k KEY -v VALUE: PUT_KV_CONFIG (100) to every
// nameserver of the list (as RocketMQ's admin does).
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  RemotingCommand req = RemotingCommand::Request(protocol::RequestCode::kPutKvConfig);
  req.SetField("namespace", ctx.Get("namespace"));
  req.SetField("key", ctx.Get("key"));
  req.SetField("value", ctx.Get("value"));
  auto outcomes = client->CallEveryNamesrvOk(req, "PUT_KV_CONFIG");
  TERN_RETURN_IF_ERROR(CombineFailures(outcomes));
  if (ctx.json()) {
    ctx.PrintJson({{"namespace", ctx.Get("namespace")},
                   {"key", ctx.Get("key")},
                   {"value", ctx.Get("value")},
                   {"namesrvAddrs", client->namesrv_addrs()}});
  } else {
    ctx.Print("create or update kv config to namespace success.\n");
  }
  return Status::Ok();
}

}  // namespace

AdminCommand UpdateKvConfigCommand() {
  return {"updateKvConfig",
          "Create or update KV config.",
          {{"s", "namespace", "NAMESPACE", "set the namespace", true},
           {"k", "key", "KEY", "set the key name", true},
           {"v", "value", "VALUE", "set the key value", true}},
          Run,
          "Sends PUT_KV_CONFIG (100) to every nameserver given with -n."};
}

}  // namespace tern::tools::admin
