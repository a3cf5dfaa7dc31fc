#include "src/client/send_request.h"

#include <doctest/doctest.h>

#include "src/protocol/codes.h"
#include "src/protocol/message_batch.h"
#include "src/protocol/message_compression.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/send_headers.h"

namespace tern::client {
namespace {

namespace Code = protocol::ResponseCode;
using ternmq::StatusCode;

protocol::UniqueIdGenerator& Ids() { return protocol::UniqueIdGenerator::ForThisProcess(); }

ternmq::Message Msg(std::string body = "hello") {
  ternmq::Message m;
  m.topic = "T";
  m.tags = "A";
  m.keys = {"k1", "k2"};
  m.body = std::move(body);
  return m;
}

TEST_CASE("a prepared message carries tags, keys, WAIT, user properties and its own UNIQ_KEY") {
  ternmq::Message m = Msg();
  m.properties["color"] = "red";
  m.delay_level = 3;
  auto p = PrepareMessage(m, {}, Ids());
  REQUIRE(p.ok());
  auto props = protocol::MessageProperties::Parse(p->properties);
  CHECK(props.Get("TAGS") == "A");
  CHECK(props.Get("KEYS") == "k1 k2");
  CHECK(props.Get("WAIT") == "true");
  CHECK(props.Get("DELAY") == "3");
  CHECK(props.Get("color") == "red");
  CHECK(props.Get("UNIQ_KEY") == p->msg_id);
  CHECK(p->msg_id.size() == Ids().IdLength());
  CHECK(p->body == "hello");
  CHECK(p->sys_flag == 0);
  auto again = PrepareMessage(m, {}, Ids());
  REQUIRE(again.ok());
  CHECK(again->msg_id != p->msg_id);
}

TEST_CASE("delivery time becomes TIMER_DELIVER_MS and cannot be combined with a delay level") {
  ternmq::Message m = Msg();
  m.delivery_time_ms = 1'800'000'000'000;
  auto p = PrepareMessage(m, {}, Ids());
  REQUIRE(p.ok());
  CHECK(protocol::FindProperty(p->properties, "TIMER_DELIVER_MS") == "1800000000000");
  m.delay_level = 2;
  auto both = PrepareMessage(m, {}, Ids());
  CHECK(both.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("invalid messages are rejected before sending, naming the problem") {
  auto rejects = [](ternmq::Message m, std::string_view needle) {
    auto p = PrepareMessage(m, {}, Ids());
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().code() == StatusCode::kInvalidArgument);
    CHECK_MESSAGE(p.status().message().find(needle) != std::string::npos, p.status().message());
  };
  ternmq::Message m = Msg();
  m.topic = "";
  rejects(m, "topic is empty");
  m.topic = "bad topic";
  rejects(m, "character");
  m.topic = std::string(128, 'a');
  rejects(m, "127");
  m.topic = "SCHEDULE_TOPIC_XXXX";
  rejects(m, "not allowed");
  m = Msg("");
  rejects(m, "body is empty");
  m = Msg();
  m.properties["UNIQ_KEY"] = "x";
  rejects(m, "reserved");
  m = Msg();
  m.properties["a\x01"] = "x";
  rejects(m, "U+0001");
  m = Msg(std::string(101, 'x'));
  auto p = PrepareMessage(m, {.max_message_bytes = 100}, Ids());
  CHECK(p.status().code() == StatusCode::kInvalidArgument);
  CHECK(p.status().message().find("max_message_bytes") != std::string::npos);
}

TEST_CASE("bodies longer than the threshold are zlib-compressed with sysFlag bit 0") {
  std::string body(4096, 'a');
  auto at = PrepareMessage(Msg(body), {}, Ids());
  REQUIRE(at.ok());
  CHECK(at->sys_flag == 0);
  CHECK(at->body == body);

  body.push_back('b');
  auto over = PrepareMessage(Msg(body), {}, Ids());
  REQUIRE(over.ok());
  CHECK(protocol::IsCompressed(over->sys_flag));
  CHECK(protocol::GetCompressionType(over->sys_flag) == protocol::CompressionType::kLegacyZlib);
  CHECK(over->body.size() < body.size());
  auto plain = protocol::DecompressBody(over->body, over->sys_flag);
  REQUIRE(plain.ok());
  CHECK(*plain == body);
}

TEST_CASE("a batch body holds one entry per message, each with its own UNIQ_KEY") {
  std::vector<ternmq::Message> msgs = {Msg("one"), Msg("two"), Msg(std::string(10000, 'z'))};
  msgs[1].flag = 7;
  auto p = PrepareBatch(msgs, {}, Ids());
  REQUIRE(p.ok());
  CHECK(p->batch);
  CHECK(p->sys_flag == 0);  // batches are never compressed
  CHECK(p->properties == std::string("WAIT\x01true\x02"));
  auto entries = protocol::DecodeBatchBody(p->body);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 3);
  CHECK((*entries)[0].body == "one");
  CHECK((*entries)[1].flag == 7);
  CHECK((*entries)[2].body.size() == 10000);
  std::string ids;
  for (const auto& e : *entries) {
    CHECK(protocol::FindProperty(e.properties, "TAGS") == "A");
    auto id = protocol::FindProperty(e.properties, "UNIQ_KEY");
    REQUIRE(id.has_value());
    if (!ids.empty()) ids += ',';
    ids += std::string(*id);
  }
  CHECK(p->msg_id == ids);
}

TEST_CASE("batches refuse mixed topics, delays, retry topics and oversize") {
  std::vector<ternmq::Message> msgs = {Msg(), Msg()};
  msgs[1].topic = "Other";
  CHECK(PrepareBatch(msgs, {}, Ids()).status().code() == StatusCode::kInvalidArgument);
  msgs[1].topic = "T";
  msgs[1].delay_level = 1;
  CHECK(PrepareBatch(msgs, {}, Ids()).status().code() == StatusCode::kInvalidArgument);
  msgs[1].delay_level = 0;
  msgs[0].topic = msgs[1].topic = "%RETRY%g";
  CHECK(PrepareBatch(msgs, {}, Ids()).status().code() == StatusCode::kInvalidArgument);
  CHECK(PrepareBatch({}, {}, Ids()).status().code() == StatusCode::kInvalidArgument);
  std::vector<ternmq::Message> big = {Msg(std::string(60, 'x')), Msg(std::string(60, 'x'))};
  CHECK(PrepareBatch(big, {.max_message_bytes = 100}, Ids()).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("the send request uses V2 names, code 310, and 320 with m=true for batches") {
  auto p = PrepareMessage(Msg(), {}, Ids());
  REQUIRE(p.ok());
  ternmq::MessageQueue q{"T", "broker-a", 3};
  auto req = BuildSendRequest(*p, q, "PG", "TBW102", 4, 1700000000123);
  CHECK(req.code == protocol::RequestCode::kSendMessageV2);
  CHECK(req.ext_fields.at("a") == "PG");
  CHECK(req.ext_fields.at("b") == "T");
  CHECK(req.ext_fields.at("c") == "TBW102");
  CHECK(req.ext_fields.at("d") == "4");
  CHECK(req.ext_fields.at("e") == "3");
  CHECK(req.ext_fields.at("g") == "1700000000123");
  CHECK(req.ext_fields.at("i") == p->properties);
  CHECK(req.ext_fields.at("m") == "false");
  CHECK(req.ext_fields.at("n") == "broker-a");
  CHECK(req.body == "hello");

  auto b = PrepareBatch({Msg(), Msg()}, {}, Ids());
  REQUIRE(b.ok());
  auto breq = BuildSendRequest(*b, q, "PG", "TBW102", 4, 1);
  CHECK(breq.code == protocol::RequestCode::kSendBatchMessage);
  auto h = protocol::SendMessageRequestHeader::Parse(breq.code, breq.ext_fields);
  REQUIRE(h.ok());
  CHECK(h->batch);
}

TEST_CASE("send responses map to SendStatus, broker errors keep their code") {
  auto p = PrepareMessage(Msg(), {}, Ids());
  REQUIRE(p.ok());
  ternmq::MessageQueue q{"T", "broker-a", 3};
  remoting::RemotingCommand req = BuildSendRequest(*p, q, "PG", "TBW102", 4, 1);
  auto answer = [&](int32_t code) {
    auto r = remoting::RemotingCommand::ResponseTo(req, code, "why");
    protocol::SendMessageResponseHeader h{"7F00000100002A9F00000000000004D2", 2, 41};
    h.Encode(&r.ext_fields);
    r.SetField("MSG_REGION", "R1");
    return ParseSendResponse(r, q, *p);
  };
  auto ok = answer(Code::kSuccess);
  REQUIRE(ok.ok());
  CHECK(ok->status == ternmq::SendStatus::kSendOk);
  CHECK(ok->msg_id == p->msg_id);
  CHECK(ok->offset_msg_id == "7F00000100002A9F00000000000004D2");
  CHECK(ok->queue == ternmq::MessageQueue{"T", "broker-a", 2});
  CHECK(ok->queue_offset == 41);
  CHECK(ok->region_id == "R1");
  CHECK(answer(Code::kFlushDiskTimeout)->status == ternmq::SendStatus::kFlushDiskTimeout);
  CHECK(answer(Code::kFlushSlaveTimeout)->status == ternmq::SendStatus::kFlushSlaveTimeout);
  CHECK(answer(Code::kSlaveNotAvailable)->status == ternmq::SendStatus::kSlaveNotAvailable);
  auto err = answer(Code::kMessageIllegal);
  CHECK(err.status().code() == StatusCode::kBrokerError);
  CHECK(err.status().response_code() == Code::kMessageIllegal);
  CHECK(err.status().message().find("why") != std::string::npos);

  auto missing = remoting::RemotingCommand::ResponseTo(req, Code::kSuccess);
  CHECK(ParseSendResponse(missing, q, *p).status().code() == StatusCode::kInternal);
}

TEST_CASE("retriable broker codes are the Java client's list") {
  for (int32_t code : {17, 14, 1, 16, 204, 205, 2}) CHECK(IsRetriableResponseCode(code));
  for (int32_t code : {0, 13, 3, 26, 29}) CHECK_FALSE(IsRetriableResponseCode(code));
}

}  // namespace
}  // namespace tern::client
