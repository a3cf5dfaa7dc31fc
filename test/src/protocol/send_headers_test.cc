#include "src/protocol/send_headers.h"

#include <doctest/doctest.h>

#include "src/protocol/codes.h"

namespace tern::protocol {
namespace {

HeaderFields V1Fields() {
  return {{"producerGroup", "PG"},
          {"topic", "T"},
          {"defaultTopic", "TBW102"},
          {"defaultTopicQueueNums", "4"},
          {"queueId", "3"},
          {"sysFlag", "0"},
          {"bornTimestamp", "1700000000000"},
          {"flag", "7"},
          {"properties", "TAGS\001A\002"},
          {"reconsumeTimes", "0"},
          {"unitMode", "false"},
          {"batch", "false"},
          {"maxReconsumeTimes", "16"},
          {"bname", "broker-a"}};
}

// The same message as the C++ client sends it: V2 names; numbers arrived as
// JSON numbers and were stringified by the codec.
HeaderFields V2Fields() {
  return {{"a", "PG"},
          {"b", "T"},
          {"c", "TBW102"},
          {"d", "4"},
          {"e", "3"},
          {"f", "0"},
          {"g", "1700000000000"},
          {"h", "7"},
          {"i", "TAGS\001A\002"},
          {"j", "0"},
          {"k", "false"},
          {"l", "16"},
          {"m", "false"},
          {"n", "broker-a"}};
}

TEST_CASE("send header v1 and v2 parse to the same struct") {
  auto v1 = SendMessageRequestHeader::Parse(RequestCode::kSendMessage, V1Fields());
  REQUIRE_MESSAGE(v1.ok(), v1.status().ToString());
  auto v2 = SendMessageRequestHeader::Parse(RequestCode::kSendMessageV2, V2Fields());
  REQUIRE_MESSAGE(v2.ok(), v2.status().ToString());
  CHECK(*v1 == *v2);
  CHECK(v1->producer_group == "PG");
  CHECK(v1->default_topic_queue_nums == 4);
  CHECK(v1->queue_id == 3);
  CHECK(v1->born_timestamp == 1700000000000);
  CHECK(v1->flag == 7);
  CHECK(v1->properties == std::string("TAGS\001A\002"));
  CHECK(v1->reconsume_times == 0);
  CHECK(v1->max_reconsume_times == 16);
  CHECK(v1->broker_name == std::string("broker-a"));
  CHECK_FALSE(v1->batch);
}

TEST_CASE("send header encoders round-trip through both spellings") {
  auto h = SendMessageRequestHeader::ParseV1(V1Fields());
  REQUIRE(h.ok());
  HeaderFields v1, v2;
  h->EncodeV1(&v1);
  h->EncodeV2(&v2);
  CHECK(v1 == V1Fields());
  CHECK(v2 == V2Fields());
}

TEST_CASE("send batch flag comes from the header, not the request code") {
  HeaderFields f = V2Fields();
  f["m"] = "true";
  auto h = SendMessageRequestHeader::Parse(RequestCode::kSendMessageV2, f);
  REQUIRE(h.ok());
  CHECK(h->batch);
  f["m"] = "TRUE";
  CHECK(SendMessageRequestHeader::Parse(RequestCode::kSendBatchMessage, f)->batch);
  f["m"] = "1";  // Java Boolean.parseBoolean: not true
  CHECK_FALSE(SendMessageRequestHeader::Parse(RequestCode::kSendBatchMessage, f)->batch);
}

TEST_CASE("send header optional fields may be absent and bad fields are named") {
  HeaderFields f = {{"producerGroup", "PG"},        {"topic", "T"},    {"defaultTopic", "TBW102"},
                    {"defaultTopicQueueNums", "4"}, {"queueId", "-1"}, {"sysFlag", "0"},
                    {"bornTimestamp", "1"},         {"flag", "0"}};
  auto h = SendMessageRequestHeader::ParseV1(f);
  REQUIRE(h.ok());
  CHECK(h->queue_id == -1);
  CHECK_FALSE(h->properties.has_value());
  CHECK_FALSE(h->reconsume_times.has_value());
  CHECK_FALSE(h->unit_mode);

  HeaderFields missing = f;
  missing.erase("topic");
  auto m = SendMessageRequestHeader::ParseV1(missing);
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message() == "missing header field topic");

  HeaderFields bad = f;
  bad["queueId"] = "x1";
  auto b = SendMessageRequestHeader::ParseV1(bad);
  REQUIRE_FALSE(b.ok());
  CHECK(b.status().message().find("queueId") != std::string::npos);

  // V1 names under a V2 code are not accepted: the code decides the spelling.
  CHECK_FALSE(SendMessageRequestHeader::Parse(RequestCode::kSendMessageV2, f).ok());
}

TEST_CASE("send response header carries the fields clients require") {
  SendMessageResponseHeader r{"7F0000010000ABCD0000000000000010", 2, 42, std::nullopt,
                              std::nullopt};
  HeaderFields f;
  r.Encode(&f);
  CHECK(f.size() == 3);
  CHECK(f.at("queueOffset") == "42");
  auto back = SendMessageResponseHeader::Parse(f);
  REQUIRE(back.ok());
  CHECK(*back == r);
}

}  // namespace
}  // namespace tern::protocol
