// deleteKvConfig -s NAMESPACE -k KEY: DELETE_KV_CONFIG (102) to every nameserver.
#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  RemotingCommand req = RemotingCommand::Request(protocol::RequestCode::kDeleteKvConfig);
  req.SetField("namespace", ctx.Get("namespace"));
  req.SetField("key", ctx.Get("key"));
  auto outcomes = client->CallEveryNamesrvOk(req, "DELETE_KV_CONFIG");
  TERN_RETURN_IF_ERROR(CombineFailures(outcomes));
  if (ctx.json()) {
    ctx.PrintJson({{"namespace", ctx.Get("namespace")},
                   {"key", ctx.Get("key")},
                   {"namesrvAddrs", client->namesrv_addrs()}});
  } else {
    ctx.Print("delete kv config from namespace success.\n");
  }
  return Status::Ok();
}

}  // namespace

AdminCommand DeleteKvConfigCommand() {
  return {"deleteKvConfig",
          "Delete KV config.",
          {{"s", "namespace", "NAMESPACE", "set the namespace", true},
           {"k", "key", "KEY", "set the key name", true}},
          Run,
          "Sends DELETE_KV_CONFIG (102) to every nameserver given with -n."};
}

}  // namespace tern::tools::admin
