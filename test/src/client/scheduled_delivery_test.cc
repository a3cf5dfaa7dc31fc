// Delayed and scheduled sends through the SDK against the real broker (the
// shared `ternmq dev` of consumer_fixture.h, default messageDelayLevel: level
// 1 = 1 s), Producer::CancelScheduled, the horizon error, and one kill -9 of a
// real `ternmq broker` between scheduling and delivery.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "src/protocol/codes.h"
#include "test/broker/integration/broker_process.h"
#include "test/src/client/consumer_fixture.h"
#include "ternmq/producer.h"
#include "ternmq/pull_consumer.h"

namespace tern::client {
namespace {

using testing::DevNamesrv;
using testing::UniqueName;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Arrival {
  ternmq::MessageView view;
  int64_t seen_ms = 0;  // wall clock when the pull returned it
};

// Follows every queue of one topic with a pull consumer, from the offsets
// where the topic stood when Follow() was called.
class TopicWatcher {
 public:
  TopicWatcher(const std::string& topic) : topic_(topic) {
    ternmq::PullConsumerOptions o;
    o.group = UniqueName("SchedCG");
    o.name_servers = {DevNamesrv()};
    auto c = ternmq::PullConsumer::Create(o);
    REQUIRE_MESSAGE(c.ok(), c.status().ToString());
    consumer_ = std::move(c).value();
    REQUIRE(consumer_->Start().ok());
    ternmq::Result<std::vector<ternmq::MessageQueue>> queues = ternmq::Status::Ok();
    bool routed = testing::WaitUntil([&] {
      queues = consumer_->FetchSubscribeQueues(topic_);
      return queues.ok();
    }, 10'000);
    REQUIRE_MESSAGE(routed, queues.status().ToString());
    for (const auto& q : *queues) {
      auto max = consumer_->MaxOffset(q);
      REQUIRE_MESSAGE(max.ok(), max.status().ToString());
      next_[q] = *max;
    }
  }
  ~TopicWatcher() { consumer_->Shutdown(); }

  // Pulls every queue once (no long poll); appends what came.
  void PollOnce() {
    for (auto& [q, offset] : next_) {
      auto r = consumer_->Pull(q, "*", offset, 32);
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      int64_t now = NowMs();
      for (auto& m : r->messages) arrivals_.push_back({m, now});
      offset = r->next_begin_offset;
    }
  }
  // Polls until `bodies` all arrived or `timeout_ms` passed.
  bool WaitForBodies(const std::set<std::string>& bodies, int timeout_ms) {
    return testing::WaitUntil([&] {
      PollOnce();
      std::set<std::string> seen;
      for (const auto& a : arrivals_) seen.insert(a.view.body);
      for (const auto& b : bodies)
        if (!seen.count(b)) return false;
      return true;
    }, timeout_ms);
  }
  int Count(const std::string& body) const {
    int n = 0;
    for (const auto& a : arrivals_) n += a.view.body == body;
    return n;
  }
  const Arrival* Find(const std::string& body) const {
    for (const auto& a : arrivals_)
      if (a.view.body == body) return &a;
    return nullptr;
  }

 private:
  std::string topic_;
  std::unique_ptr<ternmq::PullConsumer> consumer_;
  std::map<ternmq::MessageQueue, int64_t> next_;
  std::vector<Arrival> arrivals_;
};

ternmq::Message Msg(const std::string& topic, const std::string& body) {
  ternmq::Message m;
  m.topic = topic;
  m.body = body;
  m.tags = "sched";
  m.keys = {"key-" + body};
  return m;
}

ternmq::SendResult MustSend(ternmq::Producer& p, const ternmq::Message& m) {
  auto r = p.Send(m);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

TEST_CASE("a delay-level send and a delivery-time send arrive no earlier than due, intact") {
  const std::string topic = UniqueName("SchedT");
  auto producer = testing::StartTestProducer(UniqueName("SchedPG"));
  MustSend(*producer, Msg(topic, "warm"));  // creates the topic
  TopicWatcher watcher(topic);

  ternmq::Message level = Msg(topic, "level1");
  level.delay_level = 1;  // 1 s
  const int64_t level_sent = NowMs();
  auto level_result = MustSend(*producer, level);

  ternmq::Message timed = Msg(topic, "at+2s");
  const int64_t due = NowMs() + 2000;
  timed.delivery_time_ms = due;
  auto timed_result = MustSend(*producer, timed);
  CHECK_FALSE(level_result.msg_id.empty());
  CHECK(level_result.msg_id != timed_result.msg_id);

  REQUIRE_MESSAGE(watcher.WaitForBodies({"level1", "at+2s"}, 15'000),
                  "scheduled messages never arrived\n" << testing::DevLog());
  const Arrival* l = watcher.Find("level1");
  const Arrival* t = watcher.Find("at+2s");
  CHECK(l->view.store_timestamp_ms >= level_sent + 1000);
  CHECK(l->seen_ms >= level_sent + 1000);
  CHECK(t->view.store_timestamp_ms >= due);
  CHECK(t->seen_ms >= due);
  // The original comes back: same unique key, tags, keys, topic.
  CHECK(l->view.msg_id == level_result.msg_id);
  CHECK(t->view.msg_id == timed_result.msg_id);
  CHECK(t->view.tags == "sched");
  CHECK(t->view.keys == std::vector<std::string>{"key-at+2s"});
  CHECK(t->view.topic == topic);
  CHECK(watcher.Count("level1") == 1);
  CHECK(watcher.Count("at+2s") == 1);
}

TEST_CASE("a scheduled message cancelled before it is due is never delivered") {
  const std::string topic = UniqueName("CancelT");
  auto producer = testing::StartTestProducer(UniqueName("CancelPG"));
  MustSend(*producer, Msg(topic, "warm"));
  TopicWatcher watcher(topic);

  const int64_t due = NowMs() + 3000;
  ternmq::Message doomed = Msg(topic, "doomed");
  doomed.delivery_time_ms = due;
  ternmq::Message kept = Msg(topic, "kept");
  kept.delivery_time_ms = due;
  auto doomed_result = MustSend(*producer, doomed);
  auto kept_result = MustSend(*producer, kept);

  // Sent at once: the broker waits for its key index to reach the message.
  ternmq::Result<ternmq::CancelResult> cancelled =
      producer->CancelScheduled(topic, doomed_result.msg_id);
  REQUIRE_MESSAGE(cancelled.ok(), cancelled.status().ToString());
  CHECK(*cancelled == ternmq::CancelResult::kCancelled);
  CHECK(NowMs() < due);  // the test proves something only if the cancel came first

  // The uncancelled twin (same due time) is the event to wait on; then a margin.
  REQUIRE_MESSAGE(watcher.WaitForBodies({"kept"}, 15'000), testing::DevLog());
  CHECK(watcher.Find("kept")->seen_ms >= due);
  testing::WaitUntil([&] {
    watcher.PollOnce();
    return NowMs() >= due + 1500;
  }, 5'000);
  watcher.PollOnce();
  CHECK(watcher.Count("doomed") == 0);
  CHECK(watcher.Count("kept") == 1);

  // A repeated cancel answers Cancelled again (broker/delay/README.md).
  auto again = producer->CancelScheduled(topic, doomed_result.msg_id);
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  CHECK(*again == ternmq::CancelResult::kCancelled);
  // Too late for the delivered one; an unknown key is not found.
  auto late = producer->CancelScheduled(topic, kept_result.msg_id);
  REQUIRE_MESSAGE(late.ok(), late.status().ToString());
  CHECK(*late == ternmq::CancelResult::kAlreadyDelivered);
  auto unknown = producer->CancelScheduled(topic, "00000000000000000000000000000000");
  REQUIRE_MESSAGE(unknown.ok(), unknown.status().ToString());
  CHECK(*unknown == ternmq::CancelResult::kNotFound);
  CHECK(ternmq::CancelResultName(*late) == "AlreadyDelivered");
}

TEST_CASE("CancelScheduled checks its arguments and needs a started producer") {
  ternmq::ProducerOptions o;
  o.group = UniqueName("CancelArgPG");
  o.name_servers = {DevNamesrv()};
  auto p = ternmq::Producer::Create(o);
  REQUIRE(p.ok());
  CHECK((*p)->CancelScheduled("T", "ABC").status().code() == ternmq::StatusCode::kIllegalState);
  REQUIRE((*p)->Start().ok());
  CHECK((*p)->CancelScheduled("T", "").status().code() == ternmq::StatusCode::kInvalidArgument);
  CHECK((*p)->CancelScheduled("bad topic!", "ABC").status().code() ==
        ternmq::StatusCode::kInvalidArgument);
  (*p)->Shutdown();
}

TEST_CASE("a delivery time beyond the 40-day horizon is refused with MESSAGE_ILLEGAL") {
  const std::string topic = UniqueName("HorizonT");
  auto producer = testing::StartTestProducer(UniqueName("HorizonPG"));
  MustSend(*producer, Msg(topic, "warm"));
  ternmq::Message far = Msg(topic, "far");
  far.delivery_time_ms = NowMs() + 41LL * 24 * 3600 * 1000;
  auto r = producer->Send(far);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ternmq::StatusCode::kBrokerError);
  CHECK(r.status().response_code() == protocol::ResponseCode::kMessageIllegal);
  INFO(r.status().ToString());
  CHECK(r.status().message().find("beyond the maximum delay") != std::string::npos);
}

// ---- kill -9 -----------------------------------------------------------------------------

std::vector<std::string> PullAll(testing::Client& client, const std::string& addr,
                                 const std::string& topic, int queues,
                                 int64_t* min_store_ms = nullptr) {
  std::vector<std::string> out;
  for (int q = 0; q < queues; ++q) {
    int64_t offset = 0;
    while (true) {
      auto r = client.Call(addr, testing::PullRequest(testing::PullHeader("KillCG", topic, q, offset)));
      if (r.code != protocol::ResponseCode::kSuccess) break;
      for (const auto& rec : testing::DecodeRecords(r.body)) {
        out.emplace_back(rec.body);
        if (min_store_ms && (*min_store_ms == 0 || rec.store_timestamp < *min_store_ms))
          *min_store_ms = rec.store_timestamp;
      }
      offset = testing::FieldInt(r, "nextBeginOffset");
    }
  }
  return out;
}

TEST_CASE("messages scheduled before a kill -9 of the broker are each delivered once after it") {
  testing::Cluster c({testing::kTestSegmentSize});
  const std::string topic = "KillSched";
  REQUIRE(c.client.Call(c.broker.addr, testing::CreateTopicRequest(topic, 2)).code ==
          protocol::ResponseCode::kSuccess);
  REQUIRE(testing::WaitForRoute(c.client, c.ns.addr, topic, 10'000));

  ternmq::ProducerOptions o;
  o.group = "KillPG";
  o.name_servers = {c.ns.addr};
  auto producer = ternmq::Producer::Create(o);
  REQUIRE(producer.ok());
  REQUIRE((*producer)->Start().ok());
  const int64_t due = NowMs() + 2000;
  std::set<std::string> expected;
  for (int i = 0; i < 20; ++i) {
    ternmq::Message m = Msg(topic, "k" + std::to_string(i));
    m.delivery_time_ms = due;
    MustSend(**producer, m);
    expected.insert(m.body);
  }
  (*producer)->Shutdown();
  REQUIRE(NowMs() < due);  // killed while every message is still pending
  REQUIRE(c.broker.child->Signal(SIGKILL).ok());
  REQUIRE(c.broker.child->Wait(5000).ok());
  c.broker.child.reset();
  c.broker = testing::StartBroker(c.ns.addr, c.broker_data(), c.dir.Sub("broker2.log"),
                                  {testing::kTestSegmentSize});

  std::vector<std::string> got;
  bool all = testing::WaitUntil([&] {
    got = PullAll(c.client, c.broker.addr, topic, 2);
    return got.size() >= expected.size();
  }, 20'000);
  REQUIRE_MESSAGE(all, "delivered " << got.size() << " of 20");
  // Settle: nothing more may come (a duplicate would show up here).
  testing::WaitUntil([&] { return NowMs() >= due + 1500; }, 5'000);
  int64_t earliest_store_ms = 0;
  got = PullAll(c.client, c.broker.addr, topic, 2, &earliest_store_ms);
  CHECK(earliest_store_ms >= due);  // none delivered early
  std::multiset<std::string> counted(got.begin(), got.end());
  CHECK(got.size() == expected.size());
  for (const auto& b : expected) CHECK_MESSAGE(counted.count(b) == 1, b);
}

}  // namespace
}  // namespace tern::client
