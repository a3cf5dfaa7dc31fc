#include "broker/meta_worker.h"

#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <future>
#include <thread>
#include <vector>

namespace tern::broker {
namespace {

TEST_CASE("meta worker jobs run one at a time in submission order") {
  MetaWorker worker("test-meta");
  std::vector<int> order;  // only the worker touches it until Stop()
  worker.Start();
  for (int i = 0; i < 100; ++i) worker.Submit([&order, i] { order.push_back(i); });
  worker.Stop();
  REQUIRE(order.size() == 100);
  for (int i = 0; i < 100; ++i) CHECK(order[i] == i);
  CHECK(worker.completed() == 100);
}

TEST_CASE("a held meta worker keeps jobs queued until released") {
  MetaWorker worker("test-meta");
  worker.Start();
  worker.Hold();
  std::promise<std::thread::id> ran;
  worker.Submit([&ran] { ran.set_value(std::this_thread::get_id()); });
  auto result = ran.get_future();
  CHECK(result.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
  CHECK(worker.completed() == 0);
  worker.Release();
  REQUIRE(result.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(result.get() != std::this_thread::get_id());
  worker.Stop();
}

TEST_CASE("stopping a meta worker runs what is queued; later jobs run on the caller") {
  MetaWorker worker("test-meta");
  std::atomic<int> ran{0};
  worker.Submit([&ran] { ran++; });  // before Start: waits for it
  worker.Start();
  worker.Hold();
  worker.Submit([&ran] { ran++; });
  worker.Stop();  // a held worker still drains
  CHECK(ran.load() == 2);
  std::thread::id where;
  worker.Submit([&where] { where = std::this_thread::get_id(); });
  CHECK(where == std::this_thread::get_id());
}

// PostAfterAnnounce on a real event loop: the task waits for the
// announcement, runs once, and runs anyway when no confirmation comes.
TEST_CASE("a task posted after an announcement waits for it, once, with a guard") {
  net::EventLoop loop("test-announce");
  REQUIRE(loop.Start().ok());
  std::function<void()> confirm;  // the announcement's callback, held by the test
  AnnounceTopics announce = [&confirm](std::function<void()> done) { confirm = std::move(done); };

  std::promise<void> ran;
  int runs = 0;  // loop thread only
  PostAfterAnnounce(loop, announce, 60'000, "test", [&] {
    if (++runs == 1) ran.set_value();
  });
  REQUIRE(confirm);
  auto f = ran.get_future();
  CHECK(f.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
  confirm();  // from this thread, as the registration thread would
  REQUIRE(f.wait_for(std::chrono::seconds(5)) == std::future_status::ready);

  // Not confirmed: the guard (1 ms) runs it; a late confirmation does nothing.
  std::promise<void> guarded;
  PostAfterAnnounce(loop, announce, 1, "test", [&] { guarded.set_value(); });
  REQUIRE(guarded.get_future().wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  confirm();
  confirm();

  // Without an announcement the task is just posted.
  std::promise<void> plain;
  PostAfterAnnounce(loop, AnnounceTopics(), 60'000, "test", [&] { plain.set_value(); });
  REQUIRE(plain.get_future().wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  std::promise<int> count;
  loop.Post([&] { count.set_value(runs); });
  CHECK(count.get_future().get() == 1);
  loop.Stop();
}

}  // namespace
}  // namespace tern::broker
