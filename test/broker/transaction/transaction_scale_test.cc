// Issue 6 leftovers over the real store: check counts that survive a
// restart (check-times records), a check round whose cost follows the due
// transactions and not the pending ones (100,000 pending), the runtime
// figures and QUERY_TRANSACTION_PENDING. Time is a ManualClock.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "broker/transaction/pending_list_processor.h"
#include "test/broker/transaction/transaction_fixture.h"

namespace tern::transaction {
namespace {

using testing::Half;
using testing::kT0;
using testing::Producer;
using testing::TxFixture;
using testing::kCommit;
using testing::kRollback;
namespace RC = protocol::ResponseCode;

std::string CheckTimesOf(const remoting::RemotingCommand& check) {
  auto body = protocol::DecodeMessageRecord(check.body, true);
  REQUIRE(body.ok());
  return std::string(
      protocol::FindProperty(body->properties, "TRANSACTION_CHECK_TIMES").value_or(""));
}

TEST_CASE("check-times bodies round-trip and junk entries are skipped") {
  std::vector<CheckTimes> in = {{0, 1, kT0}, {17, 15, kT0 + 60'000}};
  OwnedRecord rec = BuildCheckTimesRecord(in, protocol::HostAddress::V4(0x7F000001, 1), kT0);
  CHECK(rec.topic == kCheckTimesTopic);
  CHECK(ParseCheckTimesBody(rec.body) == in);
  CHECK(ParseCheckTimesBody("3:2:100,x:1:2,4:5,-1:1:1,,5:1:7") ==
        std::vector<CheckTimes>{{3, 2, 100}, {5, 1, 7}});
}

TEST_CASE("check counts and the next check time survive a restart") {
  TransactionOptions o = TxFixture::Defaults();
  o.check_max = 3;
  TxFixture f(o);
  Producer p(f.addr());
  p.Join("PG");
  Half h = f.SendHalf("Orders", 0, "PG", "order-1");
  f.clock.AdvanceMs(6000);
  CHECK(f.Run().checked == 1);
  f.clock.AdvanceMs(60'000);
  CHECK(f.Run().checked == 1);
  REQUIRE(p.WaitChecks(2) == 2);
  CHECK(CheckTimesOf(p.Check(1)) == "2");

  f.Restart();
  REQUIRE(f.service->table().pending() == 1);
  CHECK(f.service->table().AllPending()[0].checks == 2);
  // Not due again at once: the last check was just now.
  f.clock.AdvanceMs(59'999);
  CheckStats early = f.Run();
  CHECK(early.due == 0);
  CHECK(early.checked == 0);
  f.clock.AdvanceMs(1);
  CHECK(f.Run().checked == 1);
  REQUIRE(p.WaitChecks(3) == 3);
  CHECK(CheckTimesOf(p.Check(2)) == "3");  // counted on from before the restart

  // A second restart, then the fourth due round parks it (check_max = 3).
  f.Restart();
  CHECK(f.service->table().AllPending()[0].checks == 3);
  f.clock.AdvanceMs(60'000);
  CheckStats last = f.Run();
  CHECK(last.discarded == 1);
  CHECK(last.checked == 0);
  auto parked = f.Read(kCheckMaxTimeTopic, 0);
  REQUIRE(parked.size() == 1);
  CHECK(parked[0].Prop("TRANSACTION_CHECK_TIMES") == "3");
  CHECK(parked[0].Prop("TRAN_PREPARED_QUEUE_OFFSET") == std::to_string(h.put.queue_offset.value()));
  CHECK(f.service->table().pending() == 0);
}

TEST_CASE("a check that found no producer is not recorded and costs nothing after a restart") {
  TransactionOptions o = TxFixture::Defaults();
  o.check_max = 1;
  TxFixture f(o);
  f.SendHalf("Orders", 0, "PG", "order-1");
  f.clock.AdvanceMs(6000);
  CHECK(f.Run().no_producer == 1);
  CHECK(f.Read(kCheckTimesTopic, 0).empty());
  f.Restart();
  CHECK(f.service->table().AllPending()[0].checks == 0);
  Producer p(f.addr());
  p.Join("PG");
  CHECK(f.Run().checked == 1);  // still has its one check
  CHECK(f.Read(kCheckTimesTopic, 0).size() == 1);
}

TEST_CASE("with 100,000 pending transactions a check round visits only the due ones") {
  constexpr int kOld = 100;
  constexpr int kPending = 100'000;
  TxFixture f;
  Producer p(f.addr());
  p.Join("PG");
  for (int i = 0; i < kOld; ++i) f.SendHalf("Orders", i % 4, "PG", "old");
  f.clock.AdvanceMs(60'000);  // the rest are younger than their transaction timeout
  for (int i = kOld; i < kPending; ++i) f.SendHalf("Orders", i % 4, "PG", "new");

  const int64_t visited_before = f.service->table().visited();
  CheckStats first = f.Run();  // reads the 100,000 half records once
  CHECK(first.loaded == kPending);
  CHECK(f.service->table().pending() == static_cast<size_t>(kPending));
  CHECK(first.due == kOld);
  // The table looked at the 100 due entries and the first one not due: no scan.
  CHECK(f.service->table().visited() - visited_before == kOld + 1);
  CHECK(first.checked == kOld);
  CHECK(f.Read(kCheckTimesTopic, 0).size() == 1);  // one record for the round's 100 checks

  f.clock.AdvanceMs(1000);
  const int64_t visited_idle = f.service->table().visited();
  CheckStats idle = f.Run();
  CHECK(idle.due == 0);
  CHECK(f.service->table().visited() - visited_idle == 1);
  CHECK(idle.loaded == 0);

  // A decision removes its entry without a scan, and is never visited.
  Half h = f.SendHalf("Orders", 0, "PG", "decided");
  f.Run();
  REQUIRE(f.End("PG", h, kRollback)->code == RC::kSuccess);
  CHECK(f.service->table().pending() == static_cast<size_t>(kPending));
  f.clock.AdvanceMs(5000);  // the newer ones are due now, the old ones not yet
  CheckStats second = f.Run();
  CHECK(second.due == kPending - kOld);
  CHECK(p.WaitChecks(kPending, 30'000) == static_cast<size_t>(kPending));
}

TEST_CASE("runtime figures count commits, rollbacks, checks, discards and the pending") {
  TransactionOptions o = TxFixture::Defaults();
  o.check_max = 1;
  TxFixture f(o);
  Producer p(f.addr());
  p.Join("PG");
  std::vector<Half> halves;
  for (int i = 0; i < 6; ++i) halves.push_back(f.SendHalf("Orders", 0, "PG", "m"));
  REQUIRE(f.End("PG", halves[0], kCommit)->code == RC::kSuccess);
  REQUIRE(f.End("PG", halves[1], kCommit)->code == RC::kSuccess);
  REQUIRE(f.End("PG", halves[2], kRollback)->code == RC::kSuccess);
  REQUIRE(f.End("PG", halves[2], kCommit)->code == RC::kSystemError);
  f.clock.AdvanceMs(6000);
  CHECK(f.Run().checked == 3);
  f.clock.AdvanceMs(60'000);
  REQUIRE(f.End("PG", halves[3], kCommit)->code == RC::kSuccess);
  CHECK(f.Run().discarded == 2);
  auto figures = f.service->RuntimeFigures();
  CHECK(figures["transactionPending"] == "0");
  CHECK(figures["transactionCommitted"] == "3");
  CHECK(figures["transactionRolledBack"] == "1");
  CHECK(figures["transactionChecked"] == "3");
  CHECK(figures["transactionDiscarded"] == "2");
  CHECK(figures["transactionRefused"] == "1");
}

TEST_CASE("QUERY_TRANSACTION_PENDING lists the pending transactions of a group, oldest first") {
  TxFixture f;
  PendingListProcessor lister(*f.service);
  Half a = f.SendHalf("Orders", 1, "PG", "a");
  f.clock.AdvanceMs(10);
  Half b = f.SendHalf("Payments", 2, "PG", "b");
  f.SendHalf("Orders", 0, "OTHER", "c");
  Half d = f.SendHalf("Orders", 3, "PG", "d");
  f.Run();
  REQUIRE(f.End("PG", d, kCommit)->code == RC::kSuccess);

  auto ask = [&](std::vector<std::pair<std::string, std::string>> fields) {
    auto req = remoting::RemotingCommand::Request(protocol::RequestCode::kQueryTransactionPending);
    for (auto& [k, v] : fields) req.SetField(k, v);
    auto r = lister.Handle(req);
    REQUIRE(r.ok());
    return *r;
  };
  remoting::RemotingCommand r = ask({{"producerGroup", "PG"}});
  CHECK(r.code == RC::kSuccess);
  CHECK(r.Field("pendingTotal") == "3");
  nlohmann::json list = nlohmann::json::parse(r.body);
  REQUIRE(list.size() == 2);
  CHECK(list[0]["msgId"] == a.uniq);
  CHECK(list[0]["topic"] == "Orders");
  CHECK(list[0]["queueId"] == 1);
  CHECK(list[0]["commitLogOffset"] == a.put.offset.value());
  CHECK(list[0]["producerGroup"] == "PG");
  CHECK(list[0]["bornTimestamp"] == kT0);
  CHECK(list[0]["checkTimes"] == 0);
  CHECK(list[0]["nextCheckTimestamp"] == kT0 + 6000);
  CHECK(list[1]["msgId"] == b.uniq);
  CHECK(list[1]["nextCheckTimestamp"] == kT0 + 10 + 6000);

  CHECK(nlohmann::json::parse(ask({}).body).size() == 3);
  CHECK(nlohmann::json::parse(ask({{"maxCount", "1"}}).body).size() == 1);
  auto payments = nlohmann::json::parse(ask({{"topic", "Payments"}}).body);
  REQUIRE(payments.size() == 1);
  CHECK(payments[0]["msgId"] == b.uniq);
  CHECK(ask({{"maxCount", "0"}}).code == RC::kInvalidParameter);
  CHECK(ask({{"maxCount", "x"}}).code == RC::kInvalidParameter);
}

TEST_CASE("RESUME_CHECK_HALF_MESSAGE also finds the parked copy by its UNIQ_KEY") {
  TransactionOptions o = TxFixture::Defaults();
  o.check_max = 1;
  TxFixture f(o);
  Producer p(f.addr());
  p.Join("PG");
  Half h = f.SendHalf("Orders", 1, "PG", "order-1");
  f.clock.AdvanceMs(6000);
  CHECK(f.Run().checked == 1);
  f.clock.AdvanceMs(60'000);
  CHECK(f.Run().discarded == 1);
  auto resume = [&](const std::string& id) {
    auto req = remoting::RemotingCommand::Request(protocol::RequestCode::kResumeCheckHalfMessage);
    req.SetField("topic", "Orders");
    req.SetField("msgId", id);
    auto r = f.caller->client->InvokeSync(f.addr(), req, 5000);
    REQUIRE(r.ok());
    return *r;
  };
  CHECK(resume("0123456789ABCDEF0123456789ABCDEF").code == RC::kSystemError);
  CHECK(resume(h.uniq).code == RC::kSuccess);
  f.Run();
  auto pending = f.service->table().AllPending();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].half_offset.value() == h.put.queue_offset.value() + 1);
  CHECK(pending[0].checks == 0);
}

}  // namespace
}  // namespace tern::transaction
