// An admin command declared as data: its name, one-line summary, options
// (RocketMQ mqadmin's letters and long names) and the function that runs it.
// The framework (admin_main.cc) adds the common options -n/--namesrvAddr and
// --json, parses argv, checks required options and hands the command a
// CommandContext.
//
// Threading: main thread only.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "tools/admin/admin_client.h"
#include "tools/admin/table.h"
#include "tools/cli.h"

namespace tern::tools::admin {

struct AdminOption {
  std::string short_name;  // "t" for -t; may be empty for long-only options
  std::string long_name;   // "topic" for --topic; the key commands read it by
  std::string value_name;  // "TOPIC"; empty for a flag without value
  std::string help;
  bool required = false;
  // Options that share a non-zero group are alternatives: exactly one of
  // them must be given (RocketMQ's required OptionGroup, e.g. -b | -c).
  int one_of = 0;
};

class CommandContext;
using RunFunction = Status (*)(CommandContext& ctx);

struct AdminCommand {
  std::string name;     // "topicRoute"
  std::string summary;  // one line for `help`
  std::vector<AdminOption> options;
  RunFunction run = nullptr;
  // Extra lines for `help <command>` (requests sent, what awaits the broker).
  std::string notes;
};

// The option spec a command is parsed with: its own options plus the common
// ones (-n, --json).
CommandSpec SpecOf(const AdminCommand& command);
// "-t (topic)", "--json", "-b (brokerAddr)".
std::string DescribeOption(const AdminOption& option);

// What a running command sees: its parsed options, where to print, and the
// connection to the cluster (created on first use from -n / NAMESRV_ADDR).
class CommandContext {
 public:
  CommandContext(const AdminCommand& command, ParsedArgs args, std::FILE* out);
  ~CommandContext();

  const AdminCommand& command() const { return command_; }

  // Options by long name (short name for options without one). Values are
  // trimmed, as RocketMQ's commands do.
  bool Has(std::string_view key) const;
  std::string Get(std::string_view key, std::string fallback = "") const;
  // An integer option within [min, max]; errors name the option.
  Result<int64_t> GetInt(std::string_view key, int64_t fallback, int64_t min = INT32_MIN,
                         int64_t max = INT32_MAX) const;
  // A boolean option given as true/false (any case); errors name the option.
  Result<bool> GetBool(std::string_view key, bool fallback) const;

  // --json was given.
  bool json() const { return json_; }
  // The nameserver list: -n, else $NAMESRV_ADDR, else 127.0.0.1:9876.
  std::vector<std::string> NamesrvAddrs() const;
  // The connection, started on first use.
  Result<AdminClient*> Client();

  void Print(std::string_view text);
  // Pretty JSON (two-space indent) and a newline.
  void PrintJson(const nlohmann::json& value);
  // The table as text, or as a JSON array with --json.
  void PrintTable(const Table& table);

 private:
  const AdminOption* Find(std::string_view key) const;

  const AdminCommand& command_;
  ParsedArgs args_;
  std::FILE* out_;
  bool json_;
  std::unique_ptr<AdminClient> client_;
};

// The brokers a `-b brokerAddr | -c clusterName` command acts on: the -b
// address, or the masters of the -c cluster (every broker of it when
// `include_slaves`). Errors name an unknown cluster.
Result<std::vector<std::string>> TargetBrokers(CommandContext& ctx, bool include_slaves = false);

// Every command, in `help` order.
const std::vector<AdminCommand>& AllCommands();
const AdminCommand* FindCommand(std::string_view name);

// The entry point behind `ternmq admin` / `mqadmin`: argv holds the command
// name and its arguments. Returns the exit code (0 ok, 1 failed, 2 usage).
int RunAdmin(int argc, char** argv, std::FILE* out = stdout, std::FILE* err = stderr);

}  // namespace tern::tools::admin
