// updateNamesrvConfig -k KEY -v VALUE: UPDATE_NAMESRV_CONFIG (318) with the
// properties body "KEY=VALUE\n" to every nameserver of the list.
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  std::string key = ctx.Get("key");
  std::string value = ctx.Get("value");
  if (key.find_first_of("=:\n") != std::string::npos || value.find('\n') != std::string::npos) {
    return Status::InvalidArgument("a config key may not contain '=', ':' or a newline");
  }
  RemotingCommand req = RemotingCommand::Request(protocol::RequestCode::kUpdateNamesrvConfig);
  req.body = key + "=" + value + "\n";
  TERN_RETURN_IF_ERROR(CombineFailures(client->CallEveryNamesrvOk(req, "UPDATE_NAMESRV_CONFIG")));
  if (ctx.json()) {
    ctx.PrintJson({{"key", key}, {"value", value}, {"namesrvAddrs", client->namesrv_addrs()}});
  } else {
    std::string list;
    for (const auto& a : client->namesrv_addrs()) list += (list.empty() ? "" : ", ") + a;
    ctx.Print(fmt::format("update name server config success![{}]\n{} : {}\n", list, key, value));
  }
  return Status::Ok();
}

}  // namespace

AdminCommand UpdateNamesrvConfigCommand() {
  return {"updateNamesrvConfig",
          "Update configs of name server.",
          {{"k", "key", "KEY", "config key", true}, {"v", "value", "VALUE", "config value", true}},
          Run,
          "Sends UPDATE_NAMESRV_CONFIG (318) with body \"KEY=VALUE\" to every nameserver given\n"
          "with -n."};
}

}  // namespace tern::tools::admin
