// `ternmq admin <command>` / `mqadmin <command>`: the operator command line.
// Everything lives in tools/admin/ (see its README.md); this is the entry.
#include "tools/admin/command.h"
#include "tools/commands.h"

namespace tern::tools {

int AdminMain(int argc, char** argv) { return admin::RunAdmin(argc, argv); }

}  // namespace tern::tools
