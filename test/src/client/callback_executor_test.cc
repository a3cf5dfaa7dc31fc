#include "src/client/callback_executor.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace tern::client {
namespace {

TEST_CASE("one callback thread runs tasks in posting order, off the posting thread") {
  CallbackExecutor executor("cb-test");
  executor.Start(1);
  std::mutex mu;
  std::vector<int> order;
  std::atomic<bool> off_thread{true};
  const auto poster = std::this_thread::get_id();
  for (int i = 0; i < 100; ++i) {
    executor.Post([&, i] {
      if (std::this_thread::get_id() == poster) off_thread = false;
      std::lock_guard<std::mutex> lock(mu);
      order.push_back(i);
    });
  }
  executor.Stop();  // drains
  REQUIRE(order.size() == 100);
  for (int i = 0; i < 100; ++i) CHECK(order[i] == i);
  CHECK(off_thread);
}

TEST_CASE("tasks posted before Start or after Stop run inline") {
  CallbackExecutor executor("cb-test");
  bool ran = false;
  executor.Post([&] { ran = true; });
  CHECK(ran);
  executor.Start(2);
  executor.Stop();
  ran = false;
  executor.Post([&] { ran = true; });
  CHECK(ran);
}

TEST_CASE("InWorkerThread is true inside a task only") {
  CallbackExecutor executor("cb-test");
  executor.Start(1);
  std::atomic<bool> inside{false};
  executor.Post([&] { inside = executor.InWorkerThread(); });
  executor.Stop();
  CHECK(inside);
  CHECK_FALSE(executor.InWorkerThread());
}

}  // namespace
}  // namespace tern::client
