// `ternmq broker`: placeholder until the broker lands (issue [broker]).
#include <cstdio>

#include "src/base/logging.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/server_runtime.h"

namespace tern::tools {

int BrokerMain(int argc, char** argv) {
  CommandSpec spec{"broker", "Run a TernMQ broker.", "ternmq broker [-c broker.conf] [-n namesrvAddr] [options]",
                   {{"n", "namesrvAddr", "ADDRS", "nameserver list, 'host:port;host:port'"},
                    {"p", "listenPort", "PORT", "main listener port (default 10911)"}}};
  AddServerOptions(&spec);
  auto args = ParseArgs(spec, argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "ternmq broker: %s\n", args.status().message().c_str());
    return 2;
  }
  if (args->Has("help")) {
    std::fputs(UsageText(spec).c_str(), stdout);
    return 0;
  }
  std::fprintf(stderr, "ternmq broker: the broker is not part of this build yet\n");
  return 2;
}

}  // namespace tern::tools
