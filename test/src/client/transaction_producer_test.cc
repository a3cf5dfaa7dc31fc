// TransactionProducer against a real `ternmq dev` started for these tests with
// short transaction timings (transactionTimeOut=1000, transactionCheckInterval=1000),
// so that undecided transactions are checked back within about a second.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "src/client/transaction_producer_impl.h"
#include "src/protocol/codes.h"
#include "test/src/client/consumer_fixture.h"
#include "test/util/remoting_fixtures.h"
#include "test/util/temp_dir.h"
#include "ternmq/pull_consumer.h"
#include "ternmq/transaction_producer.h"

namespace tern::testing {
namespace {

using ternmq::TransactionState;

struct TxDev {
  TempDir dir;
  std::optional<BootedTernmq> booted;
};

// A second dev (the shared one of consumer_fixture runs with default timings).
const std::string& TxNamesrv() {
  static TxDev dev;
  if (!dev.booted) {
    BootedTernmq booted =
        StartDev(dev.dir.path() + "/data", dev.dir.path() + "/dev.log",
                 {"--transactionTimeOut=1000", "--transactionCheckInterval=1000"});
    dev.booted = std::move(booted);
  }
  return dev.booted->addr;
}

// Answers by the message body: ExecuteLocal from `local`, Check from `check`.
class ScriptedListener : public ternmq::TransactionListener {
 public:
  std::map<std::string, TransactionState> local;
  std::map<std::string, TransactionState> check;

