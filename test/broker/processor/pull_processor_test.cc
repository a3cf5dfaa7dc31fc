#include "broker/processor/pull_processor.h"

#include <doctest/doctest.h>

#include "broker/processor/response_util.h"
#include "test/broker/processor/message_path_fixture.h"

namespace tern::processor::testing {
namespace {

void MakeTopic(MessagePath& mp, const std::string& name, int queues) {
  protocol::TopicConfig c;
  c.topic_name = name;
  c.read_queue_nums = c.write_queue_nums = queues;
  REQUIRE(mp.topics().UpdateTopicConfig(c).ok());
}

void Send(MessagePath& mp, const std::string& topic, int queue, const std::string& tags,
          const std::string& body = "b") {
  std::string props = tags.empty() ? std::string() : Props({{"TAGS", tags}});
  REQUIRE(mp.Call(SendRequest(Q::kSendMessageV2, SendHeader(topic, queue, props), body)).code ==
          RC::kSuccess);
}

void CheckOffsets(const RemotingCommand& r, int64_t next, int64_t min, int64_t max) {
  CHECK(FieldInt(r, "nextBeginOffset") == next);
  CHECK(FieldInt(r, "minOffset") == min);
  CHECK(FieldInt(r, "maxOffset") == max);
  CHECK(FieldInt(r, "suggestWhichBrokerId") == 0);
}

TEST_CASE("pull answers FOUND, NOT_FOUND and OFFSET_MOVED with all four offsets") {
  MessagePath mp;
  MakeTopic(mp, "T", 2);
  // Empty queue at offset 0: PULL_NOT_FOUND; at offset 5: PULL_OFFSET_MOVED.
  RemotingCommand r = mp.Call(PullRequest(PullHeader("CG", "T", 0, 0)));
  CHECK(r.code == RC::kPullNotFound);
  CHECK(r.remark == std::optional<std::string>("NO_MESSAGE_IN_QUEUE"));
  CheckOffsets(r, 0, 0, 0);
  r = mp.Call(PullRequest(PullHeader("CG", "T", 0, 5)));
  CHECK(r.code == RC::kPullOffsetMoved);
  CheckOffsets(r, 0, 0, 0);

  for (int i = 0; i < 3; ++i) Send(mp, "T", 0, "A", "m" + std::to_string(i));
  mp.Dispatch();
  r = mp.Call(PullRequest(PullHeader("CG", "T", 0, 1)));
  REQUIRE(r.code == RC::kSuccess);
  CHECK(r.remark == std::optional<std::string>("FOUND"));
  CheckOffsets(r, 3, 0, 3);
  auto records = DecodeRecords(r.body);
  REQUIRE(records.size() == 2);
  CHECK(records[0].body == "m1");
  CHECK(records[1].body == "m2");

  r = mp.Call(PullRequest(PullHeader("CG", "T", 0, 3)));  // == max
  CHECK(r.code == RC::kPullNotFound);
  CheckOffsets(r, 3, 0, 3);
  r = mp.Call(PullRequest(PullHeader("CG", "T", 0, 9)));  // > max
  CHECK(r.code == RC::kPullOffsetMoved);
  CheckOffsets(r, 3, 0, 3);

  auto h = PullHeader("CG", "T", 0, 0);
  h.max_msg_nums = 1;
  r = mp.Call(PullRequest(h, Q::kLitePullMessage));  // 5.x lite pull, same semantics (Q38)
  REQUIRE(r.code == RC::kSuccess);
  CHECK(DecodeRecords(r.body).size() == 1);
  CheckOffsets(r, 1, 0, 3);
}

TEST_CASE("tag filter: only matching tags are returned; none matching is PULL_RETRY_IMMEDIATELY") {
  MessagePath mp;
  MakeTopic(mp, "T", 1);
  Send(mp, "T", 0, "A", "a0");
  Send(mp, "T", 0, "B", "b0");
  Send(mp, "T", 0, "", "none");
  Send(mp, "T", 0, "C", "c0");
  mp.Dispatch();
  RemotingCommand r = mp.Call(PullRequest(PullHeader("CG", "T", 0, 0, "A || C")));
  REQUIRE(r.code == RC::kSuccess);
  auto records = DecodeRecords(r.body);
  REQUIRE(records.size() == 2);
  CHECK(records[0].body == "a0");
  CHECK(records[1].body == "c0");
  CHECK(FieldInt(r, "nextBeginOffset") == 4);

  r = mp.Call(PullRequest(PullHeader("CG", "T", 0, 0, "Z")));
  CHECK(r.code == RC::kPullRetryImmediately);
  CHECK(r.remark == std::optional<std::string>("NO_MATCHED_MESSAGE"));
  CheckOffsets(r, 4, 0, 4);  // the examined entries are consumed

  r = mp.Call(PullRequest(PullHeader("CG", "T", 0, 0, "*")));
  REQUIRE(r.code == RC::kSuccess);
  CHECK(DecodeRecords(r.body).size() == 4);
}

TEST_CASE("the commit-offset flag stores the consumer's offset") {
  MessagePath mp;
  MakeTopic(mp, "T", 2);
  auto h = PullHeader("CG", "T", 1, 0);
  h.sys_flag |= protocol::kPullFlagCommitOffset;
  h.commit_offset = 42;
  RemotingCommand r = mp.Call(PullRequest(h));
  CHECK(r.code == RC::kPullNotFound);
  auto stored = mp.offset_table().Query("T", "CG", QueueId(1));
  REQUIRE(stored.has_value());
  CHECK(stored->value() == 42);
  h.sys_flag &= ~protocol::kPullFlagCommitOffset;
  h.commit_offset = 50;
  mp.Call(PullRequest(h));
  CHECK(mp.offset_table().Query("T", "CG", QueueId(1))->value() == 42);
}

TEST_CASE("pull checks topic, queue id and the heartbeat subscription (Q20)") {
  MessagePath mp;
  MakeTopic(mp, "T", 2);
  RemotingCommand r = mp.Call(PullRequest(PullHeader("CG", "Missing", 0, 0)));
  CHECK(r.code == RC::kTopicNotExist);
  r = mp.Call(PullRequest(PullHeader("CG", "T", 2, 0)));
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("").find("queueId[2] is illegal") != std::string::npos);

