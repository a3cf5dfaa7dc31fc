// The e-commerce demo (examples/ecommerce) run small, as `make demo` runs it:
// run_demo.sh starts a fresh `ternmq dev` on free ports with short timers,
// the demo places orders, waits for every effect and checks its invariants.
// Binaries: $TERNMQ_BIN and $TERNMQ_EXAMPLES (set by `make test`), else build/.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "test/util/child_process.h"
#include "test/util/temp_dir.h"

namespace tern {
namespace {

// Runs run_demo.sh --fresh with `args`, its logs in a directory removed
// afterwards; the demo gives up on its own after 60 s.
testing::CommandResult RunDemo(std::vector<std::string> args) {
  testing::TempDir tmp;
  std::vector<std::string> argv = {"/bin/bash",
                                   "examples/ecommerce/run_demo.sh",
                                   "--fresh",
                                   "--work-dir",
                                   tmp.Sub("demo"),
                                   "--timeout-s",
                                   "60"};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::RunCommand(argv, 90'000);
}

// The number in the summary line that starts with `label`, or -1.
long SummaryNumber(const std::string& out, const std::string& label) {
  size_t at = out.find("\n" + label);
  if (at == std::string::npos) return -1;
  size_t digits = out.find_first_of("0123456789", at + 1 + label.size());
  if (digits == std::string::npos) return -1;
  return std::stol(out.substr(digits));
}

TEST_CASE("the e-commerce demo places orders and every invariant holds") {
  auto r = RunDemo({"--orders", "24", "--run-id", "t-ok", "--fail-percent", "20",
                    "--unsure-percent", "20", "--paid-percent", "50", "--retry-percent", "30",
                    "--max-retries", "1", "--close-after-ms", "1500"});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("started ternmq dev") != std::string::npos);
  CHECK(r.out.find("RESULT: all invariants hold") != std::string::npos);
  CHECK(r.out.find("FAILED") == std::string::npos);
  CHECK(SummaryNumber(r.out, "orders placed") == 24);
  long committed = SummaryNumber(r.out, "  committed");
  long rolled_back = SummaryNumber(r.out, "  rolled back");
  CHECK(committed + rolled_back == 24);
  CHECK(rolled_back > 0);  // these shares of 24 ids are never all zero (deterministic draws)
  CHECK(SummaryNumber(r.out, "  checked back by the broker") > 0);
  CHECK(SummaryNumber(r.out, "closed by payment timeout") > 0);
  // Every committed order reached both OrderCreated groups and its timer fired.
  CHECK(SummaryNumber(r.out, "shop-inventory") == committed);
  CHECK(SummaryNumber(r.out, "shop-points") == committed);
  CHECK(SummaryNumber(r.out, "shop-order-timeout") == committed);
  // The poison order is in the dead-letter queue, and mqadmin shows that queue.
  CHECK(r.out.find("the poison order is in %DLQ%shop-inventory") != std::string::npos);
  // run_demo.sh shows it with `dlqList -g` (a message table) or, without that
  // command, `topicStatus -t %DLQ%shop-inventory` (a queue table).
  size_t admin = r.out.find("mqadmin view of the inventory group's dead-letter queue");
  REQUIRE(admin != std::string::npos);
  const std::string view = r.out.substr(admin);
  CHECK((view.find("#Original Topic") != std::string::npos ||
         view.find("#Max Offset") != std::string::npos));
}

TEST_CASE("the e-commerce demo fails when a consumer is not idempotent") {
  // Deliveries that fail once after reserving stock are reserved again on
  // redelivery: the demo must notice and exit non-zero.
  auto r = RunDemo(
      {"--orders", "12", "--run-id", "t-broken", "--retry-percent", "100", "--break-idempotency"});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("each committed order reserved stock exactly once") != std::string::npos);
  CHECK(r.out.find("reserved 2 times") != std::string::npos);
  CHECK(r.out.find("RESULT: all invariants hold") == std::string::npos);
}

}  // namespace
}  // namespace tern
