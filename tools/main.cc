// The `ternmq` binary: one entry point for every TernMQ program.
//
//   ternmq namesrv | broker | dev | admin <command> | bench <what> | version | help
//
// Invoked through a link named mqnamesrv, mqbroker or mqadmin, it behaves as
// the matching subcommand, so RocketMQ operators' habits keep working.
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "tools/commands.h"
#include "tools/server_runtime.h"
#include "tools/version.h"

namespace {

struct Subcommand {
  const char* name;
  const char* summary;
  int (*main)(int, char**);
};

const Subcommand kSubcommands[] = {
    {"namesrv", "run a nameserver (default port 9876)", tern::tools::NamesrvMain},
    {"broker", "run a broker (default port 10911)", tern::tools::BrokerMain},
    {"dev", "nameserver and broker in one process, data under ./data", tern::tools::DevMain},
    {"admin", "operator commands with RocketMQ mqadmin's names (ternmq admin help)",
     tern::tools::AdminMain},
    {"bench", "benchmarks (ternmq bench help)", tern::tools::BenchMain},
};

void PrintHelp(FILE* out) {
  std::fprintf(out,
               "TernMQ %s: a RocketMQ-compatible message broker in one binary.\n\n"
               "usage: ternmq <command> [options]\n\ncommands:\n",
               TERNMQ_VERSION);
  for (const auto& c : kSubcommands) std::fprintf(out, "  %-8s %s\n", c.name, c.summary);
  std::fprintf(out,
               "  %-8s %s\n  %-8s %s\n\n"
               "Every command takes --help. Links named mqnamesrv, mqbroker and mqadmin run the\n"
               "matching command.\n",
               "version", "print the version", "help", "show this help");
}

std::string_view BaseName(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

}  // namespace

int main(int argc, char** argv) {
  tern::tools::BlockShutdownSignals();
  std::string_view self = BaseName(argv[0]);
  const char* alias = nullptr;
  if (self == "mqnamesrv") alias = "namesrv";
  if (self == "mqbroker") alias = "broker";
  if (self == "mqadmin") alias = "admin";

  std::string_view command;
  int rest_argc;
  char** rest_argv;
  if (alias != nullptr) {
    command = alias;
    rest_argc = argc - 1;
    rest_argv = argv + 1;
  } else {
    if (argc < 2) {
      PrintHelp(stderr);
      return 2;
    }
    command = argv[1];
    rest_argc = argc - 2;
    rest_argv = argv + 2;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    if (rest_argc > 0) {
      for (const auto& c : kSubcommands) {
        if (std::string_view(rest_argv[0]) == c.name) {
          char help[] = "--help";
          char* args[] = {help, nullptr};
          return c.main(1, args);
        }
      }
    }
    PrintHelp(stdout);
    return 0;
  }
  if (command == "version" || command == "--version") {
    std::printf("ternmq %s (RocketMQ remoting protocol, reports version V4_9_4)\n", TERNMQ_VERSION);
    return 0;
  }
  for (const auto& c : kSubcommands) {
    if (command == c.name) return c.main(rest_argc, rest_argv);
  }
  std::fprintf(stderr, "ternmq: unknown command '%.*s' (see 'ternmq help')\n",
               static_cast<int>(command.size()), command.data());
  return 2;
}
