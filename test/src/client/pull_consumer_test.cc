// PullConsumer against the real `ternmq dev` (consumer_fixture.h): a producer
// from the SDK sends, the pull consumer reads every queue, commits and queries
// offsets, long-polls, filters by tag.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <map>
#include <thread>

#include "test/src/client/consumer_fixture.h"
#include "ternmq/pull_consumer.h"

namespace tern::client {
namespace {

using ternmq::PullStatus;
using testing::DevNamesrv;
using testing::UniqueName;

// A topic auto-created by a send reaches the nameserver a moment later.
std::vector<ternmq::MessageQueue> WaitForQueues(ternmq::PullConsumer& c, const std::string& topic) {
  ternmq::Result<std::vector<ternmq::MessageQueue>> queues =
      ternmq::Status(ternmq::StatusCode::kNotFound, "not asked yet");
  bool routed = testing::WaitUntil([&] {
    queues = c.FetchSubscribeQueues(topic);
    return queues.ok();
  }, 10'000);
  REQUIRE_MESSAGE(routed, queues.status().ToString());
  return *queues;
}

std::unique_ptr<ternmq::PullConsumer> StartPull(const std::string& group) {
  ternmq::PullConsumerOptions o;
  o.group = group;
  o.name_servers = {DevNamesrv()};
  auto c = ternmq::PullConsumer::Create(o);
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  REQUIRE((*c)->Start().ok());
  return std::move(c).value();
}

TEST_CASE("pull consumer reads every message a producer sent, and commits offsets") {
  const std::string topic = UniqueName("PullT");
  auto producer = testing::StartTestProducer(UniqueName("PG"));
  auto sent = testing::SendMessages(*producer, topic, 20, "m");
  std::map<ternmq::MessageQueue, int64_t> end;  // per queue: one past the last sent offset
  for (const auto& s : sent) end[s.queue] = std::max(end[s.queue], s.queue_offset + 1);
  auto consumer = StartPull(UniqueName("CG"));

  auto queues = WaitForQueues(*consumer, topic);
  CHECK(queues.size() == 4);  // the producer's default_topic_queue_nums through TBW102
  std::set<std::string> bodies;
  for (const auto& q : queues) {
    int64_t offset = 0;
    while (offset < end[q]) {
      // Long polling covers the moment between the send's answer and the
      // broker's consume-queue dispatch.
      auto r = consumer->Pull(q, "*", offset, 8, {.long_poll_ms = 2000});
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      REQUIRE(r->status == PullStatus::kFound);
      for (const auto& m : r->messages) {
        CHECK(m.topic == topic);
        CHECK(m.queue_id == q.queue_id);
        CHECK(m.queue_offset == offset);
        CHECK(m.tags == "TagA");
        CHECK(m.broker_name == q.broker_name);
        bodies.insert(m.body);
        ++offset;
      }
      CHECK(r->next_begin_offset == offset);
    }
    auto max = consumer->MaxOffset(q);
    REQUIRE(max.ok());
    CHECK(*max == offset);
    REQUIRE(consumer->UpdateOffset(q, offset).ok());
    auto stored = consumer->QueryOffset(q);
    REQUIRE_MESSAGE(stored.ok(), stored.status().ToString());
    CHECK(*stored == offset);
    CHECK(*consumer->MinOffset(q) == 0);
  }
  CHECK(bodies == testing::BodySet("m", 0, 20));
}

TEST_CASE("a long-polling pull returns as soon as a message arrives") {
  const std::string topic = UniqueName("PollT");
  auto producer = testing::StartTestProducer(UniqueName("PG"));
  auto sent = testing::SendMessages(*producer, topic, 1, "first");
  auto consumer = StartPull(UniqueName("CG"));
  ternmq::MessageQueue q = sent[0].queue;
  WaitForQueues(*consumer, topic);
  REQUIRE(consumer->Pull(q, "*", 0, 32, {.long_poll_ms = 2000})->status == PullStatus::kFound);

  // Without long polling an empty queue answers at once.
  auto empty = consumer->Pull(q, "*", 1, 32);
  REQUIRE_MESSAGE(empty.ok(), empty.status().ToString());
  CHECK(empty->status == PullStatus::kNoNewMessage);
  CHECK(empty->next_begin_offset == 1);

  auto start = std::chrono::steady_clock::now();
  auto pulled = std::async(std::launch::async, [&] {
    return consumer->Pull(q, "*", 1, 32, {.long_poll_ms = 8000});
  });
  // Send into the same queue while the pull is parked.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the pull reach the broker
  ternmq::Message m;
  m.topic = topic;
  m.body = "second";
  auto r2 = producer->Send(m, [&](const std::vector<ternmq::MessageQueue>& qs,
                                  const ternmq::Message&) {
    for (size_t i = 0; i < qs.size(); ++i) {
      if (qs[i] == q) return i;
    }
    return size_t{0};
  });
  REQUIRE(r2.ok());
  auto r = pulled.get();
  auto waited = std::chrono::steady_clock::now() - start;
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->status == PullStatus::kFound);
  REQUIRE(r->messages.size() == 1);
  CHECK(r->messages[0].body == "second");
  CHECK(waited < std::chrono::milliseconds(6000));
}

TEST_CASE("a pull with a tag expression returns only matching messages") {
  const std::string topic = UniqueName("TagT");
  auto producer = testing::StartTestProducer(UniqueName("PG"));
  ternmq::Message m;
  m.topic = topic;
  std::vector<ternmq::MessageQueue> queues;
  for (int i = 0; i < 6; ++i) {
    m.tags = i % 2 == 0 ? "even" : "odd";
    m.body = "b" + std::to_string(i);
    auto r = producer->SendOrderly(m, "one-key");  // all in one queue
    REQUIRE(r.ok());
    queues.push_back(r->queue);
  }
  auto consumer = StartPull(UniqueName("CG"));
  WaitForQueues(*consumer, topic);
  // All six must be dispatched to the consume queue before one pull can see them.
  REQUIRE(testing::WaitUntil([&] {
    auto max = consumer->MaxOffset(queues[0]);
    return max.ok() && *max == 6;
  }, 10'000));
  auto r = consumer->Pull(queues[0], "odd", 0, 32);
  REQUIRE(r.ok());
  REQUIRE(r->status == PullStatus::kFound);
  std::vector<std::string> got;
  for (const auto& msg : r->messages) got.push_back(msg.body);
  CHECK(got == std::vector<std::string>{"b1", "b3", "b5"});
  CHECK(r->next_begin_offset == 6);
}

TEST_CASE("pull consumer refuses calls before Start and bad arguments") {
  ternmq::PullConsumerOptions o;
  o.group = "CG";
  CHECK(ternmq::PullConsumer::Create(o).status().code() == ternmq::StatusCode::kInvalidArgument);
  o.name_servers = {"127.0.0.1:1"};
  auto c = ternmq::PullConsumer::Create(o);
  REQUIRE(c.ok());
  CHECK((*c)->Pull({"T", "b", 0}, "*", 0, 1).status().code() ==
        ternmq::StatusCode::kIllegalState);
}

}  // namespace
}  // namespace tern::client
