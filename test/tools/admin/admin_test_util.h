// Shared by the tests that run `ternmq admin` against a real `ternmq dev`.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "ternmq/producer.h"

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

// A started SDK producer of `group` on nameserver `ns` (the tests' way to put
// messages where the admin commands then find them).
inline std::unique_ptr<ternmq::Producer> StartProducer(const std::string& ns,
                                                       const std::string& group) {
  ternmq::ProducerOptions po;
  po.group = group;
  po.name_servers = {ns};
  auto producer = ternmq::Producer::Create(po);
  REQUIRE_MESSAGE(producer.ok(), producer.status().ToString());
  REQUIRE((*producer)->Start().ok());
  return std::move(producer).value();
}

}  // namespace tern::tools::admin
