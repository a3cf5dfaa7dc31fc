#include "broker/transaction/half_message.h"

#include <doctest/doctest.h>

#include "broker/transaction/transaction_table.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_properties.h"

namespace tern::transaction {
namespace {

namespace SF = protocol::MessageSysFlag;

std::string Props(std::initializer_list<std::pair<std::string, std::string>> kv) {
  std::string out;
  for (const auto& [k, v] : kv) protocol::AppendProperty(&out, k, v);
  return out;
}

processor::OutgoingMessage Transactional() {
  processor::OutgoingMessage m;
  m.topic = "Orders";
  m.queue_id = QueueId(5);
  m.flag = 9;
  m.sys_flag = SF::kTransactionPrepared | SF::kMultiTags;
  m.born_timestamp = 123;
  m.born_host = protocol::HostAddress::V4(0x0A000001, 1234);
  m.body = "payload";
  m.properties = Props({{"TRAN_MSG", "true"}, {"PGROUP", "PG"}, {"UNIQ_KEY", "U1"}});
  return m;
}

// The record as it would come back from the log.
protocol::MessageRecord Stored(const processor::OutgoingMessage& m, int64_t queue_offset,
                               int64_t log_offset) {
  protocol::MessageRecord r = m.AsRecord();
  r.queue_offset = QueueOffset(queue_offset);
  r.physical_offset = PhysicalOffset(log_offset);
  r.store_host = protocol::HostAddress::V4(0x7F000001, 10911);
  r.store_timestamp = 456;
  return r;
}

TEST_CASE("a transactional send becomes a NOT_TYPE half message remembering its topic and queue") {
  processor::OutgoingMessage m = Transactional();
  REQUIRE(ToHalfMessage(m).ok());
  CHECK(m.topic == kHalfTopic);
  CHECK(m.queue_id.value() == 0);
  CHECK(m.sys_flag == SF::kMultiTags);
  CHECK(protocol::FindProperty(m.properties, "REAL_TOPIC") == "Orders");
  CHECK(protocol::FindProperty(m.properties, "REAL_QID") == "5");
  CHECK(protocol::FindProperty(m.properties, "PGROUP") == "PG");
  auto info = ParseHalf(m.AsRecord());
  REQUIRE(info.ok());
  CHECK(info->real_topic == "Orders");
  CHECK(info->real_queue_id == 5);
  CHECK(info->producer_group == "PG");
  CHECK(info->uniq_key == "U1");
  CHECK_FALSE(info->immunity_ms.has_value());
}

TEST_CASE("the committed record restores topic and queue, keeps properties and sets COMMIT") {
  processor::OutgoingMessage m = Transactional();
  REQUIRE(ToHalfMessage(m).ok());
  auto commit = BuildCommitRecord(Stored(m, 4, 1000));
  REQUIRE(commit.ok());
  protocol::MessageRecord r = commit->AsRecord();
  CHECK(r.topic == "Orders");
  CHECK(r.queue_id.value() == 5);
  CHECK(r.sys_flag == (SF::kMultiTags | SF::kTransactionCommit));
  CHECK(r.prepared_transaction_offset.value() == 1000);
  CHECK(r.body == "payload");
  CHECK(r.flag == 9);
  CHECK(r.born_timestamp == 123);
  CHECK(protocol::FindProperty(r.properties, "TRAN_MSG") == "true");
  CHECK(protocol::FindProperty(r.properties, "PGROUP") == "PG");
  CHECK_FALSE(BuildCommitRecord(Transactional().AsRecord()).ok());  // no REAL_TOPIC
}

TEST_CASE("op records carry the half offset and the decision; op bodies parse in both forms") {
  OwnedRecord op = BuildOpRecord(QueueOffset(42), Decision::kRollback,
                                 protocol::HostAddress::V4(0x7F000001, 10911), 5);
  protocol::MessageRecord r = op.AsRecord();
  CHECK(r.topic == kOpTopic);
  CHECK(r.body == "42");
  CHECK(protocol::FindProperty(r.properties, "TAGS") == "d");
  CHECK(OpDecision(r) == Decision::kRollback);
  CHECK(ParseOpBody("42") == std::vector<int64_t>{42});
  CHECK(ParseOpBody("1,2,3,") == std::vector<int64_t>{1, 2, 3});
  CHECK(ParseOpBody(",x,7") == std::vector<int64_t>{7});
}

TEST_CASE("a discarded copy names its half offset and resumes as a fresh half message") {
  processor::OutgoingMessage m = Transactional();
  REQUIRE(ToHalfMessage(m).ok());
  OwnedRecord parked = BuildDiscardRecord(Stored(m, 7, 2000), 15);
  CHECK(parked.topic == kCheckMaxTimeTopic);
  CHECK(DiscardedHalfOffset(parked.AsRecord()) == 7);
  auto resumed = BuildResumeRecord(parked.AsRecord());
  REQUIRE(resumed.ok());
  CHECK(resumed->topic == kHalfTopic);
  CHECK_FALSE(protocol::FindProperty(resumed->properties, "TRANSACTION_CHECK_TIMES"));
  CHECK_FALSE(protocol::FindProperty(resumed->properties, "TRAN_PREPARED_QUEUE_OFFSET"));
  CHECK_FALSE(BuildResumeRecord(Stored(m, 7, 2000)).ok());  // not a parked message
}

TEST_CASE("the check request is oneway and carries the half message under its real topic") {
  processor::OutgoingMessage m = Transactional();
  REQUIRE(ToHalfMessage(m).ok());
  auto req = BuildCheckRequest(Stored(m, 3, 4096), 2, "broker-a");
  REQUIRE(req.ok());
  CHECK(req->IsOneway());
  CHECK(req->serialize_type == remoting::SerializeType::kJson);
  CHECK(req->Field("tranStateTableOffset") == "3");
  CHECK(req->Field("commitLogOffset") == "4096");
  CHECK(req->Field("msgId") == "U1");
  CHECK(req->Field("bname") == "broker-a");
  auto body = protocol::DecodeMessageRecord(req->body, true);
  REQUIRE(body.ok());
  CHECK(body->topic == "Orders");
  CHECK(body->queue_id.value() == 5);
  CHECK(body->queue_offset.value() == 3);
  CHECK(protocol::FindProperty(body->properties, "PGROUP") == "PG");
  CHECK(protocol::FindProperty(body->properties, "TRANSACTION_CHECK_TIMES") == "2");
}

TEST_CASE("the pending table hands out due entries in time order and the first decision wins") {
  TransactionTable t;
  auto entry = [](int64_t half, int64_t due) {
    PendingTransaction p;
    p.half_offset = QueueOffset(half);
    p.producer_group = "PG";
    p.next_check_ms = due;
    return p;
  };
  CHECK(t.AddPending(entry(1, 300)));
  CHECK(t.AddPending(entry(2, 100)));
  CHECK(t.AddPending(entry(3, 200)));
  CHECK_FALSE(t.AddPending(entry(3, 200)));
  CHECK(t.Decide(QueueOffset(3), Decision::kCommit).outcome == DecideOutcome::kFirst);
  CHECK(t.Decide(QueueOffset(3), Decision::kCommit).outcome == DecideOutcome::kSame);
  CHECK(t.Decide(QueueOffset(3), Decision::kRollback).outcome == DecideOutcome::kConflict);
  CHECK(t.pending() == 2);
  auto due = t.TakeDue(250, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].half_offset.value() == 2);
  CHECK(t.Decide(QueueOffset(2), Decision::kRollback).outcome == DecideOutcome::kFirst);
  t.Reschedule(due[0]);  // decided while taken: dropped
  CHECK(t.pending() == 1);
  CHECK(t.NextDueMs() == 300);
  auto first = t.Decide(QueueOffset(1), Decision::kCommit);
  REQUIRE(first.removed.has_value());
  t.Undecide(QueueOffset(1), first.removed);  // the append failed
  CHECK(t.pending() == 1);
  CHECK_FALSE(t.DecisionOf(QueueOffset(1)).has_value());
  t.MarkDiscarded(QueueOffset(1));
  CHECK(t.pending() == 0);
  CHECK_FALSE(t.AddPending(entry(1, 300)));
}

}  // namespace
}  // namespace tern::transaction
