// END_TRANSACTION, the pending table and the checker over a real store, a
// real RpcServer and real producer connections; time is a ManualClock and
// the checker runs by RunOnce.
#include <doctest/doctest.h>

#include <thread>

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

TEST_CASE("a half message sits in the half queue and is invisible in its real topic") {
  TxFixture f;
  Half h = f.SendHalf("Orders", 2, "PG", "order-1");
  CHECK(f.Read("Orders", 2).empty());
  auto half = f.Read(kHalfTopic, 0);
  REQUIRE(half.size() == 1);
  CHECK(half[0].Prop("REAL_TOPIC") == "Orders");
  CHECK(half[0].Prop("REAL_QID") == "2");
  CHECK(half[0].Prop("PGROUP") == "PG");
  CHECK((half[0].sys_flag & protocol::MessageSysFlag::kTransactionMask) == 0);
  CHECK(h.put.queue_offset.value() == 0);
  f.Run();
  CHECK(f.service->table().pending() == 1);
}

TEST_CASE("commit delivers the real message once with TRAN_MSG and PGROUP kept") {
  TxFixture f;
  Half h = f.SendHalf("Orders", 1, "PG", "order-1");
  f.Run();
  auto r = f.End("PG", h, kCommit);
  REQUIRE(r.ok());
  CHECK(r->code == RC::kSuccess);
  auto real = f.Read("Orders", 1);
  REQUIRE(real.size() == 1);
  CHECK(real[0].body == "order-1");
  CHECK(real[0].Prop("TRAN_MSG") == "true");
  CHECK(real[0].Prop("PGROUP") == "PG");
  CHECK(real[0].Prop("UNIQ_KEY") == h.uniq);
  CHECK((real[0].sys_flag & protocol::MessageSysFlag::kTransactionMask) ==
        protocol::MessageSysFlag::kTransactionCommit);
  CHECK(real[0].prepared_offset == h.put.offset.value());
  auto ops = f.Read(kOpTopic, 0);
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].body == std::to_string(h.put.queue_offset.value()));
  CHECK(ops[0].Prop("TAGS") == "d");
  CHECK(f.service->table().pending() == 0);
  CHECK(f.service->counters().committed.load() == 1);

  // Long after the timeout: a decided transaction is never checked.
  Producer p(f.addr());
  p.Join("PG");
  f.clock.AdvanceMs(10 * 60'000);
  CHECK(f.Run().checked == 0);
}

