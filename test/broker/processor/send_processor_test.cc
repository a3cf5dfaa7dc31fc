#include "broker/processor/send_processor.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "broker/topic/topic_names.h"
#include "src/protocol/message_batch.h"
#include "src/protocol/message_id.h"
#include "test/broker/processor/message_path_fixture.h"

namespace tern::processor::testing {
namespace {

protocol::TopicConfig Topic(const std::string& name, int queues, int perm = 6) {
  protocol::TopicConfig c;
  c.topic_name = name;
  c.read_queue_nums = c.write_queue_nums = queues;
  c.perm = perm;
  return c;
}

RemotingCommand PullAll(MessagePath& mp, const std::string& topic, int queue, int64_t offset = 0,
                        const std::string& sub = "*") {
  return mp.Call(PullRequest(PullHeader("CG", topic, queue, offset, sub)));
}

void CheckSendRoundTrip(int32_t code) {
  MessagePath mp;
  REQUIRE(mp.topics().UpdateTopicConfig(Topic("T", 4)).ok());
  const std::string props =
      Props({{"TAGS", "TagA"}, {"KEYS", "k1 k2"}, {"UNIQ_KEY", "7F0000010001000000000000000A"},
             {"WAIT", "true"}, {"userProp", "v\x01x"}});
  protocol::SendMessageRequestHeader h = SendHeader("T", 2, props);
  h.flag = 77;
  h.sys_flag = 0;
  h.reconsume_times = 3;
  RemotingCommand resp = mp.Call(SendRequest(code, h, "hello body"));
  REQUIRE_MESSAGE(resp.code == RC::kSuccess, resp.remark.value_or(""));
  // Q11: every field the clients dereference.
  CHECK(resp.Field("MSG_REGION") == std::optional<std::string_view>("DefaultRegion"));
  CHECK(resp.Field("TRACE_ON") == std::optional<std::string_view>("true"));
  CHECK(FieldInt(resp, "queueId") == 2);
  CHECK(FieldInt(resp, "queueOffset") == 0);
  CHECK(resp.Field("transactionId") ==
        std::optional<std::string_view>("7F0000010001000000000000000A"));
  auto msg_id = protocol::DecodeOffsetMessageId(*resp.Field("msgId"));
  REQUIRE(msg_id.ok());
  CHECK(msg_id->store_host == protocol::HostAddress::V4(0x7F000001, 10911));  // Q12
  CHECK(msg_id->offset.value() == 0);

  mp.Dispatch();
  RemotingCommand pulled = PullAll(mp, "T", 2);
  REQUIRE(pulled.code == RC::kSuccess);
  auto records = DecodeRecords(pulled.body);
  REQUIRE(records.size() == 1);
  const protocol::MessageRecord& m = records[0];
  CHECK(m.topic == "T");
  CHECK(m.queue_id.value() == 2);
  CHECK(m.flag == 77);
  CHECK(m.reconsume_times == 3);
  CHECK(m.body == "hello body");
  CHECK(m.born_timestamp == 1'700'000'000'123);
  CHECK(m.born_host.ToString().starts_with("127.0.0.1:"));
  CHECK(m.store_host == protocol::HostAddress::V4(0x7F000001, 10911));
  CHECK(m.physical_offset.value() == msg_id->offset.value());
  CHECK(m.store_timestamp == mp.clock().NowMs());
  CHECK(protocol::FindProperty(m.properties, "TAGS") == std::optional<std::string_view>("TagA"));
  CHECK(protocol::FindProperty(m.properties, "KEYS") == std::optional<std::string_view>("k1 k2"));
  CHECK(protocol::FindProperty(m.properties, "UNIQ_KEY") ==
        std::optional<std::string_view>("7F0000010001000000000000000A"));
  CHECK(protocol::FindProperty(m.properties, "userProp") ==
        std::optional<std::string_view>("v\x01x"));
  CHECK(protocol::FindProperty(m.properties, "CLUSTER") ==
        std::optional<std::string_view>("DefaultCluster"));
  CHECK_FALSE(protocol::FindProperty(m.properties, "WAIT").has_value());
}

TEST_CASE("SEND_MESSAGE (V1 header) stores every field and pulls back identically") {
  CheckSendRoundTrip(Q::kSendMessage);
}

TEST_CASE("SEND_MESSAGE_V2 (one-letter header) stores every field and pulls back identically") {
  CheckSendRoundTrip(Q::kSendMessageV2);
}

std::string BatchBody(int n) {
  std::string body;
  for (int i = 0; i < n; ++i) {
    protocol::BatchEntry e;
    e.flag = i;
    std::string b = "m" + std::to_string(i);
    std::string p = Props({{"UNIQ_KEY", "U" + std::to_string(i)}, {"WAIT", "true"}});
    e.body = b;
    e.properties = p;
    protocol::AppendBatchEntry(e, &body);
  }
  return body;
}

void CheckBatch(int32_t code) {
  MessagePath mp;
  REQUIRE(mp.topics().UpdateTopicConfig(Topic("B", 2)).ok());
  // A first single message so the batch does not start at offset 0.
  REQUIRE(mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("B", 1), "x")).code == RC::kSuccess);
  protocol::SendMessageRequestHeader h = SendHeader("B", 1, Props({{"WAIT", "true"}}));
  h.batch = true;
  RemotingCommand resp = mp.Call(SendRequest(code, h, BatchBody(3)));
  REQUIRE_MESSAGE(resp.code == RC::kSuccess, resp.remark.value_or(""));
  CHECK(FieldInt(resp, "queueOffset") == 1);
  CHECK(FieldInt(resp, "queueId") == 1);
  std::string ids(*resp.Field("msgId"));
  std::vector<std::string> parts;
  size_t pos = 0;
  while (true) {
    size_t c = ids.find(',', pos);
    parts.push_back(ids.substr(pos, c == std::string::npos ? std::string::npos : c - pos));
    if (c == std::string::npos) break;
    pos = c + 1;
  }
  REQUIRE(parts.size() == 3);  // Q17

