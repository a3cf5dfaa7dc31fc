// Admin bodies against the byte-exact samples of shared/spec/requests.md
// §C.9-C.11, §C.15, and the lenient decoders.
#include "src/protocol/admin_bodies.h"

#include <doctest/doctest.h>

namespace tern::protocol {
namespace {

MessageQueue Mq(std::string topic, int32_t queue_id, std::string broker = "broker-a") {
  return MessageQueue{std::move(topic), std::move(broker), queue_id};
}

// §C.9
const char* kConsumeStats =
    R"({"consumeTps":1.5,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"brokerOffset":10,"consumerOffset":7,"lastTimestamp":1700000000000}}})";
// §C.10
const char* kTopicStats =
    R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"lastUpdateTimestamp":1700000000000,"maxOffset":9,"minOffset":0}}})";
// §C.11
const char* kResetMap =
    R"({"offsetTable":{{"brokerName":"broker-a","queueId":1,"topic":"T"}:200,{"brokerName":"broker-a","queueId":0,"topic":"T"}:100}})";
const char* kResetList =
    R"({"offsetTable":[{"brokerName":"broker-a","offset":100,"queueId":0,"topic":"T"}]})";
// §C.15 with concrete values
const char* kConsumerStatus =
    R"({"consumerTable":{"cid":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:5}},"messageQueueTable":{{"brokerName":"broker-a","queueId":1,"topic":"T"}:6}})";

TEST_CASE("ConsumeStats encodes the spec sample byte-exact with an object-keyed map") {
  ConsumeStats s;
  s.consume_tps = 1.5;
  s.offset_table.push_back({Mq("T", 0), OffsetWrapper{10, 7, 1700000000000, std::nullopt}});
  CHECK(s.Encode() == kConsumeStats);
  auto back = ConsumeStats::Decode(kConsumeStats);
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(*back == s);
  CHECK(back->TotalDiff() == 3);
}

TEST_CASE("ConsumeStats writes a zero tps as 0.0 and the 5.x pullOffset only when set") {
  ConsumeStats s;
  CHECK(s.Encode() == R"({"consumeTps":0.0,"offsetTable":{}})");
  s.offset_table.push_back({Mq("T", 2), OffsetWrapper{1, 1, 0, 4}});
  CHECK(
      s.Encode() ==
      R"({"consumeTps":0.0,"offsetTable":{{"brokerName":"broker-a","queueId":2,"topic":"T"}:{"brokerOffset":1,"consumerOffset":1,"lastTimestamp":0,"pullOffset":4}}})");
  auto back = ConsumeStats::Decode(s.Encode());
  REQUIRE(back.ok());
  CHECK(*back == s);
}

TEST_CASE("ConsumeStats decodes several queues sorted, any key order, numbers as strings") {
  const char* text =
      R"({"offsetTable":{{"topic":"T","queueId":3,"brokerName":"b"}:{"consumerOffset":"2","brokerOffset":5},{"queueId":1,"brokerName":"b","topic":"T"}:{"brokerOffset":9}},"consumeTps":"0.25","extra":[1]})";
  auto s = ConsumeStats::Decode(text);
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  REQUIRE(s->offset_table.size() == 2);
  CHECK(s->offset_table[0].first == Mq("T", 1, "b"));
  CHECK(s->offset_table[1].first == Mq("T", 3, "b"));
  CHECK(s->offset_table[1].second.consumer_offset == 2);
  CHECK(s->consume_tps == 0.25);
  REQUIRE(FindQueue(s->offset_table, Mq("T", 1, "b")) != nullptr);
  CHECK(FindQueue(s->offset_table, Mq("T", 1, "b"))->broker_offset == 9);
  CHECK(FindQueue(s->offset_table, Mq("T", 7, "b")) == nullptr);
}

TEST_CASE("ConsumeStats decode rejects a non-object value") {
  CHECK_FALSE(ConsumeStats::Decode(R"({"offsetTable":{{"topic":"T"}:5}})").ok());
  CHECK_FALSE(ConsumeStats::Decode("not json").ok());
}

TEST_CASE("TopicStatsTable encodes the spec sample byte-exact; 5.x topicPutTps is optional") {
  TopicStatsTable t;
  t.offset_table.push_back({Mq("T", 0), TopicOffset{0, 9, 1700000000000}});
  CHECK(t.Encode() == kTopicStats);
  auto back = TopicStatsTable::Decode(kTopicStats);
  REQUIRE(back.ok());
  CHECK(*back == t);
  t.topic_put_tps = 0.0;
  CHECK(
      t.Encode() ==
      R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"lastUpdateTimestamp":1700000000000,"maxOffset":9,"minOffset":0}},"topicPutTps":0.0})");
  back = TopicStatsTable::Decode(t.Encode());
  REQUIRE(back.ok());
  CHECK(*back == t);
}