  // Without flag 0x4 the subscription comes from the heartbeat.
  r = mp.Call(PullRequest(PullHeader("CG", "T", 0, 0, std::nullopt)));
  CHECK(r.code == RC::kSubscriptionNotExist);
  mp.subscriptions().AddGroup("CG");
  r = mp.Call(PullRequest(PullHeader("CG", "T", 0, 0, std::nullopt)));
  CHECK(r.code == RC::kSubscriptionNotExist);
  CHECK(r.remark == std::optional<std::string>("the consumer's subscription not exist"));
  mp.subscriptions().Add("CG", protocol::BuildSubscriptionData("T", "B", "TAG", 100));
  auto h = PullHeader("CG", "T", 0, 0, std::nullopt);
  h.sub_version = 200;
  r = mp.Call(PullRequest(h));
  CHECK(r.code == RC::kSubscriptionNotLatest);

  Send(mp, "T", 0, "A", "a");
  Send(mp, "T", 0, "B", "b");
  mp.Dispatch();
  h.sub_version = 100;
  r = mp.Call(PullRequest(h));
  REQUIRE(r.code == RC::kSuccess);
  auto records = DecodeRecords(r.body);
  REQUIRE(records.size() == 1);
  CHECK(records[0].body == "b");

  auto sql = PullHeader("CG", "T", 0, 0, "a > 1");
  sql.expression_type = "SQL92";
  r = mp.Call(PullRequest(sql));
  CHECK(r.code == RC::kSystemError);
}

TEST_CASE("a disabled consumer group gets NO_PERMISSION, an unknown one is auto-created") {
  MessagePath mp;
  MakeTopic(mp, "T", 1);
  protocol::SubscriptionGroupConfig g;
  g.group_name = "Off";
  g.consume_enable = false;
  REQUIRE(mp.groups().Update(g).ok());
  CHECK(mp.Call(PullRequest(PullHeader("Off", "T", 0, 0))).code == RC::kNoPermission);
  CHECK(mp.Call(PullRequest(PullHeader("Fresh", "T", 0, 0))).code == RC::kPullNotFound);
  CHECK(mp.groups().Get("Fresh").has_value());
}

TEST_CASE("a suspended pull is answered as soon as a matching message arrives") {
  MessagePath mp;
  MakeTopic(mp, "T", 1);
  auto h = PullHeader("CG", "T", 0, 0, "A");
  h.sys_flag |= protocol::kPullFlagSuspend;
  auto pending = mp.CallAsync(PullRequest(h));
  REQUIRE(MessagePath::WaitFor([&] { return mp.pull().hold_service().parked_count() == 1; }));

  // A message with another tag wakes nothing.
  Send(mp, "T", 0, "B", "other");
  mp.Dispatch();
  CHECK(pending.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);

  Send(mp, "T", 0, "A", "wanted");
  mp.Dispatch();
  REQUIRE(pending.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  auto r = pending.get();
  REQUIRE(r.ok());
  REQUIRE(r->code == RC::kSuccess);
  auto records = DecodeRecords(r->body);
  REQUIRE(records.size() == 1);
  CHECK(records[0].body == "wanted");
  CHECK(FieldInt(*r, "nextBeginOffset") == 2);
  CHECK(mp.pull().hold_service().parked_count() == 0);
}

TEST_CASE("a suspended pull gets PULL_NOT_FOUND with offsets once its suspend time passes") {
  MessagePath mp;
  MakeTopic(mp, "T", 1);
  Send(mp, "T", 0, "", "m0");
  mp.Dispatch();
  auto h = PullHeader("CG", "T", 0, 1);
  h.sys_flag |= protocol::kPullFlagSuspend;
  h.suspend_timeout_millis = 15000;
  auto pending = mp.CallAsync(PullRequest(h));
  REQUIRE(MessagePath::WaitFor([&] { return mp.pull().hold_service().parked_count() == 1; }));

  mp.clock().AdvanceMs(14999);
  REQUIRE(net::RunInLoopAndWait(mp.loop(), [&] { mp.pull().hold_service().RunOnce(); }));
  CHECK(mp.pull().hold_service().parked_count() == 1);

  mp.clock().AdvanceMs(1);
  REQUIRE(net::RunInLoopAndWait(mp.loop(), [&] { mp.pull().hold_service().RunOnce(); }));
  REQUIRE(pending.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  auto r = pending.get();
  REQUIRE(r.ok());
  CHECK(r->code == RC::kPullNotFound);
  CHECK(r->remark == std::optional<std::string>("OFFSET_OVERFLOW_ONE"));
  CheckOffsets(*r, 1, 0, 1);
}

}  // namespace
}  // namespace tern::processor::testing

namespace tern::processor::testing {
namespace {

TEST_CASE("pull body is the stored records byte for byte, sent as slices of the mapped log") {
  MessagePath mp;
  MakeTopic(mp, "Z", 2);
  // Interleave two queues so that queue 0's records are not adjacent in the
  // log: the response then has several slices.
  for (int i = 0; i < 6; ++i) Send(mp, "Z", i % 2, "A", std::string(100 + i, 'a' + i));
  mp.Dispatch();
  RemotingCommand r = mp.Call(PullRequest(PullHeader("CG", "Z", 0, 0)));
  REQUIRE(r.code == RC::kSuccess);
  store::GetMessageResult stored =
      mp.store().GetMessage("CG", "Z", QueueId(0), QueueOffset(0), 32, INT32_MAX, nullptr);
  REQUIRE(stored.messages.size() == 3);
  CHECK(r.body == ConcatRecords(stored.messages));
  auto records = DecodeRecords(r.body);
  REQUIRE(records.size() == 3);
  CHECK(records[2].body == std::string(104, 'e'));

  // The slices: adjacent records share one; each keeps the views alive.
  std::vector<remoting::BodySlice> slices = RecordSlices(std::move(stored.messages));
  CHECK(slices.size() == 3);
  std::weak_ptr<const void> holder = slices[0].keep_alive;
  CHECK(!holder.expired());
  slices.clear();
  CHECK(holder.expired());
}

}  // namespace
}  // namespace tern::processor::testing