TEST_CASE("rollback delivers nothing and is recorded as an op record") {
  TxFixture f;
  Half h = f.SendHalf("Orders", 0, "PG", "order-1");
  auto r = f.End("PG", h, kRollback);
  REQUIRE(r.ok());
  CHECK(r->code == RC::kSuccess);
  CHECK(f.Read("Orders", 0).empty());
  REQUIRE(f.Read(kOpTopic, 0).size() == 1);
  f.clock.AdvanceMs(10 * 60'000);
  CheckStats s = f.Run();
  CHECK(s.checked == 0);
  CHECK(s.no_producer == 0);
  CHECK(f.service->table().pending() == 0);
}

TEST_CASE("a duplicate commit is acknowledged and the message is delivered once") {
  TxFixture f;
  Half h = f.SendHalf("Orders", 0, "PG", "order-1");
  REQUIRE(f.End("PG", h, kCommit)->code == RC::kSuccess);
  auto again = f.End("PG", h, kCommit);
  REQUIRE(again.ok());
  CHECK(again->code == RC::kSuccess);
  CHECK(f.Read("Orders", 0).size() == 1);
  CHECK(f.Read(kOpTopic, 0).size() == 1);
}

TEST_CASE("a commit after a rollback is refused with a remark naming the rollback") {
  TxFixture f;
  Half h = f.SendHalf("Orders", 0, "PG", "order-1");
  REQUIRE(f.End("PG", h, kRollback)->code == RC::kSuccess);
  auto commit = f.End("PG", h, kCommit);
  REQUIRE(commit.ok());
  CHECK(commit->code == RC::kSystemError);
  REQUIRE(commit->remark.has_value());
  CHECK(commit->remark->find("already rolled back") != std::string::npos);
  CHECK(f.Read("Orders", 0).empty());
  CHECK(f.service->counters().refused.load() == 1);
  // And the other way round.
  Half h2 = f.SendHalf("Orders", 0, "PG", "order-2");
  REQUIRE(f.End("PG", h2, kCommit)->code == RC::kSuccess);
  auto rollback = f.End("PG", h2, kRollback);
  CHECK(rollback->code == RC::kSystemError);
  CHECK(rollback->remark->find("already committed") != std::string::npos);
  CHECK(f.Read("Orders", 0).size() == 1);
}

TEST_CASE("END_TRANSACTION checks group and offsets, and UNKNOWN gets no response") {
  TxFixture f;
  Half h = f.SendHalf("Orders", 0, "PG", "order-1");
  CHECK(f.End("OTHER", h, kCommit)->remark == "The producer group wrong");
  Half wrong = h;
  wrong.put.queue_offset = QueueOffset(7);
  CHECK(f.End("PG", wrong, kCommit)->remark == "The transaction state table offset wrong");
  Half missing = h;
  missing.put.offset = PhysicalOffset(h.put.offset.value() + (1 << 20));
  CHECK(f.End("PG", missing, kCommit)->remark == "Find prepared transaction message failed");
  auto unknown = f.End("PG", h, 0, /*timeout_ms=*/300);
  CHECK_FALSE(unknown.ok());  // timed out: no response at all (Q6)
  CHECK(f.Read("Orders", 0).empty());
  // A oneway commit works and is not answered.
  auto oneway = f.EndRequest("PG", h, kCommit);
  f.caller->client->InvokeOneway(f.addr(), oneway);
  for (int i = 0; i < 500 && f.Read("Orders", 0).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // bounded wait for the append
  }
  CHECK(f.Read("Orders", 0).size() == 1);
}

TEST_CASE("an undecided half message is checked after the timeout on a live producer, rotating") {
  TxFixture f;
  Producer a(f.addr()), b(f.addr());
  a.Join("PG");
  b.Join("PG");
  Half h = f.SendHalf("Orders", 3, "PG", "order-1");
  f.clock.AdvanceMs(5999);
  CHECK(f.Run().checked == 0);
  f.clock.AdvanceMs(1);
  CHECK(f.Run().checked == 1);
  f.clock.AdvanceMs(59'999);
  CHECK(f.Run().checked == 0);
  f.clock.AdvanceMs(1);
  CHECK(f.Run().checked == 1);
  REQUIRE(a.WaitChecks(1) == 1);
  REQUIRE(b.WaitChecks(1) == 1);  // the second check went to the other connection

  remoting::RemotingCommand c = a.Check(0);
  CHECK(c.code == protocol::RequestCode::kCheckTransactionState);
  CHECK(c.IsOneway());
  CHECK(c.Field("tranStateTableOffset") == std::to_string(h.put.queue_offset.value()));
  CHECK(c.Field("commitLogOffset") == std::to_string(h.put.offset.value()));
  CHECK(c.Field("msgId") == h.uniq);
  CHECK(c.Field("transactionId") == h.uniq);
  CHECK(c.Field("offsetMsgId") == h.put.MsgId());
  CHECK(c.Field("bname") == "broker-t");
  auto body = protocol::DecodeMessageRecord(c.body, true);
  REQUIRE(body.ok());
  CHECK(body->topic == "Orders");
  CHECK(body->queue_id.value() == 3);
  CHECK(body->body == "order-1");
  CHECK(protocol::FindProperty(body->properties, "PGROUP") == "PG");
  CHECK(protocol::FindProperty(body->properties, "UNIQ_KEY") == h.uniq);
  CHECK(protocol::FindProperty(body->properties, "TRANSACTION_CHECK_TIMES") == "1");

  // The producer answers: no more checks.
  auto end = f.caller->client->InvokeSync(f.addr(), f.EndRequest("PG", h, 8, true), 5000);
  REQUIRE(end.ok());
  CHECK(end->code == RC::kSuccess);
  f.clock.AdvanceMs(60'000);
  CHECK(f.Run().checked == 0);
  CHECK(f.Read("Orders", 3).size() == 1);
}

TEST_CASE("checks that find no producer online do not burn the check count") {
  TransactionOptions o = TxFixture::Defaults();
  o.check_max = 2;
  o.check_interval_ms = 1000;
  TxFixture f(o);
  f.SendHalf("Orders", 0, "PG", "order-1");
  f.clock.AdvanceMs(6000);
  for (int i = 0; i < 5; ++i) {
    CheckStats s = f.Run();
    CHECK(s.no_producer == 1);
    CHECK(s.discarded == 0);
    f.clock.AdvanceMs(1000);
  }
  Producer p(f.addr());
  p.Join("PG");
  CHECK(f.Run().checked == 1);
  f.clock.AdvanceMs(1000);
  CHECK(f.Run().checked == 1);
  f.clock.AdvanceMs(1000);
  CHECK(f.Run().discarded == 1);
  CHECK(p.WaitChecks(2) == 2);
}

TEST_CASE(
    "after transactionCheckMax checks it is parked, and RESUME_CHECK_HALF_MESSAGE resumes it") {
  TransactionOptions o = TxFixture::Defaults();
  o.check_max = 3;
  TxFixture f(o);
  Producer p(f.addr());
  p.Join("PG");
  Half h = f.SendHalf("Orders", 1, "PG", "order-1");
  f.clock.AdvanceMs(6000);
  for (int i = 0; i < 3; ++i) {
    CHECK(f.Run().checked == 1);
    f.clock.AdvanceMs(60'000);
  }
  CheckStats s = f.Run();
  CHECK(s.discarded == 1);
  CHECK(s.checked == 0);
  CHECK(f.service->table().pending() == 0);
  auto parked = f.Read(kCheckMaxTimeTopic, 0);
  REQUIRE(parked.size() == 1);
  CHECK(parked[0].Prop("TRANSACTION_CHECK_TIMES") == "3");
  CHECK(parked[0].Prop("REAL_TOPIC") == "Orders");
  f.clock.AdvanceMs(10 * 60'000);
  CHECK(f.Run().checked == 0);

  auto resume = remoting::RemotingCommand::Request(protocol::RequestCode::kResumeCheckHalfMessage);
  resume.SetField("msgId",
                  protocol::EncodeOffsetMessageId(protocol::HostAddress::V4(0x7F000001, 10911),
                                                  PhysicalOffset(parked[0].log_offset)));
  auto r = f.caller->client->InvokeSync(f.addr(), resume, 5000);
  REQUIRE(r.ok());
  CHECK(r->code == RC::kSuccess);
  auto half = f.Read(kHalfTopic, 0);
  REQUIRE(half.size() == 2);
  CHECK_FALSE(half[1].Prop("TRANSACTION_CHECK_TIMES").has_value());
  f.Run();
  CHECK(f.service->table().pending() == 1);
  f.clock.AdvanceMs(6000);
  CHECK(f.Run().checked == 1);
  REQUIRE(p.WaitChecks(4) == 4);
  remoting::RemotingCommand c = p.Check(3);
  CHECK(c.Field("tranStateTableOffset") == std::to_string(half[1].queue_offset));
  // The producer commits the resumed copy: delivered once.
  Half resumed{h.put, h.uniq};
  resumed.put.offset = PhysicalOffset(half[1].log_offset);
  resumed.put.queue_offset = QueueOffset(half[1].queue_offset);
  CHECK(f.End("PG", resumed, kCommit)->code == RC::kSuccess);
  CHECK(f.Read("Orders", 1).size() == 1);
  // The original half message decided after being parked: resume refuses.
  Half late = f.SendHalf("Orders", 1, "PG", "order-late");
  f.clock.AdvanceMs(6000);
  for (int i = 0; i < 3; ++i) {
    CHECK(f.Run().checked == 1);
    f.clock.AdvanceMs(60'000);
  }
  CHECK(f.Run().discarded == 1);
  auto parked2 = f.Read(kCheckMaxTimeTopic, 0);
  REQUIRE(parked2.size() == 2);
  REQUIRE(f.End("PG", late, kRollback)->code == RC::kSuccess);
  resume.SetField("msgId",
                  protocol::EncodeOffsetMessageId(protocol::HostAddress::V4(0x7F000001, 10911),
                                                  PhysicalOffset(parked2[1].log_offset)));
  auto refused = f.caller->client->InvokeSync(f.addr(), resume, 5000);
  REQUIRE(refused.ok());
  CHECK(refused->code == RC::kSystemError);
  CHECK(refused->remark->find("already rolled back") != std::string::npos);
  CHECK(f.Read(kHalfTopic, 0).size() == 3);
}

TEST_CASE("CHECK_IMMUNITY_TIME_IN_SECONDS postpones the first check") {
  TxFixture f;
  Producer p(f.addr());
  p.Join("PG");
  f.SendHalf("Orders", 0, "PG", "order-1",
             testing::Props({{"CHECK_IMMUNITY_TIME_IN_SECONDS", "20"}}));
  f.SendHalf("Orders", 0, "PG", "order-2",
             testing::Props({{"CHECK_IMMUNITY_TIME_IN_SECONDS", "1"}}));
  f.clock.AdvanceMs(6000);
  CHECK(f.Run().checked == 1);  // the 1 s immunity is below transactionTimeOut
  f.clock.AdvanceMs(13'999);
  CHECK(f.Run().checked == 0);
  f.clock.AdvanceMs(1);
  CHECK(f.Run().checked == 1);
  CHECK(p.WaitChecks(2) == 2);
}

TEST_CASE("a restart rebuilds the pending transactions from the log and skips decided ones") {
  TxFixture f;
  Half committed = f.SendHalf("Orders", 0, "PG", "c");
  Half rolled = f.SendHalf("Orders", 0, "PG", "r");
  Half pending = f.SendHalf("Orders", 0, "PG", "p");
  REQUIRE(f.End("PG", committed, kCommit)->code == RC::kSuccess);
  REQUIRE(f.End("PG", rolled, kRollback)->code == RC::kSuccess);
  f.Dispatch();
  f.Restart();
  CHECK(f.service->table().pending() == 1);
  CHECK(f.service->table().DecisionOf(rolled.put.queue_offset) == Decision::kRollback);
  Producer p(f.addr());
  p.Join("PG");
  f.clock.AdvanceMs(6000);
  CHECK(f.Run().checked == 1);
  REQUIRE(p.WaitChecks(1) == 1);
  CHECK(p.Check(0).Field("tranStateTableOffset") ==
        std::to_string(pending.put.queue_offset.value()));
  // Decisions survive too: still first-wins after the restart.
  CHECK(f.End("PG", rolled, kCommit)->code == RC::kSystemError);
  CHECK(f.End("PG", committed, kCommit)->code == RC::kSuccess);
  CHECK(f.Read("Orders", 0).size() == 1);
}

TEST_CASE("a producer that disconnects is skipped; the check reaches another of its group") {
  TxFixture f;
  auto gone = std::make_unique<Producer>(f.addr());
  gone->Join("PG");
  Producer stays(f.addr());
  stays.Join("PG");
  gone.reset();
  for (int i = 0; i < 500; ++i) {
    auto channels = f.producers.GroupChannels("PG");
    if (channels && channels->size() == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // bounded wait for the close
  }
  f.SendHalf("Orders", 0, "PG", "order-1");
  f.clock.AdvanceMs(6000);
  CHECK(f.Run().checked == 1);
  CHECK(stays.WaitChecks(1) == 1);
}

}  // namespace
}  // namespace tern::transaction

namespace tern::transaction {
namespace {

TEST_CASE("a commit whose op record was lost in a crash is recognised on restart, not redone") {
  testing::TxFixture f;
  testing::Half h = f.SendHalf("Orders", 0, "PG", "order-1");
  // The crash window: the committed message is in the log, its op record not.
  auto view = f.store->commit_log().ReadRecord(h.put.offset);
  REQUIRE(view.ok());
  auto half = protocol::DecodeMessageRecord(view->data());
  REQUIRE(half.ok());
  auto commit = BuildCommitRecord(*half);
  REQUIRE(commit.ok());
  REQUIRE(f.store->PutMessage(commit->AsRecord()).stored());
  f.Dispatch();
  f.Restart();
  CHECK(f.service->table().pending() == 0);
  CHECK(f.service->table().DecisionOf(h.put.queue_offset) == Decision::kCommit);
  CHECK(f.Read(kOpTopic, 0).size() == 1);
  // The producer, asked by nobody, repeats its commit: acknowledged, not redelivered.
  CHECK(f.End("PG", h, 8)->code == protocol::ResponseCode::kSuccess);
  CHECK(f.Read("Orders", 0).size() == 1);
}

}  // namespace
}  // namespace tern::transaction