TEST_CASE("ResetOffsetBody map form and list form match the spec samples") {
  ResetOffsetBody b;
  b.offset_table.push_back({Mq("T", 1), 200});
  b.offset_table.push_back({Mq("T", 0), 100});
  CHECK(b.Encode() == kResetMap);

  ResetOffsetBody c;
  c.offset_table.push_back({Mq("T", 0), 100});
  CHECK(c.EncodeForC() == kResetList);
}

TEST_CASE("ResetOffsetBody decodes both forms") {
  auto map = ResetOffsetBody::Decode(kResetMap);
  REQUIRE_MESSAGE(map.ok(), map.status().ToString());
  REQUIRE(map->offset_table.size() == 2);
  CHECK(map->offset_table[0] == std::pair(Mq("T", 0), int64_t{100}));
  CHECK(map->offset_table[1] == std::pair(Mq("T", 1), int64_t{200}));
  auto list = ResetOffsetBody::Decode(kResetList);
  REQUIRE(list.ok());
  REQUIRE(list->offset_table.size() == 1);
  CHECK(list->offset_table[0] == std::pair(Mq("T", 0), int64_t{100}));
}

TEST_CASE("the map form splits as the Go client splits it") {
  // rocketmq-client-go cuts the text on ",{" and "}:" -- entries must be flat
  // MessageQueue objects followed directly by the integer.
  ResetOffsetBody b;
  b.offset_table.push_back({Mq("T", 0), 100});
  b.offset_table.push_back({Mq("T", 1), 200});
  std::string text = b.Encode();
  CHECK(text.find(",{") != std::string::npos);
  CHECK(text.find("}:100,{") != std::string::npos);
  CHECK(text.find(' ') == std::string::npos);
}

TEST_CASE("GetConsumerStatusBody encodes both tables, empty ones as {}") {
  GetConsumerStatusBody b;
  b.consumer_table["cid"].push_back({Mq("T", 0), 5});
  b.message_queue_table.push_back({Mq("T", 1), 6});
  CHECK(b.Encode() == kConsumerStatus);
  auto back = GetConsumerStatusBody::Decode(kConsumerStatus);
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(*back == b);
  CHECK(GetConsumerStatusBody().Encode() == R"({"consumerTable":{},"messageQueueTable":{}})");
}

TEST_CASE("GroupList, consumer offsets and delay offsets") {
  GroupList g{{"CG1", "CG2"}};
  CHECK(g.Encode() == R"({"groupList":["CG1","CG2"]})");
  CHECK(*GroupList::Decode(g.Encode()) == g);

  ConsumerOffsetSerializeWrapper c;
  c.offset_table["T@CG"] = {{0, 10}, {1, 7}};
  CHECK(c.Encode() == R"({"offsetTable":{"T@CG":{0:10,1:7}}})");
  auto cb = ConsumerOffsetSerializeWrapper::Decode(c.Encode());
  REQUIRE(cb.ok());
  CHECK(*cb == c);

  DelayOffsetSerializeWrapper d;
  d.offset_table = {{1, 0}, {2, 15}};
  CHECK(d.Encode() == R"({"offsetTable":{1:0,2:15}})");
  auto db = DelayOffsetSerializeWrapper::Decode(d.Encode());
  REQUIRE(db.ok());
  CHECK(*db == d);
  CHECK_FALSE(DelayOffsetSerializeWrapper::Decode(R"({"offsetTable":{"x":1}})").ok());
}

TEST_CASE("doubles are written as Java's Double.toString writes them") {
  CHECK(FormatJavaDouble(0.0) == "0.0");
  CHECK(FormatJavaDouble(1.5) == "1.5");
  CHECK(FormatJavaDouble(12.0) == "12.0");
  CHECK(FormatJavaDouble(100.0) == "100.0");
  CHECK(FormatJavaDouble(0.1) == "0.1");
  CHECK(FormatJavaDouble(0.001) == "0.001");
  CHECK(FormatJavaDouble(0.0001) == "1.0E-4");
  CHECK(FormatJavaDouble(1234567.0) == "1234567.0");
  CHECK(FormatJavaDouble(1e7) == "1.0E7");
  CHECK(FormatJavaDouble(12345678.9) == "1.23456789E7");
  CHECK(FormatJavaDouble(-2.25) == "-2.25");
  CHECK(FormatJavaDouble(1.0 / 3) == "0.3333333333333333");
}

}  // namespace
}  // namespace tern::protocol
