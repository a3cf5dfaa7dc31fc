// A real third-party RocketMQ client against `ternmq dev`: the Node.js client
// ali-ons (npm) sends and consumes through the nameserver and the broker.
// Skipped, with a message saying why, where node/npm are missing or the
// package cannot be installed; installed once into build/node and reused.
#include <doctest/doctest.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>

#include "test/broker/integration/broker_process.h"

namespace tern::testing {
namespace {

namespace fs = std::filesystem;

// The repository root: the working directory when it holds the test sources
// (make test), else three levels above $TERNMQ_BIN (<root>/build/bin/ternmq).
std::string RepoRoot() {
  if (fs::exists("test/broker/integration/node/ali_ons_smoke.js")) return fs::current_path();
  return fs::absolute(TernmqBinary()).parent_path().parent_path().parent_path().string();
}

TEST_CASE("the Node.js client ali-ons sends and consumes through ternmq dev") {
  const std::string root = RepoRoot();
  const std::string node_dir = root + "/test/broker/integration/node";
  CommandResult install = RunCommand(
      {"/usr/bin/env", "bash", "-c",
       "cd '" + root + "' && test/broker/integration/node/install_ali_ons.sh build/node"},
      180'000);
  if (install.exit_code != 0) {
    MESSAGE("SKIPPED: ali-ons smoke test: node/npm missing or `npm install ali-ons` failed: "
            << install.err);
    return;
  }

  TempDir dir;
  auto dev = ChildProcess::Start({TernmqBinary(), "dev", "-p", "0", "--broker-port", "0",
                                  "--data-dir", dir.Sub("data"), kTestSegmentSize},
                                 dir.Sub("dev.log"));
  REQUIRE(dev.ok());
  auto ns_line = dev->WaitForLine("The Name Server boot success.", 10'000);
  REQUIRE_MESSAGE(ns_line.ok(), ReadFile(dir.Sub("dev.log")));
  auto broker_line = dev->WaitForLine("] boot success.", 10'000);
  REQUIRE_MESSAGE(broker_line.ok(), ReadFile(dir.Sub("dev.log")));
  const std::string ns_addr = "127.0.0.1:" + ns_line->substr(ns_line->rfind(':') + 1);
  size_t comma = broker_line->find(", ");
  const std::string broker_addr =
      broker_line->substr(comma + 2, broker_line->find(']') - comma - 2);

  // ali-ons cannot auto-create a topic (see ali_ons_smoke.js): create it first.
  Client client;
  RemotingCommand created = client.Call(broker_addr, CreateTopicRequest("AliOnsSmoke", 4));
  REQUIRE(created.code == RC::kSuccess);
  REQUIRE(WaitForRoute(client, ns_addr, "AliOnsSmoke", 2000).has_value());

  CommandResult smoke = RunCommand({"/usr/bin/env", "node", node_dir + "/ali_ons_smoke.js", ns_addr,
                                    "AliOnsSmoke", root + "/build/node/node_modules"},
                                   45'000);
  CHECK_MESSAGE(smoke.exit_code == 0, "ali-ons output:\n"
                                          << smoke.out << smoke.err << "\nbroker log:\n"
                                          << ReadFile(dir.Sub("dev.log")));
  CHECK(smoke.out.find("SMOKE OK") != std::string::npos);

  REQUIRE(dev->Signal(SIGTERM).ok());
  auto code = dev->Wait(10'000);
  REQUIRE(code.ok());
  CHECK(*code == 0);
}

}  // namespace
}  // namespace tern::testing