  mp.Dispatch();
  RemotingCommand pulled = PullAll(mp, "B", 1, 1);
  REQUIRE(pulled.code == RC::kSuccess);
  auto records = DecodeRecords(pulled.body);
  REQUIRE(records.size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(records[i].queue_offset.value() == 1 + i);
    CHECK(records[i].body == "m" + std::to_string(i));
    CHECK(records[i].flag == i);
    CHECK(protocol::FindProperty(records[i].properties, "UNIQ_KEY") ==
          std::optional<std::string_view>("U" + std::to_string(i)));
    CHECK(protocol::FindProperty(records[i].properties, "CLUSTER").has_value());
    CHECK_FALSE(protocol::FindProperty(records[i].properties, "WAIT").has_value());
    auto id = protocol::DecodeOffsetMessageId(parts[i]);
    REQUIRE(id.ok());
    CHECK(id->offset == records[i].physical_offset);
  }
}

TEST_CASE("SEND_BATCH_MESSAGE gives consecutive offsets and a comma-separated msgId list") {
  CheckBatch(Q::kSendBatchMessage);
}

TEST_CASE("SEND_MESSAGE_V2 with the batch flag is a batch too (quirk Q41)") {
  CheckBatch(Q::kSendMessageV2);
}

TEST_CASE("send to an unknown topic auto-creates it from TBW102 and notifies the listener") {
  MessagePath mp;
  const int before = mp.topic_changes();
  RemotingCommand resp = mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("NewTopic"), "x"));
  REQUIRE_MESSAGE(resp.code == RC::kSuccess, resp.remark.value_or(""));
  auto c = mp.topics().Select("NewTopic");
  REQUIRE(c.has_value());
  CHECK(c->write_queue_nums == 4);  // min(header 4, TBW102 8)
  CHECK(c->read_queue_nums == 4);
  CHECK(c->perm == 6);
  CHECK(mp.topic_changes() == before + 1);
  CHECK(FieldInt(resp, "queueId") >= 0);
  CHECK(FieldInt(resp, "queueId") < 4);
}

