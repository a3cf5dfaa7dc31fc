// Shared by the tests that run `ternmq admin` against a real `ternmq dev`.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "test/util/child_process.h"
#include "test/util/remoting_fixtures.h"
#include "test/util/temp_dir.h"
#include "test/util/wait.h"

namespace tern::tools::admin {

using testing::WaitUntil;

// Runs `ternmq admin <args...>` to completion.
inline testing::CommandResult Admin(std::vector<std::string> args) {
  args.insert(args.begin(), {testing::TernmqBinary(), "admin"});
  return testing::RunCommand(args);
}

// An error report is exactly one line.
inline bool OneLine(const std::string& err) {
  return std::count(err.begin(), err.end(), '\n') == 1;
}

// `ternmq dev` on ephemeral ports with data in `dir`; returns once the broker
// is up too. `addr` is the nameserver's.
inline testing::BootedTernmq StartDev(const testing::TempDir& dir,
                                     const std::vector<std::string>& extra = {}) {
  return testing::StartDev(dir.Sub("data"), dir.Sub("dev.log"), extra);
}

}  // namespace tern::tools::admin
