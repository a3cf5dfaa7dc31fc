#include "src/protocol/subscription_group_config.h"

#include <doctest/doctest.h>

namespace tern::protocol {
namespace {

TEST_CASE("subscription group defaults follow the broker defaults") {
  SubscriptionGroupConfig g;
  CHECK(g.consume_enable);
  CHECK(g.consume_from_min_enable);
  CHECK(g.consume_broadcast_enable);
  CHECK(g.retry_queue_nums == 1);
  CHECK(g.retry_max_times == 16);
  CHECK(g.broker_id == 0);
  CHECK(g.which_broker_when_consume_slowly == 1);
  CHECK(g.notify_consumer_ids_changed_enable);
}

TEST_CASE("subscription group decodes the java 4.9 shape and fills missing fields") {
  auto java = SubscriptionGroupConfig::Decode(
      R"({"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":false,)"
      R"("consumeFromMinEnable":true,"groupName":"CG","notifyConsumerIdsChangedEnable":true,)"
      R"("retryMaxTimes":"3","retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1,)"
      R"("groupRetryPolicy":{"type":"CUSTOMIZED"}})");
  REQUIRE(java.ok());
  CHECK(java->group_name == "CG");
  CHECK_FALSE(java->consume_enable);
  CHECK(java->retry_max_times == 3);
  CHECK(java->consume_timeout_minute == 15);
  CHECK_FALSE(SubscriptionGroupConfig::Decode(R"({"retryMaxTimes":3})").ok());
  CHECK_FALSE(SubscriptionGroupConfig::Decode("[1]").ok());
}

TEST_CASE("subscription group encodes compact alphabetical json and round-trips") {
  SubscriptionGroupConfig g;
  g.group_name = "CG";
  g.retry_max_times = 5;
  std::string text = g.Encode();
  CHECK(text.rfind(R"({"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,)", 0) == 0);
  CHECK(text.find(' ') == std::string::npos);
  CHECK(SubscriptionGroupConfig::Decode(text).value() == g);
  g.attributes["k"] = "v";
  CHECK(SubscriptionGroupConfig::Decode(g.Encode()).value() == g);
}

TEST_CASE("subscription group wrapper round-trips with its data version") {
  SubscriptionGroupWrapper w;
  w.data_version.counter = 3;
  w.data_version.timestamp = 1700000000000;
  SubscriptionGroupConfig g;
  g.group_name = "CG";
  w.subscription_group_table["CG"] = g;
  std::string text = w.Encode();
  CHECK(text.rfind(R"({"dataVersion":{"counter":3,"timestamp":1700000000000},"subscriptionGroupTable":{"CG":{)", 0) == 0);
  CHECK(SubscriptionGroupWrapper::Decode(text).value() == w);
}

}  // namespace
}  // namespace tern::protocol
