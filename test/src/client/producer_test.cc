// The producer against the real `ternmq namesrv` binary and in-test stand-in
// brokers (stand_in_broker.h) that register with it: what goes on the wire
// for each send mode, what comes back, routing through TBW102, retries on
// another broker, compression, sharding, timeouts, option checks, heartbeats.
#include <doctest/doctest.h>

#include <future>
#include <set>
#include <thread>

#include "src/client/producer_impl.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_batch.h"
#include "src/protocol/message_compression.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"
#include "test/src/client/stand_in_broker.h"
#include "test/util/temp_dir.h"
#include "ternmq/producer.h"

namespace tern::client {
namespace {

namespace Code = protocol::ResponseCode;
namespace RC = protocol::RequestCode;
using ternmq::StatusCode;
using testing::NamesrvProcess;
using testing::StandInBroker;

// A nameserver and any number of stand-in brokers registered with it.
struct Cluster {
  testing::TempDir dir;
  NamesrvProcess ns{dir.path()};
  std::vector<std::unique_ptr<StandInBroker>> brokers;

  // A broker holding `topics` (name -> queues) plus TBW102 (8 queues, perm 7).
  StandInBroker& AddBroker(const std::string& name, std::map<std::string, int32_t> topics) {
    brokers.push_back(std::make_unique<StandInBroker>(name));
    StandInBroker& b = *brokers.back();
    b.Start();
    b.AddTopic("TBW102", 8, 7);
    for (const auto& [t, q] : topics) b.AddTopic(t, q);
    b.Register(ns.addr());
    return b;
  }
};

ternmq::ProducerOptions Options(const std::string& ns_addr) {
  ternmq::ProducerOptions o;
  o.group = "PG_test";
  o.name_servers = {ns_addr};
  return o;
}

std::unique_ptr<ternmq::Producer> StartProducer(const ternmq::ProducerOptions& options) {
  auto p = ternmq::Producer::Create(options);
  REQUIRE_MESSAGE(p.ok(), p.status().ToString());
  auto st = (*p)->Start();
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  return std::move(p).value();
}

ternmq::Message Msg(std::string topic, std::string body = "hello") {
  ternmq::Message m;
  m.topic = std::move(topic);
  m.tags = "TagA";
  m.keys = {"order-1"};
  m.body = std::move(body);
  return m;
}

std::string Prop(const testing::ReceivedSend& s, std::string_view key) {
  return std::string(protocol::FindProperty(s.header.properties.value_or(""), key).value_or(""));
}

TEST_CASE("a sync send carries the V2 header and body and returns msgId, queue and offset") {
  Cluster c;
  StandInBroker& b = c.AddBroker("broker-a", {{"T", 2}});
  auto producer = StartProducer(Options(c.ns.addr()));

  ternmq::Message m = Msg("T");
  m.properties["shop"] = "berlin";
  auto r1 = producer->Send(m);
  REQUIRE_MESSAGE(r1.ok(), r1.status().ToString());
  auto r2 = producer->Send(m);
  REQUIRE(r2.ok());

  REQUIRE(b.WaitForSends(2));
  auto sends = b.sends();
  const auto& s = sends[0];
  CHECK(s.code == RC::kSendMessageV2);
  CHECK_FALSE(s.oneway);
  CHECK(s.header.producer_group == "PG_test");
  CHECK(s.header.topic == "T");
  CHECK(s.header.default_topic == "TBW102");
  CHECK(s.header.default_topic_queue_nums == 4);
  CHECK(s.header.sys_flag == 0);
  CHECK_FALSE(s.header.batch);
  CHECK(s.header.broker_name == "broker-a");
  CHECK(s.header.born_timestamp > 1'600'000'000'000);
  CHECK(s.body == "hello");
  CHECK(Prop(s, "TAGS") == "TagA");
  CHECK(Prop(s, "KEYS") == "order-1");
  CHECK(Prop(s, "WAIT") == "true");
  CHECK(Prop(s, "shop") == "berlin");

  CHECK(r1->status == ternmq::SendStatus::kSendOk);
  CHECK(r1->msg_id == Prop(s, "UNIQ_KEY"));
  CHECK(r1->offset_msg_id == b.answered_msg_ids().at(0));
  CHECK(r1->queue.topic == "T");
  CHECK(r1->queue.broker_name == "broker-a");
  CHECK(r1->queue.queue_id == s.header.queue_id);
  CHECK(r1->region_id == "DefaultRegion");
  // Round-robin: the second send goes to the other queue.
  CHECK(r2->queue.queue_id != r1->queue.queue_id);
  CHECK(r2->msg_id != r1->msg_id);
}

TEST_CASE("an async send returns at once and completes on the callback thread") {
  Cluster c;
  StandInBroker& b = c.AddBroker("broker-a", {{"T", 4}});
  auto producer = StartProducer(Options(c.ns.addr()));

  std::promise<std::pair<ternmq::Result<ternmq::SendResult>, std::thread::id>> done;
  producer->SendAsync(Msg("T"), [&](ternmq::Result<ternmq::SendResult> r) {
    done.set_value({std::move(r), std::this_thread::get_id()});
  });
  auto fut = done.get_future();
  REQUIRE(fut.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  auto [result, thread] = fut.get();
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  CHECK(thread != std::this_thread::get_id());
  REQUIRE(b.WaitForSends(1));
  CHECK(result->msg_id == Prop(b.sends()[0], "UNIQ_KEY"));
  CHECK(result->offset_msg_id == b.answered_msg_ids().at(0));
  CHECK(result->queue.queue_id == b.sends()[0].header.queue_id);
}

TEST_CASE("many async sends all complete, each exactly once") {
  Cluster c;
  StandInBroker& b = c.AddBroker("broker-a", {{"T", 4}});
  auto producer = StartProducer(Options(c.ns.addr()));
  constexpr int kN = 200;
  std::mutex mu;
  std::condition_variable cv;
  int ok = 0, failed = 0;
  for (int i = 0; i < kN; ++i) {
    producer->SendAsync(Msg("T", "m" + std::to_string(i)), [&](ternmq::Result<ternmq::SendResult> r) {
      std::lock_guard<std::mutex> lock(mu);
      (r.ok() ? ok : failed)++;
      cv.notify_all();
    });
  }
  std::unique_lock<std::mutex> lock(mu);
  CHECK(cv.wait_for(lock, std::chrono::seconds(10), [&] { return ok + failed == kN; }));
  CHECK(ok == kN);
  CHECK(b.sends().size() == kN);
}

TEST_CASE("a oneway send arrives flagged oneway") {
  Cluster c;
  StandInBroker& b = c.AddBroker("broker-a", {{"T", 1}});
  auto producer = StartProducer(Options(c.ns.addr()));
  CHECK(producer->SendOneway(Msg("T", "fire")).ok());
  REQUIRE(b.WaitForSends(1));
  CHECK(b.sends()[0].oneway);
  CHECK(b.sends()[0].body == "fire");
  CHECK(b.sends()[0].code == RC::kSendMessageV2);
}

TEST_CASE("a batch goes as SEND_BATCH_MESSAGE with m=true and one UNIQ_KEY per message") {
  Cluster c;
  StandInBroker& b = c.AddBroker("broker-a", {{"T", 2}});
  auto producer = StartProducer(Options(c.ns.addr()));
  std::vector<ternmq::Message> batch = {Msg("T", "one"), Msg("T", "two"), Msg("T", "three")};
  auto r = producer->SendBatch(batch);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  REQUIRE(b.WaitForSends(1));
  const auto s = b.sends()[0];
  CHECK(s.code == RC::kSendBatchMessage);
  CHECK(s.header.batch);
  CHECK(protocol::FindProperty(s.header.properties.value_or(""), "UNIQ_KEY") == std::nullopt);
  auto entries = protocol::DecodeBatchBody(s.body);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 3);
  CHECK((*entries)[1].body == "two");
  std::string ids;
  for (const auto& e : *entries) {
    if (!ids.empty()) ids += ',';
    ids += std::string(protocol::FindProperty(e.properties, "UNIQ_KEY").value_or("?"));
  }
  CHECK(r->msg_id == ids);
  // Q17: the broker's msgId is the comma-joined list of offset ids.
  CHECK(r->offset_msg_id == b.answered_msg_ids().at(0));
  CHECK(std::count(r->offset_msg_id.begin(), r->offset_msg_id.end(), ',') == 2);
}

TEST_CASE("a topic without a route is sent through the TBW102 route and then gets its own") {
  Cluster c;
  StandInBroker& b = c.AddBroker("broker-a", {});
  auto options = Options(c.ns.addr());
  options.default_topic_queue_nums = 3;
  auto producer = StartProducer(options);

  auto queues = producer->FetchPublishQueues("NewTopic");
  REQUIRE_MESSAGE(queues.ok(), queues.status().ToString());
  CHECK(queues->size() == 3);  // min(3, TBW102 read queues 8)
  CHECK(queues->at(0).topic == "NewTopic");

  auto r = producer->Send(Msg("NewTopic"));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  REQUIRE(b.WaitForSends(1));
  const auto s = b.sends()[0];
  CHECK(s.header.topic == "NewTopic");
  CHECK(s.header.default_topic == "TBW102");
  CHECK(s.header.default_topic_queue_nums == 3);
  CHECK(s.header.queue_id < 3);
  CHECK(b.topics().count("NewTopic") == 1);  // the stand-in auto-created it and re-registered

  // The stand-in registered the new topic before answering, so the next
  // refresh (the 30 s timer's work, run here directly) finds its own route.
  auto* impl = static_cast<ProducerImpl*>(producer.get());
  auto info = impl->instance()->RefreshRoute("NewTopic", {"TBW102", 3}, 3000);
  REQUIRE(info.ok());
  CHECK_FALSE((*info)->from_default_topic);
  CHECK((*info)->queues.size() == 3);
}

TEST_CASE("no route for the topic nor for TBW102 is NotFound") {
  Cluster c;
  auto producer = StartProducer(Options(c.ns.addr()));
  auto r = producer->Send(Msg("Nowhere"));
  CHECK(r.status().code() == StatusCode::kNotFound);
  CHECK(r.status().message().find("TBW102") != std::string::npos);
}

TEST_CASE("a SYSTEM_ERROR answer is retried on the other broker") {
  Cluster c;
  StandInBroker& a = c.AddBroker("broker-a", {{"T", 2}});
  StandInBroker& b = c.AddBroker("broker-b", {{"T", 2}});
  a.SetMode(StandInBroker::Mode::kFail, Code::kSystemError);
  auto producer = StartProducer(Options(c.ns.addr()));
  for (int i = 0; i < 4; ++i) {
    auto r = producer->Send(Msg("T"));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(r->queue.broker_name == "broker-b");
  }
  CHECK(a.sends().size() >= 1);  // round-robin reaches broker-a within 3 sends
  CHECK(b.sends().size() == 4);
  // The retry keeps the message's UNIQ_KEY.
  auto a_ids = a.sends();
  std::set<std::string> b_ids;
  for (const auto& s : b.sends()) b_ids.insert(Prop(s, "UNIQ_KEY"));
  for (const auto& s : a_ids) CHECK(b_ids.count(Prop(s, "UNIQ_KEY")) == 1);
}

TEST_CASE("a non-retriable broker answer is returned at once with its code") {
  Cluster c;
  StandInBroker& a = c.AddBroker("broker-a", {{"T", 2}});
  a.SetMode(StandInBroker::Mode::kFail, Code::kMessageIllegal);
  auto producer = StartProducer(Options(c.ns.addr()));
  auto r = producer->Send(Msg("T"));
  CHECK(r.status().code() == StatusCode::kBrokerError);
  CHECK(r.status().response_code() == Code::kMessageIllegal);
  CHECK(a.sends().size() == 1);
}

TEST_CASE("every attempt failing with a retriable code ends after 1 + retries attempts") {
  Cluster c;
  StandInBroker& a = c.AddBroker("broker-a", {{"T", 2}});
  a.SetMode(StandInBroker::Mode::kFail, Code::kSystemBusy);
  auto options = Options(c.ns.addr());
  options.retry_times_when_send_failed = 3;
  auto producer = StartProducer(options);
  auto r = producer->Send(Msg("T"));
  CHECK(r.status().code() == StatusCode::kBrokerError);
  CHECK(r.status().response_code() == Code::kSystemBusy);
  CHECK(r.status().message().find("4 attempts") != std::string::npos);
  CHECK(a.sends().size() == 4);
}

TEST_CASE("a broker that is down is skipped and the sends land on the other one") {
  Cluster c;
  StandInBroker& a = c.AddBroker("broker-a", {{"T", 2}});
  c.AddBroker("broker-b", {{"T", 2}});
  a.StopServing();  // still registered with the nameserver
  auto producer = StartProducer(Options(c.ns.addr()));
  for (int i = 0; i < 4; ++i) {
    auto r = producer->Send(Msg("T"));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(r->queue.broker_name == "broker-b");
  }
  // Async sends fail over too.
  std::promise<ternmq::Result<ternmq::SendResult>> done;
  for (int i = 0; i < 3; ++i) {
    std::promise<ternmq::Result<ternmq::SendResult>> one;
    producer->SendAsync(Msg("T"), [&](ternmq::Result<ternmq::SendResult> r) { one.set_value(r); });
    auto r = one.get_future().get();
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(r->queue.broker_name == "broker-b");
  }
}

TEST_CASE("an async send is retried on the other broker after SYSTEM_ERROR") {
  Cluster c;
  StandInBroker& a = c.AddBroker("broker-a", {{"T", 1}});
  StandInBroker& b = c.AddBroker("broker-b", {{"T", 1}});
  a.SetMode(StandInBroker::Mode::kFail, Code::kSystemError);
  b.SetMode(StandInBroker::Mode::kFail, Code::kSystemError);
  auto options = Options(c.ns.addr());
  options.retry_times_when_send_async_failed = 1;
  auto producer = StartProducer(options);
  std::promise<ternmq::Result<ternmq::SendResult>> done;
  producer->SendAsync(Msg("T"), [&](ternmq::Result<ternmq::SendResult> r) { done.set_value(r); });
  auto r = done.get_future().get();
  CHECK(r.status().code() == StatusCode::kBrokerError);
  CHECK(r.status().message().find("2 attempts") != std::string::npos);
  // One attempt on each broker.
  CHECK(a.sends().size() == 1);
  CHECK(b.sends().size() == 1);
}

TEST_CASE("bodies above compress_over_bytes arrive zlib-compressed with sysFlag bit 0") {
  Cluster c;
  StandInBroker& b = c.AddBroker("broker-a", {{"T", 1}});
  auto producer = StartProducer(Options(c.ns.addr()));
  std::string big(5000, 'x');
  REQUIRE(producer->Send(Msg("T", big)).ok());
  REQUIRE(producer->Send(Msg("T", std::string(4096, 'y'))).ok());
  REQUIRE(b.WaitForSends(2));
  auto sends = b.sends();
  CHECK((sends[0].header.sys_flag & 1) == 1);
  CHECK(sends[0].body.size() < big.size());
  auto plain = protocol::DecompressBody(sends[0].body, sends[0].header.sys_flag);
  REQUIRE(plain.ok());
  CHECK(*plain == big);
  CHECK(sends[1].header.sys_flag == 0);
  CHECK(sends[1].body.size() == 4096);
}

TEST_CASE("the same sharding key always picks the same queue, Java's hash queue") {
  Cluster c;
  c.AddBroker("broker-a", {{"T", 4}});
  c.AddBroker("broker-b", {{"T", 4}});
  auto producer = StartProducer(Options(c.ns.addr()));
  auto queues = producer->FetchPublishQueues("T");
  REQUIRE(queues.ok());
  REQUIRE(queues->size() == 8);
  for (std::string key : {"user-7", "abc", "order-42"}) {
    std::set<ternmq::MessageQueue> used;
    for (int i = 0; i < 5; ++i) {
      auto r = producer->SendOrderly(Msg("T"), key);
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      used.insert(r->queue);
    }
    CHECK(used.size() == 1);
    CHECK(*used.begin() == queues->at(ShardingIndex(key, 8)));
  }
  CHECK(producer->SendOrderly(Msg("T"), "").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a selector picks the queue; an index out of range is InvalidArgument") {
  Cluster c;
  StandInBroker& b = c.AddBroker("broker-a", {{"T", 4}});
  auto producer = StartProducer(Options(c.ns.addr()));
  auto r = producer->Send(Msg("T"), [](const std::vector<ternmq::MessageQueue>& qs,
                                       const ternmq::Message&) { return qs.size() - 1; });
  REQUIRE(r.ok());
  CHECK(r->queue.queue_id == 3);
  REQUIRE(b.WaitForSends(1));
  CHECK(b.sends()[0].header.queue_id == 3);
  auto bad = producer->Send(
      Msg("T"), [](const std::vector<ternmq::MessageQueue>& qs, const ternmq::Message&) {
        return qs.size();
      });
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a broker that never answers gives a Timeout status within the call's timeout") {
  Cluster c;
  StandInBroker& b = c.AddBroker("broker-a", {{"T", 1}});
  b.SetMode(StandInBroker::Mode::kSilent);
  auto producer = StartProducer(Options(c.ns.addr()));
  REQUIRE(producer->FetchPublishQueues("T").ok());  // route cached: time goes to the broker
  auto start = std::chrono::steady_clock::now();
  auto r = producer->Send(Msg("T"), ternmq::SendOptions{.timeout_ms = 300});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  CHECK(r.status().code() == StatusCode::kTimeout);
  CHECK(ms >= 250);  // libuv timers run on the loop's cached clock: allow a little early
  CHECK(ms < 2000);

  std::promise<ternmq::Result<ternmq::SendResult>> done;
  producer->SendAsync(
      Msg("T"), [&](ternmq::Result<ternmq::SendResult> r) { done.set_value(r); },
      ternmq::SendOptions{.timeout_ms = 200});
  auto fut = done.get_future();
  REQUIRE(fut.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  CHECK(fut.get().status().code() == StatusCode::kTimeout);
}

TEST_CASE("the first send to a broker is preceded by a heartbeat naming the producer group") {
  Cluster c;
  StandInBroker& b = c.AddBroker("broker-a", {{"T", 1}});
  auto producer = StartProducer(Options(c.ns.addr()));
  REQUIRE(producer->Send(Msg("T")).ok());
  REQUIRE(b.WaitForHeartbeats(1));
  auto hb = b.heartbeats()[0];
  CHECK(hb.client_id == producer->client_id());
  REQUIRE(hb.producer_data_set.size() == 1);
  CHECK(hb.producer_data_set[0].group_name == "PG_test");
  CHECK(hb.consumer_data_set.empty());
  // clientId = ip@pid#nanos
  auto at = hb.client_id.find('@');
  REQUIRE(at != std::string::npos);
  CHECK(hb.client_id.find('#', at) != std::string::npos);

  // The periodic heartbeat goes to every known master.
  static_cast<ProducerImpl*>(producer.get())->instance()->SendHeartbeatsAsync();
  CHECK(b.WaitForHeartbeats(2));
}

TEST_CASE("heartbeats repeat every heartbeat_interval_ms") {
  Cluster c;
  StandInBroker& b = c.AddBroker("broker-a", {{"T", 1}});
  auto options = Options(c.ns.addr());
  options.heartbeat_interval_ms = 50;
  auto producer = StartProducer(options);
  REQUIRE(producer->FetchPublishQueues("T").ok());  // the broker becomes known
  CHECK(b.WaitForHeartbeats(4));
}

TEST_CASE("a nameserver that is down is skipped") {
  Cluster c;
  c.AddBroker("broker-a", {{"T", 1}});
  auto options = Options(c.ns.addr());
  // A port nothing listens on: bind-and-close would race, so use the stand-in trick.
  StandInBroker dead("dead");
  dead.Start();
  std::string dead_addr = dead.addr();
  dead.StopServing();
  options.name_servers = {dead_addr, c.ns.addr(), dead_addr};
  for (int i = 0; i < 3; ++i) {  // the first nameserver tried is random
    auto producer = StartProducer(options);
    auto r = producer->Send(Msg("T"));
    CHECK_MESSAGE(r.ok(), r.status().ToString());
  }
}

TEST_CASE("bad options are rejected at Create with the field named") {
  auto rejects = [](ternmq::ProducerOptions o, std::string_view field) {
    auto p = ternmq::Producer::Create(o);
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().code() == StatusCode::kInvalidArgument);
    CHECK_MESSAGE(p.status().message().find(field) != std::string::npos, p.status().message());
  };
  ternmq::ProducerOptions good = Options("127.0.0.1:9876");
  CHECK(ternmq::Producer::Create(good).ok());
  auto o = good;
  o.group = "";
  rejects(o, "ProducerOptions.group");
  o = good;
  o.group = "bad group!";
  rejects(o, "ProducerOptions.group");
  o = good;
  o.name_servers = {};
  rejects(o, "ProducerOptions.name_servers");
  o = good;
  o.name_servers = {"localhost"};
  rejects(o, "ProducerOptions.name_servers");
  o = good;
  o.send_timeout_ms = 0;
  rejects(o, "ProducerOptions.send_timeout_ms");
  o = good;
  o.retry_times_when_send_failed = -1;
  rejects(o, "ProducerOptions.retry_times_when_send_failed");
  o = good;
  o.compress_level = 10;
  rejects(o, "ProducerOptions.compress_level");
  o = good;
  o.create_topic_key = "";
  rejects(o, "ProducerOptions.create_topic_key");
  o = good;
  o.callback_threads = 0;
  rejects(o, "ProducerOptions.callback_threads");
  o = good;
  o.instance_name = "a@b";
  rejects(o, "ProducerOptions.instance_name");
}

TEST_CASE("sends before Start and after Shutdown fail with IllegalState") {
  auto p = ternmq::Producer::Create(Options("127.0.0.1:9876"));
  REQUIRE(p.ok());
  auto& producer = *p;
  CHECK(producer->Send(Msg("T")).status().code() == StatusCode::kIllegalState);
  bool called = false;
  producer->SendAsync(Msg("T"), [&](ternmq::Result<ternmq::SendResult> r) {
    called = r.status().code() == StatusCode::kIllegalState;
  });
  CHECK(called);
  REQUIRE(producer->Start().ok());
  CHECK(producer->Start().code() == StatusCode::kIllegalState);
  producer->Shutdown();
  CHECK(producer->SendOneway(Msg("T")).code() == StatusCode::kIllegalState);
  producer->Shutdown();  // idempotent
}

TEST_CASE("two producers of one group cannot share a client instance") {
  Cluster c;
  auto options = Options(c.ns.addr());
  options.instance_name = "shared";
  auto first = StartProducer(options);
  auto second = ternmq::Producer::Create(options);
  REQUIRE(second.ok());
  CHECK((*second)->Start().code() == StatusCode::kIllegalState);
  options.group = "PG_other";
  auto third = StartProducer(options);
  CHECK(third->client_id() == first->client_id());
}

TEST_CASE("Shutdown waits for in-flight async sends and runs their callbacks") {
  Cluster c;
  StandInBroker& b = c.AddBroker("broker-a", {{"T", 1}});
  b.SetMode(StandInBroker::Mode::kSilent);
  auto producer = StartProducer(Options(c.ns.addr()));
  REQUIRE(producer->FetchPublishQueues("T").ok());
  std::atomic<int> timeouts{0};
  for (int i = 0; i < 5; ++i) {
    producer->SendAsync(
        Msg("T"),
        [&](ternmq::Result<ternmq::SendResult> r) {
          if (r.status().code() == StatusCode::kTimeout) ++timeouts;
        },
        ternmq::SendOptions{.timeout_ms = 200});
  }
  producer->Shutdown();
  CHECK(timeouts == 5);
}

}  // namespace
}  // namespace tern::client
