// Consumption retry and dead letters end to end (features.md §3): the SDK
// push consumers against a real `ternmq dev` whose delay levels are short
// (levels 1-4 = 1 s, 5 = 2 s), so a send-back comes again within seconds.
//   * concurrent: CONSUMER_SEND_MSG_BACK through the broker, N redeliveries
//     with reconsume times 1..N on the back-off of the levels, then %DLQ%<group>;
//   * orderly: local retries in order, then the copy sent to %RETRY%<group>
//     past the max lands in %DLQ%<group> through the broker's send path.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "src/protocol/codes.h"
#include "test/src/client/consumer_fixture.h"
#include "test/util/remoting_fixtures.h"
#include "test/util/temp_dir.h"
#include "ternmq/producer.h"
#include "ternmq/pull_consumer.h"
#include "ternmq/push_consumer.h"

namespace tern::client {
namespace {

using testing::UniqueName;
using testing::WaitUntil;

// Level 3 + reconsumeTimes: the 1st and 2nd redelivery wait 1 s, the 3rd 2 s.
constexpr char kShortLevels[] = "--messageDelayLevel=1s 1s 1s 1s 2s";

struct ShortDev {
  testing::TempDir dir;
  std::optional<testing::BootedTernmq> booted;
};

// One `ternmq dev` with short delay levels for this file, started on first use.
const std::string& Namesrv() {
  static ShortDev dev;
  if (!dev.booted) {
    testing::BootedTernmq booted =
        testing::StartDev(dev.dir.Sub("data"), dev.dir.Sub("dev.log"), {kShortLevels});
    dev.booted = std::move(booted);
  }
  return dev.booted->addr;
}

std::unique_ptr<ternmq::Producer> StartProducer() {
  ternmq::ProducerOptions o;
  o.group = UniqueName("PG");
  o.name_servers = {Namesrv()};
  auto p = ternmq::Producer::Create(o);
  REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  REQUIRE((*p)->Start().ok());
  return std::move(p).value();
}

ternmq::PushConsumerOptions ConsumerOptions(const std::string& group) {
  ternmq::PushConsumerOptions o;
  o.group = group;
  o.name_servers = {Namesrv()};
  o.consume_threads = 2;
  o.rebalance_interval_ms = 1000;
  o.persist_offset_interval_ms = 500;
  o.broker_suspend_max_ms = 1000;
  o.consumer_timeout_when_suspend_ms = 5000;
  return o;
}

ternmq::Message TrackedMessage(const std::string& topic, const std::string& body) {
  ternmq::Message m;
  m.topic = topic;
  m.tags = "TagR";
  m.keys = {"key-" + body};
  m.properties = {{"biz", "v-" + body}};
  m.body = body;
  return m;
}

// Every message of every queue of `topic` (a fresh pull consumer, from offset 0).
std::vector<ternmq::MessageView> PullAll(const std::string& topic) {
  ternmq::PullConsumerOptions o;
  o.group = UniqueName("DlqReader");
  o.name_servers = {Namesrv()};
  auto c = ternmq::PullConsumer::Create(o);
  REQUIRE(c.ok());
  REQUIRE((*c)->Start().ok());
  std::vector<ternmq::MessageView> out;
  auto queues = (*c)->FetchSubscribeQueues(topic);
  if (queues.ok()) {
    for (const auto& q : *queues) {
      auto r = (*c)->Pull(q, "*", 0, 32);
      if (r.ok()) out.insert(out.end(), r->messages.begin(), r->messages.end());
    }
  }
  (*c)->Shutdown();
  return out;
}

// Waits for `body` on %DLQ%<group> (its route appears once the topic exists).
std::optional<ternmq::MessageView> WaitForDeadLetter(const std::string& group,
                                                     const std::string& body) {
  std::optional<ternmq::MessageView> found;
  WaitUntil([&] {
    for (auto& m : PullAll("%DLQ%" + group)) {
      if (m.body == body) found = m;
    }
    return found.has_value();
  }, 15'000, 200);
  return found;
}

int64_t MaxOffsetSum(const std::string& topic) {
  ternmq::PullConsumerOptions o;
  o.group = UniqueName("OffsetReader");
  o.name_servers = {Namesrv()};
  auto c = ternmq::PullConsumer::Create(o);
  REQUIRE(c.ok());
  REQUIRE((*c)->Start().ok());
  int64_t sum = 0;
  auto queues = (*c)->FetchSubscribeQueues(topic);
  REQUIRE_MESSAGE(queues.ok(), queues.status().ToString());
  for (const auto& q : *queues) {
    auto max = (*c)->MaxOffset(q);
    REQUIRE(max.ok());
    sum += *max;
  }
  (*c)->Shutdown();
  return sum;
}

void CheckKeptProperties(const ternmq::MessageView& dead, const ternmq::SendResult& sent,
                         const std::string& topic, const std::string& body) {
  CHECK(dead.msg_id == sent.msg_id);  // UNIQ_KEY unchanged
  CHECK(dead.tags == "TagR");
  CHECK(dead.keys == std::vector<std::string>{"key-" + body});
  CHECK(dead.properties.at("biz") == "v-" + body);
  CHECK(dead.properties.at("RETRY_TOPIC") == topic);
  CHECK(dead.properties.count("ORIGIN_MESSAGE_ID") == 1);
  // Not delayed again: no DELAY, or the broker's DELAY=0 of a send-back copy.
  CHECK((dead.properties.count("DELAY") == 0 || dead.properties.at("DELAY") == "0"));
}

struct Delivery {
  int32_t reconsume_times;
  std::string topic;
  int64_t born_ms;
  std::chrono::steady_clock::time_point at;
};

TEST_CASE("a concurrent consumer failing N times sees N redeliveries, then the message is in the DLQ") {
  constexpr int kMax = 3;
  const std::string topic = UniqueName("RetryE2E");
  const std::string group = UniqueName("RetryCG");
  auto producer = StartProducer();
  auto sent = producer->Send(TrackedMessage(topic, "doomed"));
  REQUIRE_MESSAGE(sent.ok(), sent.status().ToString());

  // The header's maxReconsumeTimes decides (request version >= V3_4_9, Q31),
  // as with the Java client, so the group's retryMaxTimes does not.
  auto o = ConsumerOptions(group);
  o.max_reconsume_times = kMax;
  auto c = ternmq::PushConsumer::Create(o);
  REQUIRE(c.ok());
  REQUIRE((*c)->Subscribe(topic, "*").ok());
  std::mutex mu;
  std::vector<Delivery> deliveries;
  REQUIRE((*c)->SetListener([&](const std::vector<ternmq::MessageView>& msgs) {
                std::lock_guard<std::mutex> lock(mu);
                for (const auto& m : msgs) {
                  deliveries.push_back({m.reconsume_times, m.topic, m.born_timestamp_ms,
                                        std::chrono::steady_clock::now()});
                }
                return ternmq::ConsumeResult::kReconsumeLater;
              }).ok());
  REQUIRE((*c)->Start().ok());

  std::optional<ternmq::MessageView> dead = WaitForDeadLetter(group, "doomed");
  REQUIRE(dead.has_value());
  (*c)->Shutdown();

  std::lock_guard<std::mutex> lock(mu);
  REQUIRE(deliveries.size() == kMax + 1);
  for (int i = 0; i <= kMax; ++i) {
    CHECK(deliveries[i].reconsume_times == i);
    CHECK(deliveries[i].topic == topic);
    // The broker's copy keeps the born time; a client-made copy would not.
    CHECK(deliveries[i].born_ms == deliveries[0].born_ms);
  }
  // Back-off of levels 3, 4, 5 = 1 s, 1 s, 2 s (timer resolution: 100 ms).
  auto gap_ms = [&](int i) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deliveries[i].at -
                                                                 deliveries[i - 1].at)
        .count();
  };
  CHECK(gap_ms(1) >= 900);
  CHECK(gap_ms(2) >= 900);
  CHECK(gap_ms(3) >= 1900);
  // Every redelivery went through the broker's retry topic.
  CHECK(MaxOffsetSum("%RETRY%" + group) == kMax);
  CheckKeptProperties(*dead, *sent, topic, "doomed");
  CHECK(dead->reconsume_times == kMax + 1);
}

TEST_CASE("an orderly consumer retries locally in order, then dead-letters the message") {
  constexpr int kMax = 2;
  const std::string topic = UniqueName("OrderDlq");
  const std::string group = UniqueName("OrderCG");
  auto producer = StartProducer();
  std::optional<ternmq::SendResult> poisoned;
  for (int i = 0; i < 8; ++i) {
    auto r = producer->SendOrderly(TrackedMessage(topic, "m" + std::to_string(i)), "one-key");
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    if (i == 3) poisoned = *r;
  }
  auto o = ConsumerOptions(group);
  o.max_reconsume_times = kMax;
  o.suspend_current_queue_ms = 50;
  auto c = ternmq::PushConsumer::Create(o);
  REQUIRE(c.ok());
  REQUIRE((*c)->Subscribe(topic, "*").ok());
  std::mutex mu;
  std::vector<std::pair<std::string, int32_t>> seen;  // body, reconsume times
  std::atomic<int> successes{0};
  REQUIRE((*c)->SetOrderlyListener([&](const std::vector<ternmq::MessageView>& msgs) {
                std::lock_guard<std::mutex> lock(mu);
                seen.emplace_back(msgs[0].body, msgs[0].reconsume_times);
                if (msgs[0].body == "m3") {
                  return ternmq::OrderlyConsumeResult::kSuspendCurrentQueueAMoment;
                }
                ++successes;
                return ternmq::OrderlyConsumeResult::kSuccess;
              }).ok());
  REQUIRE((*c)->Start().ok());
  REQUIRE(WaitUntil([&] { return successes == 7; }, 15'000));

  std::optional<ternmq::MessageView> dead = WaitForDeadLetter(group, "m3");
  REQUIRE(dead.has_value());
  (*c)->Shutdown();
  {
    std::lock_guard<std::mutex> lock(mu);
    const std::vector<std::pair<std::string, int32_t>> want = {
        {"m0", 0}, {"m1", 0}, {"m2", 0}, {"m3", 0}, {"m3", 1}, {"m3", 2},
        {"m4", 0}, {"m5", 0}, {"m6", 0}, {"m7", 0}};
    CHECK(seen == want);
  }
  CheckKeptProperties(*dead, *poisoned, topic, "m3");
  CHECK(dead->reconsume_times == kMax + 1);
  // Straight to the DLQ: nothing was parked on the retry topic.
  auto retry = PullAll("%RETRY%" + group);
  CHECK(retry.empty());
}

}  // namespace
}  // namespace tern::client
