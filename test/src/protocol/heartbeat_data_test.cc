#include "src/protocol/heartbeat_data.h"

#include <doctest/doctest.h>

namespace tern::protocol {
namespace {

// Byte-exact Java 4.9 sample from shared/spec/requests.md §C.5.
const char* kJavaHeartbeat =
    R"({"clientID":"127.0.0.1@1234#5678","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","groupName":"CG","messageModel":"CLUSTERING","subscriptionDataSet":[{"classFilterMode":false,"codeSet":[65],"expressionType":"TAG","subString":"A || B","subVersion":1700000000000,"tagsSet":["A"],"topic":"T"}],"unitMode":false}],"producerDataSet":[{"groupName":"PG"}]})";

// Java String.hashCode values, computed by hand: "TagA" = 2598919,
// "TagB" = 2598920, "标签" (U+6807 U+7B7E) = 26631*31 + 31614 = 857175.
constexpr int32_t kHashTagA = 2598919;
constexpr int32_t kHashTagB = 2598920;
constexpr int32_t kHashChinese = 857175;

TEST_CASE("java 4.9 heartbeat decodes and re-encodes byte-exact") {
  auto h = HeartbeatData::Decode(kJavaHeartbeat);
  REQUIRE_MESSAGE(h.ok(), h.status().ToString());
  CHECK(h->client_id == "127.0.0.1@1234#5678");
  REQUIRE(h->producer_data_set.size() == 1);
  CHECK(h->producer_data_set[0].group_name == "PG");
  REQUIRE(h->consumer_data_set.size() == 1);
  const ConsumerData& c = h->consumer_data_set[0];
  CHECK(c.group_name == "CG");
  CHECK(c.consume_type == ConsumeType::kConsumePassively);
  CHECK(c.message_model == MessageModel::kClustering);
  CHECK(c.consume_from_where == ConsumeFromWhere::kConsumeFromLastOffset);
  REQUIRE(c.subscription_data_set.size() == 1);
  const SubscriptionData& s = c.subscription_data_set[0];
  CHECK(s.topic == "T");
  CHECK(s.sub_string == "A || B");
  CHECK(s.sub_version == 1700000000000);
  CHECK(s.tags_set == std::vector<std::string>{"A"});
  CHECK(s.code_set == std::vector<int32_t>{65});
  CHECK(h->Encode() == kJavaHeartbeat);
}

TEST_CASE("c++ heartbeat with ordinals and string subVersion gets java tag hashes") {
  // rocketmq-client-cpp: enum ordinals, subVersion as a string, codeSet from
  // atoi(tag) = 0, no unitMode / expressionType / classFilterMode (quirks Q21, Q22).
  const char* cpp =
      R"({"clientID":"10.0.0.1@4242#cpp","consumerDataSet":[{"consumeFromWhere":4,"consumeType":1,"groupName":"CG","messageModel":0,"subscriptionDataSet":[{"codeSet":[0,0],"subString":"TagA||TagB","subVersion":"1700000000123","tagsSet":["TagA","TagB"],"topic":"T"}]}],"producerDataSet":[]})";
  auto h = HeartbeatData::Decode(cpp);
  REQUIRE_MESSAGE(h.ok(), h.status().ToString());
  REQUIRE(h->consumer_data_set.size() == 1);
  const ConsumerData& c = h->consumer_data_set[0];
  CHECK(c.consume_type == ConsumeType::kConsumePassively);
  CHECK(c.message_model == MessageModel::kBroadcasting);
  CHECK(c.consume_from_where == ConsumeFromWhere::kConsumeFromFirstOffset);
  CHECK_FALSE(c.unit_mode);
  const SubscriptionData& s = c.subscription_data_set.at(0);
  CHECK(s.sub_version == 1700000000123);
  CHECK(s.expression_type == "TAG");
  CHECK(s.code_set == std::vector<int32_t>{kHashTagA, kHashTagB});
  // Re-encoded in Java's form: enum names, numeric subVersion.
  std::string out = h->Encode();
  CHECK(out.find(R"("consumeType":"CONSUME_PASSIVELY")") != std::string::npos);
  CHECK(out.find(R"("messageModel":"BROADCASTING")") != std::string::npos);
  CHECK(out.find(R"("subVersion":1700000000123)") != std::string::npos);
}

TEST_CASE("go heartbeat with string code set gets java utf-16 tag hashes") {
  // rocketmq-client-go: codeSet as strings, hashed over UTF-8 (wrong for
  // non-ASCII tags); enum names as Java.
  const char* go =
      R"({"clientID":"10.0.0.2@77","producerDataSet":[{"groupName":"PG"}],"consumerDataSet":[{"groupName":"CG","consumeType":"CONSUME_ACTIVELY","messageModel":"CLUSTERING","consumeFromWhere":"CONSUME_FROM_TIMESTAMP","unitMode":false,"subscriptionDataSet":[{"classFilterMode":false,"topic":"T","subString":"TagA || 标签","tagsSet":["TagA","标签"],"codeSet":["2598919","-12345"],"subVersion":1700000000999,"expressionType":"TAG"}]}]})";
  auto h = HeartbeatData::Decode(go);
  REQUIRE_MESSAGE(h.ok(), h.status().ToString());
  const ConsumerData& c = h->consumer_data_set.at(0);
  CHECK(c.consume_type == ConsumeType::kConsumeActively);
  CHECK(c.consume_from_where == ConsumeFromWhere::kConsumeFromTimestamp);
  CHECK(c.subscription_data_set.at(0).code_set == std::vector<int32_t>{kHashTagA, kHashChinese});
}

TEST_CASE("subscription with empty tags is rebuilt from its expression and star clears tags") {
  SubscriptionData s;
  s.topic = "T";
  s.sub_string = " TagA ||  || TagB ||TagA";
  s.Normalize();
  CHECK(s.tags_set == std::vector<std::string>{"TagA", "TagB"});
  CHECK(s.code_set == std::vector<int32_t>{kHashTagA, kHashTagB});

  SubscriptionData all = BuildSubscriptionData("T", "*", "", 5);
  CHECK(all.tags_set.empty());
  CHECK(all.code_set.empty());
  CHECK(all.expression_type == "TAG");
  CHECK(all.sub_version == 5);
  CHECK(BuildSubscriptionData("T", "", "TAG", 0).sub_string == "*");

  SubscriptionData sql = BuildSubscriptionData("T", "a > 1", "SQL92", 0);
  CHECK(sql.tags_set.empty());
  CHECK(sql.sub_string == "a > 1");
}

TEST_CASE("heartbeat enum fields accept ordinal strings and fall back on unknown values") {
  const char* body =
      R"({"clientID":"c","consumerDataSet":[{"groupName":"G","consumeType":"0","messageModel":"NOPE","consumeFromWhere":99}]})";
  auto h = HeartbeatData::Decode(body);
  REQUIRE_MESSAGE(h.ok(), h.status().ToString());
  const ConsumerData& c = h->consumer_data_set.at(0);
  CHECK(c.consume_type == ConsumeType::kConsumeActively);
  CHECK(c.message_model == MessageModel::kClustering);
  CHECK(c.consume_from_where == ConsumeFromWhere::kConsumeFromLastOffset);
  CHECK(h->producer_data_set.empty());
}

TEST_CASE("malformed heartbeat bodies are errors that say what was wrong") {
  CHECK_FALSE(HeartbeatData::Decode("").ok());
  CHECK_FALSE(HeartbeatData::Decode("[1]").ok());
  auto bad = HeartbeatData::Decode(R"({"clientID":"c","consumerDataSet":{"x":1}})");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("consumerDataSet") != std::string::npos);
  auto bad_version = HeartbeatData::Decode(
      R"({"clientID":"c","consumerDataSet":[{"groupName":"G","subscriptionDataSet":[{"topic":"T","subVersion":"abc"}]}]})");
  REQUIRE_FALSE(bad_version.ok());
  CHECK(bad_version.status().message().find("subVersion") != std::string::npos);
}

TEST_CASE("check client config body decodes its normalized subscription") {
  auto b = CheckClientRequestBody::Decode(
      R"({"clientId":"cid","group":"CG","subscriptionData":{"expressionType":"SQL92","subString":"a > 1","topic":"T","subVersion":3}})");
  REQUIRE_MESSAGE(b.ok(), b.status().ToString());
  CHECK(b->client_id == "cid");
  CHECK(b->group == "CG");
  REQUIRE(b->subscription_data.has_value());
  CHECK(b->subscription_data->expression_type == "SQL92");
  auto again = CheckClientRequestBody::Decode(b->Encode());
  REQUIRE(again.ok());
  CHECK(again->subscription_data == b->subscription_data);
}

}  // namespace
}  // namespace tern::protocol
