// `ternmq admin <command>` / `mqadmin <command>`: help, option parsing and
// validation, running the command, and turning its Status into one line on
// stderr and an exit code (0 ok, 1 the command failed, 2 bad usage).
#include <algorithm>
#include <map>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "src/base/logging.h"
#include "tools/admin/command.h"

namespace tern::tools::admin {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

void PrintCommandList(std::FILE* f) {
  std::string out =
      "usage: mqadmin <command> [options]   (or: ternmq admin <command> [options])\n\n"
      "commands:\n";
  size_t width = 0;
  for (const auto& c : AllCommands()) width = std::max(width, c.name.size());
  for (const auto& c : AllCommands()) out += fmt::format("  {:<{}}  {}\n", c.name, width, c.summary);
  out += fmt::format("  {:<{}}  {}\n", "help", width, "list the commands, or show one's options");
  out +=
      "\nEvery command takes -n \"a:9876;b:9876\" (default $NAMESRV_ADDR, else 127.0.0.1:9876)\n"
      "and --json. See 'mqadmin help <command>' for a command's options.\n";
  std::fputs(out.c_str(), f);
}

void PrintCommandHelp(const AdminCommand& c, std::FILE* f) {
  std::string text = UsageText(SpecOf(c));
  if (!c.notes.empty()) text += "\n" + c.notes + (c.notes.back() == '\n' ? "" : "\n");
  std::fputs(text.c_str(), f);
}

// Required options and alternatives (-b | -c), checked before anything runs.
Status CheckRequired(const AdminCommand& c, const ParsedArgs& args) {
  auto key = [](const AdminOption& o) { return o.long_name.empty() ? o.short_name : o.long_name; };
  for (const auto& o : c.options) {
    if (o.required && !args.Has(key(o))) {
      return Status::InvalidArgument("missing required option " + DescribeOption(o));
    }
  }
  std::map<int, std::vector<const AdminOption*>> groups;
  for (const auto& o : c.options)
    if (o.one_of != 0) groups[o.one_of].push_back(&o);
  for (const auto& [id, members] : groups) {
    std::vector<const AdminOption*> given;
    std::string names;
    for (const AdminOption* o : members) {
      if (args.Has(key(*o))) given.push_back(o);
      names += (names.empty() ? "" : " or ") + DescribeOption(*o);
    }
    if (given.empty()) return Status::InvalidArgument("missing required option: one of " + names);
    if (given.size() > 1) {
      return Status::InvalidArgument(fmt::format("options {} and {} cannot be used together",
                                                 DescribeOption(*given[0]),
                                                 DescribeOption(*given[1])));
    }
  }
  return Status::Ok();
}

}  // namespace

int RunAdmin(int argc, char** argv, std::FILE* out, std::FILE* err) {
  // Operators get one line per error, written below; the libraries' own log
  // lines (connection warnings) would only repeat it.
  log::SetLevel(log::Level::kOff);
  std::string_view name = argc > 0 ? argv[0] : "";
  if (argc == 0) {
    PrintCommandList(err);
    return kExitUsage;
  }
  if (name == "help" || name == "--help" || name == "-h") {
    if (argc < 2) {
      PrintCommandList(out);
      return kExitOk;
    }
    const AdminCommand* c = FindCommand(argv[1]);
    if (c == nullptr) {
      std::fprintf(err, "mqadmin: unknown command '%s' (see 'mqadmin help')\n", argv[1]);
      return kExitUsage;
    }
    PrintCommandHelp(*c, out);
    return kExitOk;
  }
  const AdminCommand* c = FindCommand(name);
  if (c == nullptr) {
    std::fprintf(err, "mqadmin: unknown command '%.*s' (see 'mqadmin help')\n",
                 static_cast<int>(name.size()), name.data());
    return kExitUsage;
  }
  auto args = ParseArgs(SpecOf(*c), argc - 1, argv + 1);
  if (!args.ok()) {
    std::fprintf(err, "mqadmin %s: %s\n", c->name.c_str(), args.status().message().c_str());
    return kExitUsage;
  }
  if (args->Has("help")) {
    PrintCommandHelp(*c, out);
    return kExitOk;
  }
  if (Status st = CheckRequired(*c, *args); !st.ok()) {
    std::fprintf(err, "mqadmin %s: %s (see 'mqadmin help %s')\n", c->name.c_str(),
                 st.message().c_str(), c->name.c_str());
    return kExitUsage;
  }
  Status st;
  {
    CommandContext ctx(*c, std::move(args).value(), out);
    st = c->run(ctx);
    std::fflush(out);
  }
  if (!st.ok()) {
    std::fprintf(err, "mqadmin %s: %s\n", c->name.c_str(), st.message().c_str());
    return st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  return kExitOk;
}

}  // namespace tern::tools::admin
