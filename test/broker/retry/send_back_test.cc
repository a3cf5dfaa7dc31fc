// The send-back rules as pure functions (broker/retry/send_back.h).
#include "broker/retry/send_back.h"

#include <doctest/doctest.h>

#include "src/protocol/message_properties.h"

namespace tern::retry {
namespace {

std::string Props(std::initializer_list<std::pair<std::string, std::string>> kv) {
  std::string out;
  for (const auto& [k, v] : kv) protocol::AppendProperty(&out, k, v);
  return out;
}

std::string Prop(const SendBackMessage& m, std::string_view key) {
  auto v = protocol::FindProperty(m.properties, key);
  return v ? std::string(*v) : std::string("<absent>");
}

// The record borrows `topic` and `props`: pass literals or live strings.
protocol::MessageRecord Original(std::string_view topic, std::string_view props,
                                 int32_t reconsume_times) {
  protocol::MessageRecord r;
  r.topic = topic;
  r.queue_id = QueueId(2);
  r.flag = 9;
  r.sys_flag = protocol::MessageSysFlag::kMultiTags;
  r.born_timestamp = 1'700'000'000'123;
  r.born_host = protocol::HostAddress::V4(0x0A000001, 5555);
  r.reconsume_times = reconsume_times;
  r.body = "order-42 unpaid";
  r.properties = props;
  return r;
}

TEST_CASE("the header's maxReconsumeTimes counts from request version 121 only") {
  CHECK(MaxReconsumeTimes(16, 121, 3) == 3);
  CHECK(MaxReconsumeTimes(16, 400, 3) == 3);
  CHECK(MaxReconsumeTimes(16, 120, 3) == 16);
  CHECK(MaxReconsumeTimes(16, 121, std::nullopt) == 16);
  CHECK(MaxReconsumeTimes(5, 0, std::nullopt) == 5);
}

TEST_CASE("delay level 0 becomes 3 + reconsume times until the max, then the dead-letter queue") {
  for (int32_t times = 0; times < 16; ++times) {
    SendBackPlan plan = PlanSendBack(times, 16, 0);
    CHECK_FALSE(plan.dead_letter);
    CHECK(plan.delay_level == 3 + times);
  }
  SendBackPlan exhausted = PlanSendBack(16, 16, 0);
  CHECK(exhausted.dead_letter);
  CHECK(exhausted.delay_level == 0);
  CHECK(PlanSendBack(17, 16, 5).dead_letter);
}

TEST_CASE("a negative delay level goes to the dead-letter queue at once") {
  SendBackPlan plan = PlanSendBack(0, 16, -1);
  CHECK(plan.dead_letter);
  CHECK(plan.delay_level == 0);
}

TEST_CASE("a client-chosen delay level is kept") {
  SendBackPlan plan = PlanSendBack(4, 16, 2);
  CHECK_FALSE(plan.dead_letter);
  CHECK(plan.delay_level == 2);
}

TEST_CASE("a first send-back keeps the message and records where it came from") {
  const std::string props = Props(
      {{"TAGS", "TagA"}, {"KEYS", "k1"}, {"UNIQ_KEY", "U1"}, {"color", "red"}, {"WAIT", "true"}});
  auto original = Original("Orders", props, 0);
  SendBackMessage m =
      BuildSendBackMessage(original, "OFFSETID", "G", PlanSendBack(0, 16, 0), QueueId(1));
  CHECK(m.topic == "%RETRY%G");
  CHECK(m.queue_id == QueueId(1));
  CHECK(m.reconsume_times == 1);
  CHECK(m.body == "order-42 unpaid");
  CHECK(m.flag == 9);
  CHECK(m.sys_flag == protocol::MessageSysFlag::kMultiTags);
  CHECK(m.born_timestamp == original.born_timestamp);
  CHECK(m.born_host == original.born_host);
  CHECK(Prop(m, "RETRY_TOPIC") == "Orders");
  CHECK(Prop(m, "ORIGIN_MESSAGE_ID") == "OFFSETID");
  CHECK(Prop(m, "DELAY") == "3");
  CHECK(Prop(m, "WAIT") == "false");
  CHECK(Prop(m, "TAGS") == "TagA");
  CHECK(Prop(m, "KEYS") == "k1");
  CHECK(Prop(m, "UNIQ_KEY") == "U1");
  CHECK(Prop(m, "color") == "red");
}

TEST_CASE("a retry copy sent back again keeps its first topic and message id") {
  const std::string props = Props({{"UNIQ_KEY", "U1"},
                                   {"RETRY_TOPIC", "Orders"},
                                   {"ORIGIN_MESSAGE_ID", "FIRSTID"},
                                   {"REAL_TOPIC", "%RETRY%G"},
                                   {"REAL_QID", "0"},
                                   {"DELAY", "3"}});
  auto original = Original("%RETRY%G", props, 1);
  SendBackMessage m =
      BuildSendBackMessage(original, "SECONDID", "G", PlanSendBack(1, 16, 0), QueueId(0));
  CHECK(m.topic == "%RETRY%G");
  CHECK(m.reconsume_times == 2);
  CHECK(Prop(m, "RETRY_TOPIC") == "Orders");
  CHECK(Prop(m, "ORIGIN_MESSAGE_ID") == "FIRSTID");
  CHECK(Prop(m, "DELAY") == "4");
}

TEST_CASE("a dead-lettered copy carries every property and DELAY 0") {
  const std::string props = Props({{"TAGS", "TagA"}, {"UNIQ_KEY", "U1"}, {"color", "red"}});
  auto original = Original("Orders", props, 16);
  SendBackMessage m =
      BuildSendBackMessage(original, "OFFSETID", "G", PlanSendBack(16, 16, 0), QueueId(0));
  CHECK(m.topic == "%DLQ%G");
  CHECK(m.queue_id == QueueId(0));
  CHECK(m.reconsume_times == 17);
  CHECK(Prop(m, "DELAY") == "0");
  CHECK(Prop(m, "TAGS") == "TagA");
  CHECK(Prop(m, "UNIQ_KEY") == "U1");
  CHECK(Prop(m, "color") == "red");
  CHECK(Prop(m, "RETRY_TOPIC") == "Orders");
}

TEST_CASE("the send-back header round-trips and names a missing field") {
  SendBackRequestHeader h;
  h.offset = 12345;
  h.group = "G";
  h.delay_level = -1;
  h.origin_msg_id = "ID";
  h.origin_topic = "Orders";
  h.max_reconsume_times = 3;
  h.broker_name = "broker-a";
  protocol::HeaderFields f;
  h.Encode(&f);
  auto back = SendBackRequestHeader::Parse(f);
  REQUIRE(back.ok());
  CHECK(back->offset == 12345);
  CHECK(back->group == "G");
  CHECK(back->delay_level == -1);
  CHECK(back->origin_msg_id == "ID");
  CHECK(back->origin_topic == "Orders");
  CHECK(back->max_reconsume_times == 3);
  CHECK(back->broker_name == "broker-a");
  CHECK_FALSE(back->unit_mode);
  f.erase("offset");
  auto missing = SendBackRequestHeader::Parse(f);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("offset") != std::string::npos);
}

}  // namespace
}  // namespace tern::retry
