#include "broker/processor/offset_processor.h"

#include <doctest/doctest.h>

#include "broker/processor/offset_flush_service.h"
#include "test/broker/processor/message_path_fixture.h"

namespace tern::processor::testing {
namespace {

RemotingCommand OffsetRequest(int32_t code, const std::string& topic, int queue,
                              const std::string& group = {}) {
  RemotingCommand r = RemotingCommand::Request(code);
  r.SetField("topic", topic);
  r.SetField("queueId", int64_t{queue});
  if (!group.empty()) r.SetField("consumerGroup", group);
  return r;
}

void SendN(MessagePath& mp, const std::string& topic, int queue, int n) {
  for (int i = 0; i < n; ++i) {
    REQUIRE(mp.Call(SendRequest(Q::kSendMessageV2, SendHeader(topic, queue), "x")).code ==
            RC::kSuccess);
    mp.clock().AdvanceMs(1000);
  }
  mp.Dispatch();
}

TEST_CASE("QUERY_CONSUMER_OFFSET for a new group is 0 while the first message is hot (Q16)") {
  MessagePath mp;
  // Empty queue: SUCCESS 0.
  RemotingCommand r = mp.Call(OffsetRequest(Q::kQueryConsumerOffset, "T", 0, "CG"));
  CHECK(r.code == RC::kSuccess);
  CHECK(FieldInt(r, "offset") == 0);
  SendN(mp, "T", 0, 2);
  r = mp.Call(OffsetRequest(Q::kQueryConsumerOffset, "T", 0, "CG"));
  CHECK(r.code == RC::kSuccess);
  CHECK(FieldInt(r, "offset") == 0);
  // 5.x setZeroIfNotFound=false: plain "not found".
  RemotingCommand q = OffsetRequest(Q::kQueryConsumerOffset, "T", 0, "CG");
  q.SetField("setZeroIfNotFound", false);
  CHECK(mp.Call(std::move(q)).code == RC::kQueryNotFound);
}

TEST_CASE("QUERY_CONSUMER_OFFSET for a new group is QUERY_NOT_FOUND once the first message is cold") {
  FixtureOptions o;
  o.offsets.in_memory_bytes = 1;  // everything but the newest byte counts as "on disk"
  MessagePath mp(o);
  SendN(mp, "T", 0, 2);
  RemotingCommand r = mp.Call(OffsetRequest(Q::kQueryConsumerOffset, "T", 0, "CG"));
  CHECK(r.code == RC::kQueryNotFound);
  CHECK(r.remark.value_or("").find("maybe this group consumer boot first") != std::string::npos);
}

TEST_CASE("UPDATE_CONSUMER_OFFSET (also oneway) is read back by QUERY_CONSUMER_OFFSET") {
  MessagePath mp;
  RemotingCommand u = OffsetRequest(Q::kUpdateConsumerOffset, "T", 3, "CG");
  u.SetField("commitOffset", int64_t{17});
  RemotingCommand r = mp.Call(std::move(u));
  CHECK(r.code == RC::kSuccess);
  r = mp.Call(OffsetRequest(Q::kQueryConsumerOffset, "T", 3, "CG"));
  CHECK(r.code == RC::kSuccess);
  CHECK(FieldInt(r, "offset") == 17);

  RemotingCommand oneway = OffsetRequest(Q::kUpdateConsumerOffset, "T", 3, "CG");
  oneway.SetField("commitOffset", int64_t{18});
  mp.CallOneway(std::move(oneway));
  // Same connection, handled in order: the query sees the oneway update.
  r = mp.Call(OffsetRequest(Q::kQueryConsumerOffset, "T", 3, "CG"));
  CHECK(FieldInt(r, "offset") == 18);
}

TEST_CASE("GET_MAX/MIN_OFFSET, GET_EARLIEST_MSG_STORETIME and SEARCH_OFFSET_BY_TIMESTAMP") {
  MessagePath mp;
  RemotingCommand r = mp.Call(OffsetRequest(Q::kGetMaxOffset, "T", 0));
  CHECK(r.code == RC::kSuccess);
  CHECK(FieldInt(r, "offset") == 0);
  r = mp.Call(OffsetRequest(Q::kGetEarliestMsgStoretime, "T", 0));
  CHECK(FieldInt(r, "timestamp") == -1);

  const int64_t t0 = mp.clock().NowMs();
  SendN(mp, "T", 0, 3);  // stored at t0, t0+1000, t0+2000
  r = mp.Call(OffsetRequest(Q::kGetMaxOffset, "T", 0));
  CHECK(FieldInt(r, "offset") == 3);
  r = mp.Call(OffsetRequest(Q::kGetMinOffset, "T", 0));
  CHECK(FieldInt(r, "offset") == 0);
  r = mp.Call(OffsetRequest(Q::kGetEarliestMsgStoretime, "T", 0));
  CHECK(FieldInt(r, "timestamp") == t0);
  RemotingCommand s = OffsetRequest(Q::kSearchOffsetByTimestamp, "T", 0);
  s.SetField("timestamp", t0 + 1500);
  r = mp.Call(std::move(s));
  CHECK(r.code == RC::kSuccess);
  CHECK(FieldInt(r, "offset") == 2);  // first message stored at or after the time
}

TEST_CASE("committed offsets survive a reopen after the flush service ran") {
  MessagePath mp;
  RemotingCommand u = OffsetRequest(Q::kUpdateConsumerOffset, "T", 1, "CG");
  u.SetField("commitOffset", int64_t{99});
  REQUIRE(mp.Call(std::move(u)).code == RC::kSuccess);
  {
    OffsetFlushService flusher(mp.offset_table(), 5000);
    flusher.Start();
    REQUIRE(flusher.Stop().ok());  // Stop flushes what is left
  }
  CHECK(mp.offset_table().dirty_count() == 0);
  mp.Reopen();
  RemotingCommand r = mp.Call(OffsetRequest(Q::kQueryConsumerOffset, "T", 1, "CG"));
  CHECK(r.code == RC::kSuccess);
  CHECK(FieldInt(r, "offset") == 99);
}

TEST_CASE("offsets committed but never flushed are lost on reopen (the flush is what persists)") {
  MessagePath mp;
  SendN(mp, "T", 1, 1);
  mp.offset_table().Commit("T", "CG", QueueId(1), QueueOffset(1));
  mp.Reopen();
  CHECK_FALSE(mp.offset_table().Query("T", "CG", QueueId(1)).has_value());
}

}  // namespace
}  // namespace tern::processor::testing