TEST_CASE("send to an unknown topic is TOPIC_NOT_EXIST when autoCreateTopicEnable=false") {
  FixtureOptions o;
  o.topics.auto_create_topic_enable = false;
  MessagePath mp(o);
  CHECK_FALSE(mp.topics().Select("TBW102").has_value());
  RemotingCommand resp = mp.Call(SendRequest(Q::kSendMessage, SendHeader("Nope"), "x"));
  CHECK(resp.code == RC::kTopicNotExist);
  CHECK(resp.remark.value_or("").find("topic[Nope] not exist") != std::string::npos);
  CHECK(resp.Field("MSG_REGION").has_value());
  CHECK_FALSE(mp.topics().Select("Nope").has_value());
}

TEST_CASE("send is refused with NO_PERMISSION by broker perm, topic perm and system topics") {
  {
    FixtureOptions o;
    o.send.broker_permission = 4;  // read-only broker
    MessagePath mp(o);
    RemotingCommand resp = mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("T"), "x"));
    CHECK(resp.code == RC::kNoPermission);
    CHECK(resp.remark.value_or("").find("sending message is forbidden") != std::string::npos);
  }
  MessagePath mp;
  REQUIRE(mp.topics().UpdateTopicConfig(Topic("ReadOnly", 2, 4)).ok());
  RemotingCommand resp = mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("ReadOnly"), "x"));
  CHECK(resp.code == RC::kNoPermission);
  CHECK(resp.remark == std::optional<std::string>("the topic[ReadOnly] sending message is forbidden"));

  resp = mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("SCHEDULE_TOPIC_XXXX"), "x"));
  CHECK(resp.code == RC::kNoPermission);
  CHECK(resp.remark ==
        std::optional<std::string>("Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden."));
}

TEST_CASE("oversize body, bad topic name and bad queue id are refused with a clear remark") {
  FixtureOptions o;
  o.send.max_message_size = 1024;
  MessagePath mp(o);
  REQUIRE(mp.topics().UpdateTopicConfig(Topic("T", 2)).ok());
  RemotingCommand resp =
      mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("T"), std::string(1025, 'x')));
  CHECK(resp.code == RC::kMessageIllegal);
  CHECK(resp.remark.value_or("").find("msg body length limit 1024B") != std::string::npos);

  resp = mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("bad topic!"), "x"));
  CHECK(resp.code == RC::kSystemError);
  CHECK(resp.remark.value_or("").find("contains illegal characters") != std::string::npos);

  resp = mp.Call(SendRequest(Q::kSendMessageV2, SendHeader(std::string(128, 'a')), "x"));
  CHECK(resp.code == RC::kSystemError);
  CHECK(resp.remark.value_or("").find("longer than topic max length") != std::string::npos);

  resp = mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("T", 2), "x"));
  CHECK(resp.code == RC::kSystemError);
  CHECK(resp.remark.value_or("").find("request queueId[2] is illegal") != std::string::npos);

  RemotingCommand missing = RemotingCommand::Request(Q::kSendMessage);
  resp = mp.Call(std::move(missing));
  CHECK(resp.code == RC::kSystemError);
  CHECK(resp.remark.value_or("").find("producerGroup") != std::string::npos);
}

TEST_CASE("a prepared (half) message is stored but never delivered to consumers") {
  MessagePath mp;
  REQUIRE(mp.topics().UpdateTopicConfig(Topic("Tx", 1)).ok());
  protocol::SendMessageRequestHeader h =
      SendHeader("Tx", 0, Props({{"TRAN_MSG", "true"}, {"PGROUP", "PG"}}));
  h.sys_flag = protocol::MessageSysFlag::kTransactionPrepared;
  RemotingCommand resp = mp.Call(SendRequest(Q::kSendMessageV2, h, "half"));
  REQUIRE(resp.code == RC::kSuccess);
  CHECK(FieldInt(resp, "queueId") == 0);
  REQUIRE(mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("Tx", 0), "normal")).code ==
          RC::kSuccess);
  mp.Dispatch();
  RemotingCommand pulled = PullAll(mp, "Tx", 0);
  REQUIRE(pulled.code == RC::kSuccess);
  auto records = DecodeRecords(pulled.body);
  REQUIRE(records.size() == 1);
  CHECK(records[0].body == "normal");
}

