#include "src/client/topic_publish_info.h"

#include <doctest/doctest.h>

#include <map>

namespace tern::client {
namespace {

protocol::QueueData Qd(std::string broker, int32_t read, int32_t write, int32_t perm = 6) {
  return {std::move(broker), read, write, perm, 0};
}
protocol::BrokerData Bd(std::string broker, bool master = true) {
  protocol::BrokerData bd{"DefaultCluster", broker, {}};
  bd.broker_addrs[master ? 0 : 1] = "127.0.0.1:1";
  return bd;
}

TEST_CASE("publish queues are sorted by broker and skip read-only and masterless brokers") {
  protocol::TopicRouteData route;
  route.queue_datas = {Qd("broker-c", 2, 2), Qd("broker-a", 4, 2), Qd("broker-r", 2, 2, 4),
                       Qd("broker-s", 2, 2)};
  route.broker_datas = {Bd("broker-a"), Bd("broker-c"), Bd("broker-r"), Bd("broker-s", false)};
  auto info = BuildPublishInfo("T", route, false, 4, 0);
  REQUIRE(info.ok());
  std::vector<ternmq::MessageQueue> want = {
      {"T", "broker-a", 0}, {"T", "broker-a", 1}, {"T", "broker-c", 0}, {"T", "broker-c", 1}};
  CHECK((*info)->queues == want);
}

TEST_CASE("a template route gives min(defaultTopicQueueNums, readQueueNums) queues per broker") {
  protocol::TopicRouteData route;
  route.queue_datas = {Qd("broker-a", 8, 8, 7), Qd("broker-b", 2, 8, 7)};
  route.broker_datas = {Bd("broker-a"), Bd("broker-b")};
  auto info = BuildPublishInfo("NewTopic", route, true, 4, 0);
  REQUIRE(info.ok());
  CHECK((*info)->from_default_topic);
  REQUIRE((*info)->queues.size() == 6);
  CHECK((*info)->queues[0].topic == "NewTopic");
  CHECK((*info)->queues[3].queue_id == 3);
  CHECK((*info)->queues[5] == ternmq::MessageQueue{"NewTopic", "broker-b", 1});
}

TEST_CASE("orderTopicConf replaces the queue data") {
  protocol::TopicRouteData route;
  route.order_topic_conf = "broker-b:2;broker-a:1";
  route.queue_datas = {Qd("broker-a", 8, 8)};
  route.broker_datas = {Bd("broker-a"), Bd("broker-b")};
  auto info = BuildPublishInfo("T", route, false, 4, 0);
  REQUIRE(info.ok());
  CHECK((*info)->order_topic);
  std::vector<ternmq::MessageQueue> want = {
      {"T", "broker-b", 0}, {"T", "broker-b", 1}, {"T", "broker-a", 0}};
  CHECK((*info)->queues == want);
}

TEST_CASE("a route without writable queues is NotFound") {
  protocol::TopicRouteData route;
  route.queue_datas = {Qd("broker-a", 4, 4, 4)};
  route.broker_datas = {Bd("broker-a")};
  CHECK(BuildPublishInfo("T", route, false, 4, 0).status().code() == ternmq::StatusCode::kNotFound);
}

TEST_CASE("selection is round-robin and skips the broker that just failed") {
  protocol::TopicRouteData route;
  route.queue_datas = {Qd("broker-a", 2, 2), Qd("broker-b", 2, 2)};
  route.broker_datas = {Bd("broker-a"), Bd("broker-b")};
  auto info = BuildPublishInfo("T", route, false, 4, 0);
  REQUIRE(info.ok());
  std::map<std::string, int> per_broker;
  for (int i = 0; i < 8; ++i) per_broker[SelectQueue(**info, {}, nullptr, 0)->broker_name]++;
  CHECK(per_broker["broker-a"] == 4);
  CHECK(per_broker["broker-b"] == 4);
  for (int i = 0; i < 8; ++i) CHECK(SelectQueue(**info, "broker-a", nullptr, 0)->broker_name == "broker-b");
}

TEST_CASE("a broker in backoff is avoided until the backoff ends, unless it is the only one") {
  protocol::TopicRouteData route;
  route.queue_datas = {Qd("broker-a", 2, 2), Qd("broker-b", 2, 2)};
  route.broker_datas = {Bd("broker-a"), Bd("broker-b")};
  auto info = BuildPublishInfo("T", route, false, 4, 0);
  REQUIRE(info.ok());
  BrokerBackoff backoff(1000);
  backoff.MarkFailed("broker-b", 5000);
  for (int i = 0; i < 6; ++i) CHECK(SelectQueue(**info, {}, &backoff, 5999)->broker_name == "broker-a");
  int b = 0;
  for (int i = 0; i < 8; ++i) b += SelectQueue(**info, {}, &backoff, 6000)->broker_name == "broker-b";
  CHECK(b == 4);
  // Both excluded: the backoff is relaxed before giving up.
  CHECK(SelectQueue(**info, "broker-a", &backoff, 5500)->broker_name == "broker-b");
}

TEST_CASE("sharding index matches Java SelectMessageQueueByHash") {
  // |String.hashCode(key) % 4|, values computed with Java semantics.
  CHECK(ShardingIndex("abc", 4) == 2);           // 96354
  CHECK(ShardingIndex("order-42", 4) == 1);      // 1234255197
  CHECK(ShardingIndex("user-7", 4) == 3);        // -836031819
  CHECK(ShardingIndex("zzzzzzzzzz", 4) == 0);    // -1580979136
  for (size_t n = 1; n < 20; ++n) CHECK(ShardingIndex("user-7", n) < n);
}

}  // namespace
}  // namespace tern::client
