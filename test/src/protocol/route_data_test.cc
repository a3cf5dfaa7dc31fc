#include "src/protocol/route_data.h"

#include <doctest/doctest.h>

#include "src/protocol/topic_list.h"

namespace tern::protocol {
namespace {

// Byte-exact samples from shared/spec/requests.md §C.1 and §C.3.
const char* kLegacyRoute =
    R"({"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]})";
const char* kStandardRoute =
    R"({"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]})";
const char* kClusterInfo =
    R"({"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster"}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}})";

TopicRouteData SampleRoute() {
  TopicRouteData r;
  r.broker_datas.push_back(
      {"DefaultCluster", "broker-a", {{0, "127.0.0.1:10911"}, {1, "127.0.0.1:10921"}}});
  r.queue_datas.push_back({"broker-a", 4, 4, 6, 0});
  return r;
}

TEST_CASE("route data encodes the legacy form with unquoted broker ids byte-exact") {
  CHECK(SampleRoute().Encode(NumericKeys::kUnquoted) == kLegacyRoute);
}

TEST_CASE("route data encodes the standard form with quoted broker ids byte-exact") {
  CHECK(SampleRoute().Encode(NumericKeys::kQuoted) == kStandardRoute);
}

TEST_CASE("route data decodes both key forms to the same value") {
  auto legacy = TopicRouteData::Decode(kLegacyRoute);
  auto standard = TopicRouteData::Decode(kStandardRoute);
  REQUIRE(legacy.ok());
  REQUIRE(standard.ok());
  CHECK(*legacy == SampleRoute());
  CHECK(*standard == SampleRoute());
}

TEST_CASE("route data carries orderTopicConf and filter servers in field order") {
  TopicRouteData r = SampleRoute();
  r.order_topic_conf = "broker-a:4";
  r.filter_server_table["127.0.0.1:10911"] = {"127.0.0.1:30000"};
  std::string text = r.Encode(NumericKeys::kQuoted);
  CHECK(
      text.find(
          R"("filterServerTable":{"127.0.0.1:10911":["127.0.0.1:30000"]},"orderTopicConf":"broker-a:4","queueDatas")") !=
      std::string::npos);
  auto back = TopicRouteData::Decode(text);
  REQUIRE(back.ok());
  CHECK(*back == r);
}

TEST_CASE("route data decoding accepts numbers as strings, extra fields and old topicSynFlag") {
  auto r = TopicRouteData::Decode(
      R"({"queueDatas":[{"brokerName":"b","perm":"6","readQueueNums":"8","writeQueueNums":8,"topicSynFlag":3,"extra":1}],)"
      R"("brokerDatas":[{"cluster":"c","brokerName":"b","brokerAddrs":{"0":"h:1"},"zoneName":"z","enableActingMaster":false}]})");
  REQUIRE(r.ok());
  REQUIRE(r->queue_datas.size() == 1);
  CHECK(r->queue_datas[0].perm == 6);
  CHECK(r->queue_datas[0].read_queue_nums == 8);
  CHECK(r->queue_datas[0].topic_sys_flag == 3);
  CHECK(r->broker_datas[0].broker_addrs.at(0) == "h:1");
}

TEST_CASE("route data decoding rejects malformed input with a status") {
  CHECK_FALSE(TopicRouteData::Decode("{").ok());
  CHECK_FALSE(TopicRouteData::Decode(R"({"queueDatas":{}})").ok());
  CHECK_FALSE(TopicRouteData::Decode(R"({"brokerDatas":[{"brokerAddrs":{"x":"h:1"}}]})").ok());
  CHECK_FALSE(TopicRouteData::Decode(R"({"queueDatas":[{"perm":"six"}]})").ok());
}

TEST_CASE("cluster info encodes unquoted keys byte-exact and decodes back") {
  ClusterInfo c;
  c.broker_addr_table["broker-a"] = {
      "DefaultCluster", "broker-a", {{0, "127.0.0.1:10911"}, {1, "127.0.0.1:10921"}}};
  c.cluster_addr_table["DefaultCluster"] = {"broker-a"};
  CHECK(c.Encode() == kClusterInfo);
  auto back = ClusterInfo::Decode(kClusterInfo);
  REQUIRE(back.ok());
  CHECK(*back == c);
}

TEST_CASE("topic list and kv table encode compact standard json") {
  TopicList t;
  t.topic_list = {"T"};
  CHECK(t.Encode() == R"({"topicList":["T"]})");
  t.broker_addr = "127.0.0.1:10911";
  CHECK(t.Encode() == R"({"brokerAddr":"127.0.0.1:10911","topicList":["T"]})");
  auto back = TopicList::Decode(t.Encode());
  REQUIRE(back.ok());
  CHECK(*back == t);

  KvTable kv;
  kv.table["putTps"] = "0.00 0.00 0.00";
  CHECK(kv.Encode() == R"({"table":{"putTps":"0.00 0.00 0.00"}})");
  auto kv_back = KvTable::Decode(kv.Encode());
  REQUIRE(kv_back.ok());
  CHECK(*kv_back == kv);
}

}  // namespace
}  // namespace tern::protocol
