#include "broker/meta_worker.h"

#include <doctest/doctest.h>

#include <atomic>
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

}  // namespace
}  // namespace tern::broker
