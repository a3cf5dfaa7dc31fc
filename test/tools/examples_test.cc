// The SDK examples (examples/*.cc, built by `make examples` against libternmq.a
// and the public headers only) work against a real `ternmq dev`.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "test/util/child_process.h"
#include "test/util/remoting_fixtures.h"
#include "test/util/temp_dir.h"

namespace tern {
namespace {

std::string ExamplesDir() {
  const char* env = std::getenv("TERNMQ_EXAMPLES");
  return env && *env ? env : "build/examples";
}

TEST_CASE("the SDK examples send and consume through ternmq dev") {
  testing::TempDir tmp;
  testing::BootedTernmq dev = testing::StartTernmq(
      {"dev", "-p", "0", "--broker-port", "0", "--data-dir", tmp.Sub("data"),
       "--mappedFileSizeCommitLog=16777216"},
      tmp.Sub("dev.log"), "The Name Server boot success");
  REQUIRE(dev.child->WaitForLine("The broker[", 15'000).ok());

  // The producer finds the broker through the nameserver (the topic is
  // auto-created through TBW102, whose route the broker registered at start).
  auto produced = testing::RunCommand(
      {ExamplesDir() + "/producer", "-n", dev.addr, "-t", "ExampleOrders", "-c", "5"}, 30'000);
  INFO("producer stdout: " << produced.out << "\nstderr: " << produced.err);
  REQUIRE(produced.exit_code == 0);
  CHECK(produced.out.find("sent ") != std::string::npos);

  auto consumed = testing::RunCommand({ExamplesDir() + "/push_consumer", "-n", dev.addr, "-t",
                                       "ExampleOrders", "-c", "5", "-w", "30"},
                                      40'000);
  INFO("consumer stdout: " << consumed.out << "\nstderr: " << consumed.err);
  CHECK(consumed.exit_code == 0);
  for (int i = 0; i < 5; ++i) {
    CHECK(consumed.out.find("order " + std::to_string(i) + " created") != std::string::npos);
  }

  // Transactions: even orders commit, odd ones roll back; only the even ones reach consumers.
  auto tx = testing::RunCommand(
      {ExamplesDir() + "/transaction_producer", "-n", dev.addr, "-t", "ExampleTx", "-c", "4"},
      30'000);
  INFO("transaction producer stdout: " << tx.out << "\nstderr: " << tx.err);
  REQUIRE(tx.exit_code == 0);
  CHECK(tx.out.find("order 0: COMMIT") != std::string::npos);
  CHECK(tx.out.find("order 1: ROLLBACK") != std::string::npos);
  auto committed = testing::RunCommand({ExamplesDir() + "/push_consumer", "-n", dev.addr, "-t",
                                        "ExampleTx", "-c", "2", "-w", "30"},
                                       40'000);
  INFO("consumer stdout: " << committed.out << "\nstderr: " << committed.err);
  CHECK(committed.exit_code == 0);
  CHECK(committed.out.find("order 0 created") != std::string::npos);
  CHECK(committed.out.find("order 2 created") != std::string::npos);
  CHECK(committed.out.find("order 1 created") == std::string::npos);
  CHECK(committed.out.find("order 3 created") == std::string::npos);
}

}  // namespace
}  // namespace tern
