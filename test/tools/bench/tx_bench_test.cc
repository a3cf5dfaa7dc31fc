// `ternmq bench tx` end to end, tiny: every phase runs, the broker confirms
// every commit and the pending transactions, and the ratios are printed.
// No figure is asserted (docs/benchmarks.md holds the measured ones).
#include <doctest/doctest.h>

#include <string>

#include "test/util/child_process.h"

namespace tern::bench {
namespace {

// The number after `prefix` on its line, or -1.
long long NumberAfter(const std::string& out, const std::string& prefix) {
  size_t pos = out.find(prefix);
  if (pos == std::string::npos) return -1;
  std::string digits;
  for (pos += prefix.size(); pos < out.size() && out[pos] != '\n'; ++pos) {
    if (out[pos] == ',') continue;
    if (out[pos] < '0' || out[pos] > '9') break;
    digits += out[pos];
  }
  return digits.empty() ? -1 : std::stoll(digits);
}

TEST_CASE("bench tx runs every phase; the broker confirms the commits and the pending") {
  testing::CommandResult r = testing::RunCommand(
      {testing::TernmqBinary(), "bench", "tx", "-w", "2", "--duration", "0.3", "--pending", "500"},
      60'000);
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("1 plain sync send") != std::string::npos);
  CHECK(r.out.find("2 tx send + commit") != std::string::npos);
  CHECK(r.out.find("5 plain sync send, pending") != std::string::npos);
  const size_t line = r.out.find("commits applied by the broker: ");
  REQUIRE(line != std::string::npos);
  const std::string applied = r.out.substr(line, r.out.find('\n', line) - line);
  const long long committed = NumberAfter(applied, "broker: ");
  CHECK(committed > 0);
  CHECK(NumberAfter(applied, " of ") == committed);
  CHECK(NumberAfter(r.out, "transactionPending on the broker: ") == 500);
  CHECK(r.out.find("ratio tx/plain: ") != std::string::npos);
  CHECK(r.out.find("ratio plain with 500 pending") != std::string::npos);
  CHECK(r.out.find("first failure") == std::string::npos);
}

TEST_CASE("bench tx refuses a bad --pending") {
  testing::CommandResult r =
      testing::RunCommand({testing::TernmqBinary(), "bench", "tx", "--pending", "many"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--pending") != std::string::npos);
}

}  // namespace
}  // namespace tern::bench