  TransactionState ExecuteLocal(const ternmq::Message& msg, void*) override {
    return local.at(msg.body);
  }
  TransactionState Check(const ternmq::MessageView& msg) override {
    std::lock_guard<std::mutex> lock(mu_);
    checked_.push_back(msg);
    auto it = check.find(msg.body);
    return it == check.end() ? TransactionState::kUnknown : it->second;
  }
  std::vector<ternmq::MessageView> Checked() const {
    std::lock_guard<std::mutex> lock(mu_);
    return checked_;
  }
  size_t ChecksOf(const std::string& body) const {
    size_t n = 0;
    for (const auto& m : Checked()) n += m.body == body;
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::vector<ternmq::MessageView> checked_;
};

std::unique_ptr<ternmq::TransactionProducer> StartTx(ternmq::TransactionListener* listener) {
  ternmq::ProducerOptions o;
  o.group = UniqueName("TXPG");
  o.name_servers = {TxNamesrv()};
  auto p = ternmq::TransactionProducer::Create(o, listener);
  REQUIRE(p.ok());
  REQUIRE((*p)->Start().ok());
  return std::move(*p);
}

// Every body stored in `topic` (all queues from offset 0), in no order; an
// unknown topic has none.
std::vector<std::string> BodiesIn(ternmq::PullConsumer& consumer, const std::string& topic) {
  std::vector<std::string> bodies;
  auto queues = consumer.FetchSubscribeQueues(topic);
  if (!queues.ok()) return bodies;
  for (const auto& q : *queues) {
    int64_t offset = 0;
    for (;;) {
      auto r = consumer.Pull(q, "*", offset, 32);
      if (!r.ok() || r->status != ternmq::PullStatus::kFound) break;
      for (const auto& m : r->messages) bodies.push_back(m.body);
      offset = r->next_begin_offset;
    }
  }
  return bodies;
}

std::unique_ptr<ternmq::PullConsumer> StartPuller() {
  ternmq::PullConsumerOptions o;
  o.group = UniqueName("TXCG");
  o.name_servers = {TxNamesrv()};
  auto c = ternmq::PullConsumer::Create(o);
  REQUIRE(c.ok());
  REQUIRE((*c)->Start().ok());
  return std::move(*c);
}

size_t CountOf(const std::vector<std::string>& bodies, const std::string& body) {
  return static_cast<size_t>(std::count(bodies.begin(), bodies.end(), body));
}

// Waits until `body` is in `topic` (pulling every 10 ms), up to `timeout_ms`.
bool WaitVisible(ternmq::PullConsumer& c, const std::string& topic, const std::string& body,
                 int timeout_ms) {
  return WaitUntil([&] { return CountOf(BodiesIn(c, topic), body) > 0; }, timeout_ms);
}

// For `margin_ms`, keeps pulling `topic`; true when `body` never appeared.
bool StaysInvisible(ternmq::PullConsumer& c, const std::string& topic, const std::string& body,
                    int margin_ms) {
  return !WaitUntil([&] { return CountOf(BodiesIn(c, topic), body) > 0; }, margin_ms);
}

ternmq::Message Msg(const std::string& topic, const std::string& body) {
  ternmq::Message m;
  m.topic = topic;
  m.body = body;
  m.keys = {"order-" + body};
  return m;
}

TEST_CASE("committed transaction is delivered to its topic exactly once") {
  ScriptedListener listener;
  listener.local = {{"c1", TransactionState::kCommit}};
  auto producer = StartTx(&listener);
  auto puller = StartPuller();
  const std::string topic = UniqueName("TxCommit");

  int arg = 7;
  auto r = producer->SendInTransaction(Msg(topic, "c1"), &arg);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->state == TransactionState::kCommit);
  CHECK(!r->send.msg_id.empty());
  CHECK(r->send.transaction_id == r->send.msg_id);
  REQUIRE(WaitVisible(*puller, topic, "c1", 10'000));
  // Past a check interval: still exactly once, and never checked.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(CountOf(BodiesIn(*puller, topic), "c1") == 1);
  CHECK(listener.ChecksOf("c1") == 0);
  producer->Shutdown();
}

TEST_CASE("rolled back transaction is never delivered") {
  ScriptedListener listener;
  listener.local = {{"r1", TransactionState::kRollback}, {"twin", TransactionState::kCommit}};
  auto producer = StartTx(&listener);
  auto puller = StartPuller();
  const std::string topic = UniqueName("TxRollback");

  auto r = producer->SendInTransaction(Msg(topic, "r1"), nullptr);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->state == TransactionState::kRollback);
  // The twin, sent after, is the event: once it is visible r1's decision was made.
  REQUIRE(producer->SendInTransaction(Msg(topic, "twin"), nullptr).ok());
  REQUIRE(WaitVisible(*puller, topic, "twin", 10'000));
  // Past the transaction timeout and a check interval.
  CHECK(StaysInvisible(*puller, topic, "r1", 2500));
  CHECK(listener.ChecksOf("r1") == 0);
  producer->Shutdown();
}

TEST_CASE("unknown transaction is checked back and Check's commit delivers it") {
  ScriptedListener listener;
  listener.local = {{"u1", TransactionState::kUnknown}};
  listener.check = {{"u1", TransactionState::kCommit}};
  auto producer = StartTx(&listener);
  auto puller = StartPuller();
  const std::string topic = UniqueName("TxCheckCommit");

  auto r = producer->SendInTransaction(Msg(topic, "u1"), nullptr);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->state == TransactionState::kUnknown);
  REQUIRE(WaitVisible(*puller, topic, "u1", 15'000));
  auto checked = listener.Checked();
  REQUIRE(!checked.empty());
  CHECK(checked[0].topic == topic);
  CHECK(checked[0].msg_id == r->send.msg_id);
  CHECK(checked[0].keys == std::vector<std::string>{"order-u1"});
  // Delivered once; the decision ends the checks.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(CountOf(BodiesIn(*puller, topic), "u1") == 1);
  CHECK(listener.ChecksOf("u1") == 1);
  producer->Shutdown();
}

TEST_CASE("unknown transaction is checked back and Check's rollback drops it") {
  ScriptedListener listener;
  listener.local = {{"u2", TransactionState::kUnknown}, {"twin", TransactionState::kCommit}};
  listener.check = {{"u2", TransactionState::kRollback}};
  auto producer = StartTx(&listener);
  auto puller = StartPuller();
  const std::string topic = UniqueName("TxCheckRollback");

  REQUIRE(producer->SendInTransaction(Msg(topic, "u2"), nullptr).ok());
  REQUIRE(WaitUntil([&] { return listener.ChecksOf("u2") > 0; }, 15'000));
  REQUIRE(producer->SendInTransaction(Msg(topic, "twin"), nullptr).ok());
  REQUIRE(WaitVisible(*puller, topic, "twin", 10'000));
  CHECK(StaysInvisible(*puller, topic, "u2", 2500));
  CHECK(listener.ChecksOf("u2") == 1);  // rolled back: not asked again
  producer->Shutdown();
}

TEST_CASE("TransactionProducer::Create refuses a null listener") {
  ternmq::ProducerOptions o;
  o.group = "g";
  o.name_servers = {"127.0.0.1:1"};
  auto p = ternmq::TransactionProducer::Create(o, nullptr);
  REQUIRE(!p.ok());
  CHECK(p.status().code() == ternmq::StatusCode::kInvalidArgument);
}

TEST_CASE("END_TRANSACTION header carries the decision codes 8, 12 and 0") {
  client::EndTransactionArgs a;
  a.producer_group = "pg";
  a.tran_state_table_offset = 5;
  a.commit_log_offset = 1234;
  a.msg_id = "UNIQ";
  a.transaction_id = "UNIQ";
  a.state = TransactionState::kCommit;
  auto req = client::BuildEndTransactionRequest(a);
  CHECK(req.code == 37);
  CHECK(req.StringOr("commitOrRollback", "") == "8");
  CHECK(req.StringOr("tranStateTableOffset", "") == "5");
  CHECK(req.StringOr("commitLogOffset", "") == "1234");
  CHECK(req.StringOr("fromTransactionCheck", "") == "false");
  CHECK(req.StringOr("producerGroup", "") == "pg");
  a.state = TransactionState::kRollback;
  CHECK(client::BuildEndTransactionRequest(a).StringOr("commitOrRollback", "") == "12");
  a.state = TransactionState::kUnknown;
  a.from_transaction_check = true;
  auto unknown = client::BuildEndTransactionRequest(a);
  CHECK(unknown.StringOr("commitOrRollback", "") == "0");
  CHECK(unknown.StringOr("fromTransactionCheck", "") == "true");
}

}  // namespace
}  // namespace tern::testing