TEST_CASE("transactional sends are refused when rejectTransactionMessage is set") {
  FixtureOptions o;
  o.send.reject_transaction_message = true;
  MessagePath mp(o);
  REQUIRE(mp.topics().UpdateTopicConfig(Topic("Tx", 1)).ok());
  RemotingCommand resp = mp.Call(
      SendRequest(Q::kSendMessageV2, SendHeader("Tx", 0, Props({{"TRAN_MSG", "true"}})), "x"));
  CHECK(resp.code == RC::kNoPermission);
}

TEST_CASE("a retry message past its max reconsume times goes to the group's DLQ") {
  MessagePath mp;
  protocol::SendMessageRequestHeader h = SendHeader("%RETRY%CG", -1);
  h.reconsume_times = 16;  // group default retryMaxTimes = 16
  RemotingCommand resp = mp.Call(SendRequest(Q::kSendMessageV2, h, "dead"));
  REQUIRE_MESSAGE(resp.code == RC::kSuccess, resp.remark.value_or(""));
  CHECK(mp.topics().Select("%RETRY%CG").has_value());  // created as a retry topic
  auto dlq = mp.topics().Select("%DLQ%CG");
  REQUIRE(dlq.has_value());
  CHECK(dlq->perm == 6);
  mp.Dispatch();
  RemotingCommand pulled = PullAll(mp, "%DLQ%CG", 0);
  REQUIRE(pulled.code == RC::kSuccess);
  CHECK(DecodeRecords(pulled.body).at(0).body == "dead");

  h.reconsume_times = 1;
  h.queue_id = 0;
  resp = mp.Call(SendRequest(Q::kSendMessageV2, h, "retry"));
  REQUIRE(resp.code == RC::kSuccess);
  mp.Dispatch();
  pulled = PullAll(mp, "%RETRY%CG", 0);
  REQUIRE(pulled.code == RC::kSuccess);
  CHECK(DecodeRecords(pulled.body).at(0).body == "retry");
}

TEST_CASE("store results map to response codes; stored-but-slow is still a send") {
  store::PutResult r;
  r.status = store::PutStatus::kFlushDiskTimeout;
  CHECK(MapPutResult(r, 4 << 20).code == RC::kFlushDiskTimeout);
  r.status = store::PutStatus::kServiceNotAvailable;
  CHECK(MapPutResult(r, 4 << 20).code == RC::kServiceNotAvailable);
  r.status = store::PutStatus::kPropertiesSizeExceeded;
  CHECK(MapPutResult(r, 4 << 20).code == RC::kMessageIllegal);
  r.status = store::PutStatus::kCreateMappedFileFailed;
  CHECK(MapPutResult(r, 4 << 20).code == RC::kSystemError);
  r.status = store::PutStatus::kPutOk;
  CHECK(MapPutResult(r, 4 << 20).code == RC::kSuccess);
}

}  // namespace
}  // namespace tern::processor::testing

namespace tern::processor::testing {
namespace {

TEST_CASE("with SYNC_FLUSH the send is answered after the group commit, off the loop") {
  FixtureOptions o;
  o.flush_mode = store::FlushMode::kSync;
  MessagePath mp(o);
  std::vector<std::future<Result<RemotingCommand>>> pending;
  for (int i = 0; i < 20; ++i) {
    pending.push_back(mp.CallAsync(SendRequest(Q::kSendMessageV2, SendHeader("T", 0), "s")));
  }
  std::vector<int64_t> offsets;
  for (auto& f : pending) {
    REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    auto r = f.get();
    REQUIRE(r.ok());
    REQUIRE(r->code == RC::kSuccess);
    offsets.push_back(FieldInt(*r, "queueOffset"));
  }
  std::sort(offsets.begin(), offsets.end());
  for (int i = 0; i < 20; ++i) CHECK(offsets[i] == i);
  CHECK(mp.store().commit_log().FlushedEnd() == mp.store().commit_log().WrittenEnd());
}

}  // namespace
}  // namespace tern::processor::testing
