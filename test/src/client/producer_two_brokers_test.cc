// The SDK producer against two real `ternmq broker` processes: every send mode
// lands on the real brokers, and sends keep succeeding after one broker is
// killed (retry on the other broker; the nameserver drops the dead one's routes).
#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "test/broker/integration/broker_process.h"
#include "test/util/temp_dir.h"
#include "ternmq/producer.h"

namespace tern::testing {
namespace {

TEST_CASE("every send mode reaches two real brokers and sends fail over when one is killed") {
  TempDir dir;
  ServerProcess ns = StartNamesrv(dir);
  ServerProcess a = StartBroker(ns.addr, dir.Sub("a"), dir.Sub("a.log"), {}, "broker-a");
  ServerProcess b = StartBroker(ns.addr, dir.Sub("b"), dir.Sub("b.log"), {}, "broker-b");

  ternmq::ProducerOptions options;
  options.group = "two-brokers-producer";
  options.name_servers = {ns.addr};
  options.send_timeout_ms = 3000;
  auto producer = ternmq::Producer::Create(options);
  REQUIRE(producer.ok());
  REQUIRE((*producer)->Start().ok());
  auto message = [](const std::string& body) {
    ternmq::Message m;
    m.topic = "TwoBrokers";
    m.body = body;
    return m;
  };

  // The topic on both brokers, and routed through both, before the first send.
  Client admin;
  for (const ServerProcess* broker : {&a, &b}) {
    REQUIRE(admin.Call(broker->addr, CreateTopicRequest("TwoBrokers", 4)).code == RC::kSuccess);
  }
  // Each broker re-registers right after creating the topic; wait for both.
  auto start = std::chrono::steady_clock::now();
  size_t routed = 0;
  while (routed < 2 && ElapsedMs(start) < 5000) {
    auto route = WaitForRoute(admin, ns.addr, "TwoBrokers", 5000);
    routed = route ? route->queue_datas.size() : 0;
  }
  REQUIRE(routed == 2);

  // Sync: round-robin over the route spreads the sends over both brokers.
  std::set<std::string> brokers_used;
  for (int i = 0; i < 16; ++i) {
    auto r = (*producer)->Send(message("sync-" + std::to_string(i)));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    CHECK(r->status == ternmq::SendStatus::kSendOk);
    brokers_used.insert(r->queue.broker_name);
  }
  CHECK(brokers_used == std::set<std::string>{"broker-a", "broker-b"});

  // Async: each callback runs once with a stored result.
  std::mutex mu;
  std::condition_variable cv;
  int async_ok = 0, async_done = 0;
  for (int i = 0; i < 8; ++i) {
    (*producer)->SendAsync(message("async-" + std::to_string(i)),
                           [&](ternmq::Result<ternmq::SendResult> r) {
                             std::lock_guard lock(mu);
                             ++async_done;
                             if (r.ok()) ++async_ok;
                             cv.notify_all();
                           });
  }
  {
    std::unique_lock lock(mu);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return async_done == 8; }));
  }
  CHECK(async_ok == 8);

  // Oneway and batch.
  CHECK((*producer)->SendOneway(message("oneway")).ok());
  std::vector<ternmq::Message> batch = {message("batch-0"), message("batch-1"), message("batch-2")};
  auto batched = (*producer)->SendBatch(batch);
  REQUIRE_MESSAGE(batched.ok(), batched.status().message());
  CHECK(batched->status == ternmq::SendStatus::kSendOk);

  // Kill broker-b: every later sync send still succeeds, on broker-a.
  REQUIRE(b.child->Signal(SIGKILL).ok());
  REQUIRE(b.child->Wait(10'000).ok());
  int after_ok = 0;
  for (int i = 0; i < 16; ++i) {
    auto r = (*producer)->Send(message("after-" + std::to_string(i)));
    if (r.ok()) {
      ++after_ok;
      CHECK(r->queue.broker_name == "broker-a");
    } else {
      MESSAGE("send after kill failed: " << r.status().message());
    }
  }
  CHECK(after_ok == 16);
  (*producer)->Shutdown();
}

}  // namespace
}  // namespace tern::testing
