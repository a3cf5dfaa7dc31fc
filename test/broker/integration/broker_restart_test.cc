// The real broker across restarts: consumer offsets and messages survive a
// clean shutdown (SIGTERM), and with SYNC_FLUSH every acknowledged message
// survives kill -9.
#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "test/broker/integration/broker_process.h"

namespace tern::testing {
namespace {

RemotingCommand OffsetRequest(int32_t code, const std::string& topic, const std::string& group,
                              int queue) {
  RemotingCommand r = RemotingCommand::Request(code);
  r.SetField("topic", topic);
  r.SetField("consumerGroup", group);
  r.SetField("queueId", int64_t{queue});
  return r;
}

// Every body in queue 0 of `topic`, pulled from offset 0 to the end.
std::vector<std::string> PullAll(Client& client, const std::string& addr,
                                 const std::string& topic) {
  std::vector<std::string> out;
  int64_t offset = 0;
  while (true) {
    RemotingCommand r = client.Call(addr, PullRequest(PullHeader("CG", topic, 0, offset)));
    if (r.code != RC::kSuccess) break;
    for (const auto& rec : DecodeRecords(r.body)) out.emplace_back(rec.body);
    offset = FieldInt(r, "nextBeginOffset");
  }
  return out;
}

TEST_CASE("consumer offsets and messages survive a clean broker restart") {
  Cluster c;
  REQUIRE(c.client.Call(c.broker.addr, CreateTopicRequest("Durable", 2)).code == RC::kSuccess);
  for (int i = 0; i < 3; ++i) {
    RemotingCommand r = c.client.Call(
        c.broker.addr, SendRequest(SendHeader("Durable", 0), "m" + std::to_string(i)));
    REQUIRE(r.code == RC::kSuccess);
  }
  RemotingCommand update = OffsetRequest(Q::kUpdateConsumerOffset, "Durable", "CG", 0);
  update.SetField("commitOffset", int64_t{2});
  REQUIRE(c.client.Call(c.broker.addr, update).code == RC::kSuccess);
  // And one committed by a pull's commit-offset flag (queue 1).
  auto pull = PullHeader("CG", "Durable", 1, 0);
  pull.sys_flag |= protocol::kPullFlagCommitOffset;
  pull.commit_offset = 5;
  c.client.Call(c.broker.addr, PullRequest(pull));

  StopGracefully(c.broker);  // SIGTERM, exit code 0
  // It unregistered: the nameserver no longer routes to it.
  CHECK(c.client.Call(c.ns.addr, RouteRequest("Durable")).code == RC::kTopicNotExist);
  CHECK_FALSE(std::filesystem::exists(c.broker_data() + "/abort"));  // a clean shutdown
  c.RestartBroker();                                                 // the same data dir
  RemotingCommand q0 =
      c.client.Call(c.broker.addr, OffsetRequest(Q::kQueryConsumerOffset, "Durable", "CG", 0));
  REQUIRE(q0.code == RC::kSuccess);
  CHECK(FieldInt(q0, "offset") == 2);
  RemotingCommand q1 =
      c.client.Call(c.broker.addr, OffsetRequest(Q::kQueryConsumerOffset, "Durable", "CG", 1));
  REQUIRE(q1.code == RC::kSuccess);
  CHECK(FieldInt(q1, "offset") == 5);
  CHECK(PullAll(c.client, c.broker.addr, "Durable") == std::vector<std::string>{"m0", "m1", "m2"});
  // Sending continues at the next queue offset.
  RemotingCommand r =
      c.client.Call(c.broker.addr, SendRequest(SendHeader("Durable", 0), "after restart"));
  REQUIRE(r.code == RC::kSuccess);
  CHECK(FieldInt(r, "queueOffset") == 3);
  CHECK(WaitForRoute(c.client, c.ns.addr, "Durable", 1000).has_value());
}

TEST_CASE("kill -9 with SYNC_FLUSH loses no acknowledged message") {
  const std::vector<std::string> sync = {"--flushDiskType=SYNC_FLUSH"};
  Cluster c(sync);
  REQUIRE(c.client.Call(c.broker.addr, CreateTopicRequest("Crash", 1)).code == RC::kSuccess);

  // Four senders on their own connections keep sending until the broker dies.
  std::mutex mu;
  std::set<std::string> acked;  // GUARDED_BY(mu)
  std::atomic<bool> stop{false};
  std::atomic<int> acked_count{0};
  std::vector<std::thread> senders;
  const std::string addr = c.broker.addr;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      Client client;
      for (int i = 0; !stop.load(); ++i) {
        std::string body = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto r = client.TryCall(addr, SendRequest(SendHeader("Crash", 0), body), 2000);
        if (!r.ok()) break;  // the broker is gone
        if (r->code == RC::kSuccess) {
          std::lock_guard<std::mutex> lock(mu);
          acked.insert(body);
          ++acked_count;
        }
      }
    });
  }
  auto start = std::chrono::steady_clock::now();
  while (acked_count.load() < 400 && ElapsedMs(start) < 10'000) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // waiting with a deadline
  }
  REQUIRE(c.broker.child->Signal(SIGKILL).ok());
  auto code = c.broker.child->Wait(10'000);
  REQUIRE(code.ok());
  CHECK(*code == 128 + SIGKILL);
  c.broker.child.reset();
  stop = true;
  for (auto& t : senders) t.join();
  REQUIRE(acked_count.load() >= 400);

  c.RestartBroker(sync);
  CHECK(ReadFile(c.broker.log_path).find("did not shut down cleanly") != std::string::npos);
  std::vector<std::string> stored = PullAll(c.client, c.broker.addr, "Crash");
  std::set<std::string> stored_set(stored.begin(), stored.end());
  CHECK(stored_set.size() == stored.size());  // no duplicates
  std::lock_guard<std::mutex> lock(mu);
  size_t missing = 0;
  for (const std::string& body : acked) missing += stored_set.count(body) == 0 ? 1 : 0;
  CHECK_MESSAGE(missing == 0, missing << " of " << acked.size() << " acknowledged messages lost");
}

}  // namespace
}  // namespace tern::testing
