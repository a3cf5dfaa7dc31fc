// `ternmq admin <command>` / `mqadmin <command>`: placeholder until the admin
// issue lands; it already answers help so scripts get a clear message.
#include <cstdio>
#include <string_view>

#include "tools/commands.h"

namespace tern::tools {

int AdminMain(int argc, char** argv) {
  std::string_view what = argc > 0 ? argv[0] : "help";
  if (what == "help" || what == "--help" || what == "-h") {
    std::printf(
        "usage: ternmq admin <command> [options]   (also: mqadmin <command>)\n\n"
        "commands:\n"
        "  (none in this build yet)\n");
    return 0;
  }
  std::fprintf(stderr, "mqadmin: unknown command '%.*s' (see 'ternmq admin help')\n",
               static_cast<int>(what.size()), what.data());
  return 2;
}

}  // namespace tern::tools
