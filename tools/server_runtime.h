// What every long-running `ternmq` command does around its server: logging
// options, config file + overrides, data directory, and waiting for
// SIGINT/SIGTERM to shut down cleanly.
#pragma once

#include <string>

#include "src/base/properties.h"
#include "src/base/status.h"
#include "tools/cli.h"

namespace tern::tools {

// Options shared by server commands (-c, --data-dir, --log-level, --log-file, --print-config).
void AddServerOptions(CommandSpec* spec);

// Blocks SIGINT, SIGTERM (and ignores SIGPIPE) in the calling thread; threads
// started afterwards inherit the mask, so only WaitForShutdownSignal() sees them.
// Call first thing in main().
void BlockShutdownSignals();
// Waits for SIGINT or SIGTERM; returns the signal number.
int WaitForShutdownSignal();

// Applies --log-level and --log-file.
Status SetupLogging(const ParsedArgs& args);

// Loads `-c FILE` (if given) into `registry`, then the --key=value overrides.
// Errors name the file, the line, or the key.
Status ApplyConfig(const ParsedArgs& args, ConfigRegistry* registry);

// Creates `dir` (and parents) if missing; errors name the directory.
Status EnsureDirectory(const std::string& dir);

}  // namespace tern::tools
