// PushConsumer against the real `ternmq dev` (consumer_fixture.h): delivery,
// queue sharing and rebalancing in a group, broadcasting, restart from the
// committed offset, orderly consumption, local re-consumption; and the
// heartbeat's consumer data against a stand-in broker.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>

#include "src/protocol/heartbeat_data.h"
#include "test/src/client/consumer_fixture.h"
#include "test/src/client/stand_in_broker.h"
#include "test/util/temp_dir.h"
#include "ternmq/push_consumer.h"

namespace tern::client {
namespace {

using testing::BodySet;
using testing::PushOptions;
using testing::Received;
using testing::UniqueName;
using testing::WaitUntil;

std::unique_ptr<ternmq::PushConsumer> StartPush(const ternmq::PushConsumerOptions& options,
                                                const std::string& topic, Received& received,
                                                const std::string& tags = "*") {
  auto c = ternmq::PushConsumer::Create(options);
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  REQUIRE((*c)->Subscribe(topic, tags).ok());
  REQUIRE((*c)->SetListener([&received](const std::vector<ternmq::MessageView>& msgs) {
                received.Add(msgs);
                return ternmq::ConsumeResult::kSuccess;
              }).ok());
  auto st = (*c)->Start();
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  return std::move(c).value();
}

std::set<ternmq::MessageQueue> TopicQueues(const ternmq::PushConsumer& c, const std::string& topic) {
  std::set<ternmq::MessageQueue> out;
  for (const auto& q : c.AssignedQueues()) {
    if (q.topic == topic) out.insert(q);
  }
  return out;
}

TEST_CASE("a push consumer receives every message once") {
  const std::string topic = UniqueName("PushT");
  auto producer = testing::StartTestProducer(UniqueName("PG"));
  testing::SendMessages(*producer, topic, 30, "m");
  Received received;
  // A new group on a young topic starts at offset 0 even with kLastOffset (quirks Q16).
  auto consumer = StartPush(PushOptions(UniqueName("CG")), topic, received);
  REQUIRE_MESSAGE(received.WaitForBodies(BodySet("m", 0, 30), 10'000), testing::DevLog());
  // Messages sent while it runs arrive too.
  testing::SendMessages(*producer, topic, 10, "late");
  REQUIRE(received.WaitForBodies(BodySet("late", 0, 10), 10'000));
  CHECK(received.Deliveries() == 40);
  CHECK(TopicQueues(*consumer, topic).size() == 4);
  for (const auto& m : received.All()) {
    CHECK(m.topic == topic);
    CHECK(m.reconsume_times == 0);
  }
  consumer->Shutdown();
  CHECK(consumer->AssignedQueues().empty());
}

TEST_CASE("push consumers of a group split the queues and rebalance without loss") {
  const std::string topic = UniqueName("SplitT");
  const std::string group = UniqueName("CG");
  auto producer = testing::StartTestProducer(UniqueName("PG"));
  testing::SendMessages(*producer, topic, 4, "warm");  // creates the topic's 4 queues
  Received r1, r2, r3;
  auto o = PushOptions(group);
  o.rebalance_interval_ms = 60'000;  // only NOTIFY_CONSUMER_IDS_CHANGED can move queues in time
  auto c1 = StartPush(o, topic, r1);
  REQUIRE(WaitUntil([&] { return TopicQueues(*c1, topic).size() == 4; }, 10'000));

  auto c2 = StartPush(o, topic, r2);
  REQUIRE_MESSAGE(WaitUntil([&] {
                    return TopicQueues(*c1, topic).size() == 2 &&
                           TopicQueues(*c2, topic).size() == 2;
                  }, 10'000),
                  "c1 owns " << TopicQueues(*c1, topic).size() << ", c2 owns "
                             << TopicQueues(*c2, topic).size());
  for (const auto& q : TopicQueues(*c1, topic)) CHECK(TopicQueues(*c2, topic).count(q) == 0);

  testing::SendMessages(*producer, topic, 40, "a");
  auto all_seen = [&](const std::set<std::string>& want) {
    return WaitUntil([&] {
      std::set<std::string> seen = r1.Bodies();
      for (const auto& b : r2.Bodies()) seen.insert(b);
      for (const auto& b : r3.Bodies()) seen.insert(b);
      return std::includes(seen.begin(), seen.end(), want.begin(), want.end());
    }, 10'000);
  };
  REQUIRE(all_seen(BodySet("a", 0, 40)));
  CHECK(r1.Deliveries() > 0);
  CHECK(r2.Deliveries() > 0);

  auto c3 = StartPush(o, topic, r3);
  REQUIRE(WaitUntil([&] {
    auto q1 = TopicQueues(*c1, topic), q2 = TopicQueues(*c2, topic), q3 = TopicQueues(*c3, topic);
    return q1.size() + q2.size() + q3.size() == 4 && !q1.empty() && !q2.empty() && !q3.empty();
  }, 10'000));
  testing::SendMessages(*producer, topic, 40, "b");
  REQUIRE(all_seen(BodySet("b", 0, 40)));
  CHECK(r3.Deliveries() > 0);
}

TEST_CASE("broadcasting delivers every message to every consumer and keeps offsets in a file") {
  const std::string topic = UniqueName("BcastT");
  const std::string group = UniqueName("CG");
  testing::TempDir dir;
  auto producer = testing::StartTestProducer(UniqueName("PG"));
  testing::SendMessages(*producer, topic, 12, "m");
  auto o = PushOptions(group);
  o.message_model = ternmq::MessageModel::kBroadcasting;
  o.consume_from_where = ternmq::ConsumeFromWhere::kFirstOffset;
  o.offset_store_dir = dir.path();
  Received r1, r2;
  auto c1 = StartPush(o, topic, r1);
  auto c2 = StartPush(o, topic, r2);
  REQUIRE(r1.WaitForBodies(BodySet("m", 0, 12), 10'000));
  REQUIRE(r2.WaitForBodies(BodySet("m", 0, 12), 10'000));
  CHECK(TopicQueues(*c1, topic).size() == 4);
  CHECK(TopicQueues(*c2, topic).size() == 4);
  std::string file = dir.path() + "/" + c1->client_id() + "/" + group + "/offsets.json";
  c1->Shutdown();
  REQUIRE(std::filesystem::exists(file));
  std::string text = testing::ReadFile(file);
  CHECK(text.find("\"topic\":\"" + topic + "\"") != std::string::npos);
}

TEST_CASE("a restarted consumer resumes from its committed offset") {
  const std::string topic = UniqueName("RestartT");
  const std::string group = UniqueName("CG");
  auto producer = testing::StartTestProducer(UniqueName("PG"));
  testing::SendMessages(*producer, topic, 10, "old");
  {
    Received first;
    auto c = StartPush(PushOptions(group), topic, first);
    REQUIRE(first.WaitForBodies(BodySet("old", 0, 10), 10'000));
    c->Shutdown();  // commits the offsets
  }
  testing::SendMessages(*producer, topic, 10, "new");
  Received second;
  auto c = StartPush(PushOptions(group), topic, second);
  REQUIRE(second.WaitForBodies(BodySet("new", 0, 10), 10'000));
  CHECK(second.Bodies() == BodySet("new", 0, 10));
  CHECK(second.Deliveries() == 10);
}

TEST_CASE("orderly consumption keeps the order of each queue, through local retries") {
  const std::string topic = UniqueName("OrderT");
  auto producer = testing::StartTestProducer(UniqueName("PG"));
  const int kKeys = 4, kPerKey = 15;
  for (int i = 0; i < kPerKey; ++i) {
    for (int k = 0; k < kKeys; ++k) {
      ternmq::Message m;
      m.topic = topic;
      m.body = "k" + std::to_string(k) + ":" + std::to_string(i);
      REQUIRE(producer->SendOrderly(m, "key-" + std::to_string(k)).ok());
    }
  }
  auto o = PushOptions(UniqueName("CG"));
  o.suspend_current_queue_ms = 50;
  auto c = ternmq::PushConsumer::Create(o);
  REQUIRE(c.ok());
  REQUIRE((*c)->Subscribe(topic, "*").ok());
  std::mutex mu;
  std::map<std::string, std::vector<int>> seen;  // key -> sequence numbers in delivery order
  std::atomic<int> done{0};
  std::atomic<bool> failed_once{false};
  REQUIRE((*c)->SetOrderlyListener([&](const std::vector<ternmq::MessageView>& msgs) {
                std::string key = msgs[0].body.substr(0, msgs[0].body.find(':'));
                int seq = std::stoi(msgs[0].body.substr(msgs[0].body.find(':') + 1));
                // Fail one message once: it must come again before its successors.
                if (key == "k1" && seq == 5 && !failed_once.exchange(true)) {
                  return ternmq::OrderlyConsumeResult::kSuspendCurrentQueueAMoment;
                }
                std::lock_guard<std::mutex> lock(mu);
                seen[key].push_back(seq);
                ++done;
                return ternmq::OrderlyConsumeResult::kSuccess;
              }).ok());
  REQUIRE((*c)->Start().ok());
  REQUIRE(WaitUntil([&] { return done >= kKeys * kPerKey; }, 15'000));
  std::lock_guard<std::mutex> lock(mu);
  for (int k = 0; k < kKeys; ++k) {
    std::vector<int> want(kPerKey);
    for (int i = 0; i < kPerKey; ++i) want[i] = i;
    CHECK_MESSAGE(seen["k" + std::to_string(k)] == want, "key k" << k);
  }
  CHECK(failed_once);
}

TEST_CASE("a message the listener asks to reconsume is delivered again") {
  const std::string topic = UniqueName("RetryT");
  auto producer = testing::StartTestProducer(UniqueName("PG"));
  testing::SendMessages(*producer, topic, 5, "m");
  auto c = ternmq::PushConsumer::Create(PushOptions(UniqueName("CG")));
  REQUIRE(c.ok());
  REQUIRE((*c)->Subscribe(topic, "*").ok());
  Received received;
  std::atomic<bool> refused{false};
  REQUIRE((*c)->SetListener([&](const std::vector<ternmq::MessageView>& msgs) {
                if (msgs[0].body == "m3" && !refused.exchange(true)) {
                  return ternmq::ConsumeResult::kReconsumeLater;
                }
                received.Add(msgs);
                return ternmq::ConsumeResult::kSuccess;
              }).ok());
  REQUIRE((*c)->Start().ok());
  // Through the broker's retry topic (10 s) or, when the broker refuses the
  // send-back, consumed again locally after 5 s.
  REQUIRE(received.WaitForBodies(BodySet("m", 0, 5), 20'000));
  for (const auto& m : received.All()) {
    if (m.body == "m3") {
      CHECK(m.reconsume_times >= 1);
      CHECK(m.topic == topic);  // not the retry topic
    }
  }
}

TEST_CASE("a push consumer's heartbeat carries its group, subscription and retry topic") {
  testing::TempDir dir;
  testing::NamesrvProcess ns(dir.path());
  testing::StandInBroker broker("broker-a");
  broker.Start();
  broker.AddTopic("HbT", 2);
  broker.Register(ns.addr());
  ternmq::PushConsumerOptions o;
  o.group = "CG_hb";
  o.name_servers = {ns.addr()};
  o.consume_from_where = ternmq::ConsumeFromWhere::kFirstOffset;
  auto c = ternmq::PushConsumer::Create(o);
  REQUIRE(c.ok());
  REQUIRE((*c)->Subscribe("HbT", "A || B").ok());
  REQUIRE((*c)->SetListener([](const std::vector<ternmq::MessageView>&) {
                return ternmq::ConsumeResult::kSuccess;
              }).ok());
  REQUIRE((*c)->Start().ok());  // sends the first heartbeat before returning
  REQUIRE(broker.WaitForHeartbeats(1));
  auto hb = broker.heartbeats().back();
  CHECK(hb.client_id == (*c)->client_id());
  CHECK(hb.producer_data_set.empty());
  REQUIRE(hb.consumer_data_set.size() == 1);
  const auto& cd = hb.consumer_data_set[0];
  CHECK(cd.group_name == "CG_hb");
  CHECK(cd.consume_type == protocol::ConsumeType::kConsumePassively);
  CHECK(cd.message_model == protocol::MessageModel::kClustering);
  CHECK(cd.consume_from_where == protocol::ConsumeFromWhere::kConsumeFromFirstOffset);
  std::map<std::string, protocol::SubscriptionData> subs;
  for (const auto& s : cd.subscription_data_set) subs[s.topic] = s;
  REQUIRE(subs.count("HbT"));
  CHECK(subs["HbT"].sub_string == "A || B");
  CHECK(subs["HbT"].tags_set == std::vector<std::string>{"A", "B"});
  REQUIRE(subs.count("%RETRY%CG_hb"));
  CHECK(subs["%RETRY%CG_hb"].sub_string == "*");
}

TEST_CASE("push consumer options and call order are checked") {
  ternmq::PushConsumerOptions o;
  o.name_servers = {"127.0.0.1:1"};
  CHECK(ternmq::PushConsumer::Create(o).status().code() == ternmq::StatusCode::kInvalidArgument);
  o.group = "CG";
  o.consume_threads = 0;
  auto bad = ternmq::PushConsumer::Create(o);
  CHECK(bad.status().message().find("consume_threads") != std::string::npos);
  o.consume_threads = 1;
  o.consumer_timeout_when_suspend_ms = o.broker_suspend_max_ms;
  CHECK_FALSE(ternmq::PushConsumer::Create(o).ok());
  o.consumer_timeout_when_suspend_ms = 30'000;
  auto c = ternmq::PushConsumer::Create(o);
  REQUIRE(c.ok());
  CHECK((*c)->Start().code() == ternmq::StatusCode::kInvalidArgument);  // no subscription
  REQUIRE((*c)->Subscribe("T", "*").ok());
  CHECK((*c)->Start().code() == ternmq::StatusCode::kInvalidArgument);  // no listener
  CHECK((*c)->Subscribe("bad topic!", "*").code() == ternmq::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tern::client
