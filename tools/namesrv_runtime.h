// Nameserver start-up shared by `ternmq namesrv` and `ternmq dev`.
#pragma once

#include <string>

#include "nameserver/namesrv_config.h"
#include "tools/cli.h"

namespace tern::tools {

// The option set of a nameserver-running command named `name`.
CommandSpec NamesrvSpec(const std::string& name, const std::string& default_data_dir);
// Binds `config` into `registry`, applies -c, overrides, -p and --data-dir,
// and creates the data directory.
Status PrepareNamesrvConfig(const ParsedArgs& args, const std::string& default_data_dir,
                            nameserver::NamesrvConfig* config, ConfigRegistry* registry);
// Prints the "boot success" line on stdout (and flushes).
void PrintNamesrvBootLine(const nameserver::NamesrvConfig& config, uint16_t port);

}  // namespace tern::tools
