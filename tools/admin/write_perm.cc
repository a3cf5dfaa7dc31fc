// wipeWritePerm / addWritePerm -b BROKER_NAME: WIPE_WRITE_PERM_OF_BROKER (205)
// or ADD_WRITE_PERM_OF_BROKER (327) to every nameserver of the list; prints
// how many topics each nameserver changed (response header wipeTopicCount /
// addTopicCount). One failing nameserver does not stop the others; the
// command then exits non-zero.
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

struct PermVerb {
  int32_t code;
  const char* request_name;
  const char* count_field;
  const char* word;  // "wipe" / "add"
};

constexpr PermVerb kWipe{protocol::RequestCode::kWipeWritePermOfBroker,
                         "WIPE_WRITE_PERM_OF_BROKER", "wipeTopicCount", "wipe"};
constexpr PermVerb kAdd{protocol::RequestCode::kAddWritePermOfBroker, "ADD_WRITE_PERM_OF_BROKER",
                        "addTopicCount", "add"};

Status RunPerm(CommandContext& ctx, const PermVerb& verb) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  std::string broker = ctx.Get("brokerName");
  RemotingCommand req = RemotingCommand::Request(verb.code);
  req.SetField("brokerName", broker);
  auto outcomes = client->CallEveryNamesrvOk(req, verb.request_name);
  Table t({{"#NameServer", "namesrvAddr"},
           {"#Broker Name", "brokerName"},
           {"#Topics", verb.count_field, Align::kRight},
           {"#Result", "result"}});
  for (const auto& o : outcomes) {
    if (o.response.ok()) {
      auto count = o.response->Int64Or(verb.count_field, 0);
      t.AddRow({o.addr, broker, count.ok() ? nlohmann::json(*count) : nlohmann::json(nullptr), "OK"});
    } else {
      t.AddRow({o.addr, broker, nullptr, "Failed: " + o.response.status().message()});
    }
  }
  ctx.PrintTable(t);
  return CombineFailures(outcomes);
}

Status RunWipe(CommandContext& ctx) { return RunPerm(ctx, kWipe); }
Status RunAdd(CommandContext& ctx) { return RunPerm(ctx, kAdd); }

}  // namespace

AdminCommand WipeWritePermCommand() {
  return {"wipeWritePerm",
          "Wipe write perm of broker in all name server you defined in the -n param.",
          {{"b", "brokerName", "BROKER_NAME", "broker name", true}},
          RunWipe,
          "Sends WIPE_WRITE_PERM_OF_BROKER (205) to every nameserver given with -n and prints the\n"
          "number of topics whose write permission was removed."};
}

AdminCommand AddWritePermCommand() {
  return {"addWritePerm",
          "Add write perm of broker in all name server you defined in the -n param.",
          {{"b", "brokerName", "BROKER_NAME", "broker name", true}},
          RunAdd,
          "Sends ADD_WRITE_PERM_OF_BROKER (327) to every nameserver given with -n and prints the\n"
          "number of topics whose write permission was restored."};
}

}  // namespace tern::tools::admin
