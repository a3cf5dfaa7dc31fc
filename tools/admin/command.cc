#include "tools/admin/command.h"

#include <cstdlib>

#include <fmt/format.h>

#include "src/base/properties.h"

namespace tern::tools::admin {
namespace {

std::string Trimmed(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string KeyOf(const AdminOption& o) { return o.long_name.empty() ? o.short_name : o.long_name; }

}  // namespace

std::string DescribeOption(const AdminOption& o) {
  if (o.short_name.empty()) return "--" + o.long_name;
  if (o.long_name.empty()) return "-" + o.short_name;
  return fmt::format("-{} ({})", o.short_name, o.long_name);
}

CommandSpec SpecOf(const AdminCommand& command) {
  CommandSpec spec;
  spec.name = command.name;
  spec.summary = command.summary;
  spec.usage = fmt::format("mqadmin {} [options]   (or: ternmq admin {} ...)", command.name,
                           command.name);
  for (const auto& o : command.options) {
    std::string help = o.help;
    if (o.required) help += " (required)";
    if (o.one_of != 0) {
      std::string alts;
      for (const auto& other : command.options) {
        if (other.one_of != o.one_of) continue;
        alts += (alts.empty() ? "" : " | ") + std::string("-") + other.short_name;
      }
      help += fmt::format(" (one of {} is required)", alts);
    }
    spec.options.push_back({o.short_name, o.long_name, o.value_name, help});
  }
  spec.options.push_back({"n", "namesrvAddr", "ADDRS",
                          "nameserver list \"a:9876;b:9876\" (default $NAMESRV_ADDR, else " +
                              std::string(kDefaultNamesrvAddr) + ")"});
  spec.options.push_back({"", "json", "", "machine-readable JSON output"});
  return spec;
}

CommandContext::CommandContext(const AdminCommand& command, ParsedArgs args, std::FILE* out)
    : command_(command), args_(std::move(args)), out_(out), json_(args_.Has("json")) {}

CommandContext::~CommandContext() = default;

const AdminOption* CommandContext::Find(std::string_view key) const {
  for (const auto& o : command_.options)
    if (KeyOf(o) == key) return &o;
  return nullptr;
}

bool CommandContext::Has(std::string_view key) const { return args_.Has(std::string(key)); }

std::string CommandContext::Get(std::string_view key, std::string fallback) const {
  std::string k(key);
  if (!args_.Has(k)) return fallback;
  return Trimmed(args_.Get(k));
}

Result<int64_t> CommandContext::GetInt(std::string_view key, int64_t fallback, int64_t min,
                                       int64_t max) const {
  if (!Has(key)) return fallback;
  const AdminOption* o = Find(key);
  std::string name = o ? DescribeOption(*o) : std::string(key);
  std::string text = Get(key);
  auto v = ParseInt64(text);
  if (!v.ok()) return Status::InvalidArgument(fmt::format("option {} expects an integer, got '{}'", name, text));
  if (*v < min || *v > max) {
    return Status::InvalidArgument(
        fmt::format("option {} must be between {} and {}, got {}", name, min, max, *v));
  }
  return *v;
}

Result<bool> CommandContext::GetBool(std::string_view key, bool fallback) const {
  if (!Has(key)) return fallback;
  std::string text = Get(key);
  auto v = ParseBoolStrict(text);
  if (!v.ok()) {
    const AdminOption* o = Find(key);
    return Status::InvalidArgument(fmt::format("option {} expects true or false, got '{}'",
                                               o ? DescribeOption(*o) : std::string(key), text));
  }
  return *v;
}

std::vector<std::string> CommandContext::NamesrvAddrs() const {
  std::string list = Get("namesrvAddr");
  if (list.empty()) {
    const char* env = std::getenv("NAMESRV_ADDR");
    if (env != nullptr) list = env;
  }
  auto addrs = SplitNamesrvList(list);
  if (addrs.empty()) addrs.push_back(kDefaultNamesrvAddr);
  return addrs;
}

Result<AdminClient*> CommandContext::Client() {
  if (!client_) {
    TERN_ASSIGN_OR_RETURN(client_, AdminClient::Create(NamesrvAddrs()));
  }
  return client_.get();
}

void CommandContext::Print(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), out_);
}

void CommandContext::PrintJson(const nlohmann::json& value) {
  Print(value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  Print("\n");
}

void CommandContext::PrintTable(const Table& table) {
  if (json_) {
    PrintJson(table.ToJson());
  } else {
    Print(table.Render());
  }
}

Result<std::vector<std::string>> TargetBrokers(CommandContext& ctx, bool include_slaves) {
  if (ctx.Has("brokerAddr")) return std::vector<std::string>{ctx.Get("brokerAddr")};
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, client->GetClusterInfo());
  std::string cluster = ctx.Get("clusterName");
  return include_slaves ? AllAddrsOfCluster(info, cluster) : MasterAddrsOfCluster(info, cluster);
}

}  // namespace tern::tools::admin
