// Transactions through the real `ternmq dev` and the SDK TransactionProducer:
// brokerStatus shows the transaction counters, queryTransPending lists the
// transactions left Unknown, and resumeCheckHalfMessage brings back one
// parked after transactionCheckMax checks (by its UNIQ_KEY); check counts
// survive a restart of the binary.
#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>

#include "ternmq/transaction_producer.h"
#include "test/tools/admin/admin_test_util.h"

namespace tern::tools::admin {
namespace {

using testing::CommandResult;
using testing::TempDir;

// ExecuteLocal answers what `arg` points to; Check answers `check_answer`.
class ScriptedListener : public ternmq::TransactionListener {
 public:
  std::atomic<ternmq::TransactionState> check_answer{ternmq::TransactionState::kUnknown};
  std::atomic<int> checks{0};
  ternmq::TransactionState ExecuteLocal(const ternmq::Message&, void* arg) override {
    return *static_cast<ternmq::TransactionState*>(arg);
  }
  ternmq::TransactionState Check(const ternmq::MessageView&) override {
    ++checks;
    return check_answer.load();
  }
};


std::unique_ptr<ternmq::TransactionProducer> StartProducer(const std::string& ns,
                                                           const std::string& group,
                                                           ScriptedListener* listener) {
  ternmq::ProducerOptions po;
  po.group = group;
  po.name_servers = {ns};
  auto p = ternmq::TransactionProducer::Create(po, listener);
  REQUIRE(p.ok());
  REQUIRE((*p)->Start().ok());
  return std::move(p).value();
}

// The broker's runtime figures (brokerStatus -c DefaultCluster --json).
nlohmann::json Figures(const std::string& ns) {
  CommandResult r = Admin({"brokerStatus", "-c", "DefaultCluster", "--json", "-n", ns});
  if (r.exit_code != 0) return nlohmann::json::object();
  nlohmann::json all = nlohmann::json::parse(r.out);
  return all.empty() ? nlohmann::json::object() : all.begin().value();
}

std::string Figure(const nlohmann::json& figures, const char* key) {
  return figures.contains(key) ? figures[key].get<std::string>() : "";
}

ternmq::TransactionSendResult Send(ternmq::TransactionProducer& p, const std::string& topic,
                                   ternmq::TransactionState local) {
  ternmq::Message m;
  m.topic = topic;
  m.body = "order";
  ternmq::Result<ternmq::TransactionSendResult> r = ternmq::Status::Ok();
  // The broker registers with the nameserver around its boot line.
  const bool sent = WaitUntil([&] { return (r = p.SendInTransaction(m, &local)).ok(); }, 10'000);
  REQUIRE_MESSAGE(sent, r.status().ToString());
  return *r;
}

TEST_CASE("brokerStatus counts commits and rollbacks; queryTransPending lists the Unknown ones") {
  TempDir dir;
  // A long transaction timeout: nothing is checked during the test.
  testing::BootedTernmq dev = StartDev(dir, {"--transactionTimeOut=600000"});
  ScriptedListener listener, other_listener;
  auto producer = StartProducer(dev.addr, "TxAdminPG", &listener);
  auto other = StartProducer(dev.addr, "TxOtherPG", &other_listener);
  using S = ternmq::TransactionState;
  for (int i = 0; i < 3; ++i) Send(*producer, "TxAdminT", S::kCommit);
  for (int i = 0; i < 2; ++i) Send(*producer, "TxAdminT", S::kRollback);
  std::vector<std::string> unknown;
  unknown.push_back(Send(*producer, "TxAdminT", S::kUnknown).send.msg_id);
  unknown.push_back(Send(*producer, "TxAdminU", S::kUnknown).send.msg_id);
  const std::string elsewhere = Send(*other, "TxAdminT", S::kUnknown).send.msg_id;

  // END_TRANSACTION is oneway: wait for the broker to have taken all of them.
  nlohmann::json figures;
  REQUIRE(WaitUntil(
      [&] {
        figures = Figures(dev.addr);
        return Figure(figures, "transactionCommitted") == "3" &&
               Figure(figures, "transactionRolledBack") == "2" &&
               Figure(figures, "transactionPending") == "3";
      },
      10'000, 200));
  CHECK(Figure(figures, "transactionChecked") == "0");
  CHECK(Figure(figures, "transactionDiscarded") == "0");
  CHECK(Figure(figures, "transactionRefused") == "0");

  CommandResult text = Admin({"queryTransPending", "-g", "TxAdminPG", "-n", dev.addr});
  INFO(text.out, text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.rfind("#Broker", 0) == 0);
  CHECK(text.out.find("#MsgId") != std::string::npos);
  CHECK(text.out.find(unknown[0]) != std::string::npos);
  CHECK(text.out.find(unknown[1]) != std::string::npos);
  CHECK(text.out.find(elsewhere) == std::string::npos);
  CHECK(text.out.find("2 listed; 3 pending on 1 broker(s)") != std::string::npos);

  CommandResult json = Admin({"queryTransPending", "-g", "TxAdminPG", "--json", "-n", dev.addr});
  REQUIRE(json.exit_code == 0);
  nlohmann::json rows = nlohmann::json::parse(json.out);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["msgId"] == unknown[0]);  // oldest first
  CHECK(rows[0]["topic"] == "TxAdminT");
  CHECK(rows[0]["producerGroup"] == "TxAdminPG");
  CHECK(rows[0]["checkTimes"] == 0);
  CHECK(rows[0]["nextCheckTimestamp"].get<int64_t>() >
        rows[0]["bornTimestamp"].get<int64_t>() + 500'000);
  CHECK(rows[1]["msgId"] == unknown[1]);

  // -t narrows to a topic (and its route's brokers); -m caps the rows; no -g: every group.
  nlohmann::json by_topic = nlohmann::json::parse(
      Admin({"queryTransPending", "-t", "TxAdminU", "--json", "-n", dev.addr}).out);
  REQUIRE(by_topic.size() == 1);
  CHECK(by_topic[0]["msgId"] == unknown[1]);
  CHECK(nlohmann::json::parse(Admin({"queryTransPending", "--json", "-n", dev.addr}).out).size() ==
        3);
  CHECK(nlohmann::json::parse(Admin({"queryTransPending", "-m", "1", "--json", "-n", dev.addr}).out)
            .size() == 1);
  CommandResult bad = Admin({"queryTransPending", "-m", "0", "-n", dev.addr});
  CHECK(bad.exit_code != 0);
  CHECK(OneLine(bad.err));
  other->Shutdown();
  producer->Shutdown();
}

TEST_CASE("a transaction parked after transactionCheckMax checks is resumed by its UNIQ_KEY") {
  TempDir dir;
  testing::BootedTernmq dev = StartDev(
      dir,
      {"--transactionTimeOut=1000", "--transactionCheckInterval=1000", "--transactionCheckMax=1"});
  ScriptedListener listener;
  auto producer = StartProducer(dev.addr, "TxResumePG", &listener);
  const std::string id =
      Send(*producer, "TxResumeT", ternmq::TransactionState::kUnknown).send.msg_id;
  // One check (answered Unknown), then parked.
  REQUIRE(WaitUntil(
      [&] {
        nlohmann::json f = Figures(dev.addr);
        return Figure(f, "transactionDiscarded") == "1" && Figure(f, "transactionPending") == "0";
      },
      20'000, 200));
  CHECK(listener.checks.load() == 1);
  CommandResult none = Admin({"queryTransPending", "-g", "TxResumePG", "--json", "-n", dev.addr});
  CHECK(nlohmann::json::parse(none.out).empty());

  CommandResult unknown = Admin({"resumeCheckHalfMessage", "-t", "TxResumeT", "-i",
                                 "0123456789ABCDEF0123456789ABCDEF", "-n", dev.addr});
  CHECK(unknown.exit_code != 0);
  CHECK(OneLine(unknown.err));

  listener.check_answer = ternmq::TransactionState::kCommit;
  CommandResult r = Admin({"resumeCheckHalfMessage", "-t", "TxResumeT", "-i", id, "-n", dev.addr});
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("resume check half message success", 0) == 0);
  // Checked again from 0 and committed by the producer's answer.
  CHECK(WaitUntil([&] { return Figure(Figures(dev.addr), "transactionCommitted") == "1"; }, 20'000,
                  200));
  CHECK(listener.checks.load() == 2);
  producer->Shutdown();
}

// Records the TRANSACTION_CHECK_TIMES of every check (always Unknown).
class CountingListener : public ScriptedListener {
 public:
  std::mutex mu;
  std::vector<std::string> check_times;  // GUARDED_BY(mu)
  ternmq::TransactionState Check(const ternmq::MessageView& m) override {
    std::lock_guard lock(mu);
    auto it = m.properties.find("TRANSACTION_CHECK_TIMES");
    check_times.push_back(it == m.properties.end() ? "" : it->second);
    return ScriptedListener::Check(m);
  }
  std::vector<std::string> Times() {
    std::lock_guard lock(mu);
    return check_times;
  }
};

TEST_CASE("check counts survive a broker restart: transactionCheckMax counts every run") {
  TempDir dir;
  const std::vector<std::string> tx_args = {
      "--transactionTimeOut=1000", "--transactionCheckInterval=1000", "--transactionCheckMax=3"};
  std::string id;
  {
    testing::BootedTernmq dev = StartDev(dir, tx_args);
    CountingListener listener;
    auto producer = StartProducer(dev.addr, "TxRestartPG", &listener);
    id = Send(*producer, "TxRestartT", ternmq::TransactionState::kUnknown).send.msg_id;
    REQUIRE(WaitUntil([&] { return listener.checks.load() >= 2; }, 20'000, 50));
    producer->Shutdown();  // no more checks can reach a producer from here on
    CHECK(listener.Times() == std::vector<std::string>{"1", "2"});
    REQUIRE(dev.child->Signal(SIGTERM).ok());  // a clean stop
    REQUIRE(dev.child->Wait(10'000).ok());
  }
  testing::BootedTernmq dev = StartDev(dir, tx_args);  // same data directory
  CountingListener listener;
  auto producer = StartProducer(dev.addr, "TxRestartPG", &listener);
  // A producer heartbeats only to the brokers of topics it sent to; the topic's
  // route comes back once the restarted broker has registered.
  REQUIRE(WaitUntil(
      [&] {
        return Admin({"topicRoute", "-t", "TxRestartT", "-n", dev.addr}).exit_code == 0;
      },
      10'000, 100));
  Send(*producer, "TxRestartT", ternmq::TransactionState::kCommit);
  // One more check (the third), then parked: not three more.
  REQUIRE(WaitUntil([&] { return Figure(Figures(dev.addr), "transactionDiscarded") == "1"; },
                    20'000, 200));
  CHECK(listener.Times() == std::vector<std::string>{"3"});
  nlohmann::json figures = Figures(dev.addr);
  CHECK(Figure(figures, "transactionChecked") == "1");
  CHECK(Figure(figures, "transactionPending") == "0");
  producer->Shutdown();
}

}  // namespace
}  // namespace tern::tools::admin
