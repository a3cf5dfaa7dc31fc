#include "src/protocol/topic_config.h"

#include <doctest/doctest.h>

#include "src/protocol/data_version.h"

namespace tern::protocol {
namespace {

// Byte-exact sample from shared/spec/requests.md §C.7.
const char* kWrapper =
    R"({"dataVersion":{"counter":1,"timestamp":1700000000000},"topicConfigTable":{"T":{"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"T","topicSysFlag":0,"writeQueueNums":4}}})";

TopicConfig SampleTopic() {
  TopicConfig c;
  c.topic_name = "T";
  c.read_queue_nums = 4;
  c.write_queue_nums = 4;
  return c;
}

TEST_CASE("data version encodes the 4.9 form and compares with state version") {
  DataVersion v{1700000000000, 1, std::nullopt};
  CHECK(v.Encode() == R"({"counter":1,"timestamp":1700000000000})");
  auto back = DataVersion::Decode(R"({"counter":1,"stateVersion":0,"timestamp":1700000000000})");
  REQUIRE(back.ok());
  CHECK(*back == v);  // an absent state version equals 0
  back->state_version = 2;
  CHECK_FALSE(*back == v);
  v.Next(1700000000005);
  CHECK(v.counter == 2);
  CHECK(v.timestamp == 1700000000005);
}

TEST_CASE("topic config wrapper encodes byte-exact and decodes the spec sample") {
  TopicConfigSerializeWrapper w;
  w.data_version = {1700000000000, 1, std::nullopt};
  w.topic_config_table["T"] = SampleTopic();
  CHECK(w.Encode() == kWrapper);
  auto back = TopicConfigSerializeWrapper::Decode(kWrapper);
  REQUIRE(back.ok());
  CHECK(*back == w);
}

TEST_CASE("topic config defaults apply to missing fields and attributes round trip") {
  auto c = TopicConfig::Decode(R"({"topicName":"X","attributes":{"+queue.type":"BatchCQ"}})");
  REQUIRE(c.ok());
  CHECK(c->read_queue_nums == 16);
  CHECK(c->write_queue_nums == 16);
  CHECK(c->perm == 6);
  CHECK(c->topic_filter_type == TopicFilterType::kSingleTag);
  CHECK(c->attributes.at("+queue.type") == "BatchCQ");
  CHECK(c->Encode().rfind(R"({"attributes":{"+queue.type":"BatchCQ"},"order":false)", 0) == 0);
  CHECK_FALSE(TopicConfig::Decode(R"({"topicFilterType":"ALL_TAGS"})").ok());
}

TEST_CASE("topic config line round trips with and without attributes") {
  TopicConfig c = SampleTopic();
  c.perm = 7;
  c.topic_filter_type = TopicFilterType::kMultiTag;
  CHECK(c.EncodeLine() == "T 4 4 7 MULTI_TAG");
  auto back = TopicConfig::DecodeLine("T 4 4 7 MULTI_TAG");
  REQUIRE(back.ok());
  CHECK(*back == c);
  c.attributes["+k"] = "v w";
  back = TopicConfig::DecodeLine(c.EncodeLine());
  REQUIRE(back.ok());
  CHECK(back->attributes.at("+k") == "v w");
  CHECK_FALSE(TopicConfig::DecodeLine("T 4 4").ok());
  CHECK_FALSE(TopicConfig::DecodeLine("T x 4 6 SINGLE_TAG").ok());
}

}  // namespace
}  // namespace tern::protocol
