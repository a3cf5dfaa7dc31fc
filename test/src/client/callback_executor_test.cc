#include "src/client/callback_executor.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test/src/net/wait_util.h"
#include "test/util/thread_stat.h"

namespace tern::client {
namespace {

using tern::testing::Counter;

// Deadline for every wait below: a lost wake-up fails the test instead of hanging it.
constexpr int kWaitMs = 10'000;

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

TEST_CASE("an idle worker is woken for every post, also between bursts and from a task") {
  CallbackExecutor executor("cb-test");
  executor.Start(1);
  Counter done;
  for (int round = 1; round <= 50; ++round) {
    executor.Post([&] { done.Add(); });
    REQUIRE(done.WaitFor(round, kWaitMs));  // the worker went idle again before the next post
  }
  // Posted while the only worker is busy: it takes the task after the current batch.
  executor.Post([&] { executor.Post([&] { done.Add(); }); });
  CHECK(done.WaitFor(51, kWaitMs));
  executor.Stop();
}

TEST_CASE("with a wake deferral, posted tasks wait for WakeWorkers, which wakes enough workers") {
  CallbackExecutor executor("cb-defer");
  std::atomic<int> deferrals{0};
  executor.SetWakeDeferral([&] {
    deferrals.fetch_add(1);
    return true;
  });
  executor.Start(2);
  // Both workers asleep first (a worker still starting takes what is queued
  // without a wake-up); the 200 ms is how long a wrongly woken one gets.
  for (const char* name : {"cb-defer-0", "cb-defer-1"}) {
    REQUIRE(tern::testing::WaitUntil([&] {
      return tern::testing::ThreadStatField(name, 3) == std::optional<std::string>("S");
    }));
  }
  std::mutex mu;
  std::condition_variable cv;
  int waiting = 0;
  Counter done;
  // Two tasks that each wait for the other: they finish only if two workers run.
  for (int i = 0; i < 2; ++i) {
    executor.Post([&] {
      std::unique_lock<std::mutex> l(mu);
      ++waiting;
      cv.notify_all();
      if (cv.wait_for(l, std::chrono::milliseconds(kWaitMs), [&] { return waiting == 2; })) {
        done.Add();
      }
    });
  }
  CHECK(deferrals.load() >= 1);
  CHECK_FALSE(done.WaitFor(1, 200));
  executor.WakeWorkers();
  CHECK(done.WaitFor(2, kWaitMs));
  executor.Stop();
}

TEST_CASE("with several workers, a task posted while all are busy runs when one frees up") {
  CallbackExecutor executor("cb-test");
  executor.Start(2);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  int blocked = 0;
  Counter done;
  for (int i = 0; i < 2; ++i) {
    executor.Post([&] {
      std::unique_lock<std::mutex> l(mu);
      ++blocked;
      cv.notify_all();
      cv.wait(l, [&] { return release; });
      l.unlock();
      done.Add();
    });
  }
  {
    std::unique_lock<std::mutex> l(mu);
    REQUIRE(cv.wait_for(l, std::chrono::seconds(10), [&] { return blocked == 2; }));
  }
  executor.Post([&] { done.Add(); });  // no idle worker to wake now
  {
    std::lock_guard<std::mutex> l(mu);
    release = true;
  }
  cv.notify_all();
  CHECK(done.WaitFor(3, kWaitMs));  // before Stop, which would drain it anyway
  executor.Stop();
}

}  // namespace
}  // namespace tern::client
