// doctest main for every test binary. In-process log lines are off by default
// (tests inject faults on purpose, and their ERROR lines are noise); set
// TERNMQ_TEST_LOG=debug (or info, warn, ...) to see them when a test fails.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

#include "src/base/logging.h"

int main(int argc, char** argv) {
  const char* level = std::getenv("TERNMQ_TEST_LOG");
  auto parsed = tern::log::ParseLevel(level && *level ? level : "off");
  if (!parsed.ok()) {
    std::fprintf(stderr, "TERNMQ_TEST_LOG: %s\n", parsed.status().message().c_str());
    return 2;
  }
  tern::log::SetLevel(*parsed);
  doctest::Context context(argc, argv);
  return context.run();
}
