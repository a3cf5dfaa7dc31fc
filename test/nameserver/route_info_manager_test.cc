#include "nameserver/route_info_manager.h"

#include <doctest/doctest.h>

namespace tern::nameserver {
namespace {

using protocol::DataVersion;
using protocol::TopicConfig;

TopicConfig Topic(const std::string& name, int32_t queues = 4, int32_t perm = 6) {
  TopicConfig c;
  c.topic_name = name;
  c.read_queue_nums = queues;
  c.write_queue_nums = queues;
  c.perm = perm;
  return c;
}

BrokerRegistration Reg(const std::string& name, int64_t id, const std::string& addr,
                       std::vector<TopicConfig> topics, int64_t counter = 1,
                       uint64_t connection = 1, const std::string& cluster = "DefaultCluster") {
  BrokerRegistration r;
  r.cluster_name = cluster;
  r.broker_name = name;
  r.broker_id = id;
  r.broker_addr = addr;
  r.ha_server_addr = addr + "-ha";
  r.topics.data_version = DataVersion{1000, counter, std::nullopt};
  for (auto& t : topics) r.topics.topic_config_table[t.topic_name] = t;
  r.connection = ConnectionId(connection);
  return r;
}

constexpr int64_t kExpiry = 120'000;

TEST_CASE("registration of a master creates cluster, broker and topic routes") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  auto result =
      m.RegisterBroker(Reg("broker-a", 0, "127.0.0.1:10911", {Topic("T"), Topic("TBW102", 8, 7)}));
  CHECK(result.master_addr.empty());
  CHECK(m.cluster_addr_table().at("DefaultCluster").count("broker-a") == 1);
  CHECK(m.broker_addr_table().at("broker-a").broker_addrs.at(0) == "127.0.0.1:10911");

  auto route = m.PickupTopicRouteData("TBW102");
  REQUIRE(route);
  REQUIRE(route->queue_datas.size() == 1);
  CHECK(route->queue_datas[0].perm == 7);
  CHECK(route->queue_datas[0].read_queue_nums == 8);
  REQUIRE(route->broker_datas.size() == 1);
  CHECK(route->broker_datas[0].cluster == "DefaultCluster");
  CHECK_FALSE(m.PickupTopicRouteData("Unknown"));
  CHECK(m.GetAllTopicList().topic_list == std::vector<std::string>{"T", "TBW102"});
}

TEST_CASE("topics are re-read only when the data version changed") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("T", 4)}, 1));
  // Same data version, different topic table: ignored (the broker said nothing changed).
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("T", 8), Topic("U")}, 1));
  CHECK(m.PickupTopicRouteData("T")->queue_datas[0].read_queue_nums == 4);
  CHECK_FALSE(m.PickupTopicRouteData("U"));
  // New data version: topics updated and added; missing ones are kept.
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("U")}, 2));
  CHECK(m.PickupTopicRouteData("U"));
  CHECK(m.PickupTopicRouteData("T")->queue_datas[0].read_queue_nums == 4);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("T", 8)}, 3));
  CHECK(m.PickupTopicRouteData("T")->queue_datas[0].read_queue_nums == 8);
}

TEST_CASE("a slave adds its address but not its topics and learns its master") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  auto before = m.RegisterBroker(Reg("broker-a", 1, "a:2", {Topic("S")}));
  CHECK(before.master_addr.empty());  // no master yet
  CHECK_FALSE(m.PickupTopicRouteData("S"));
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("T")}));
  auto after = m.RegisterBroker(Reg("broker-a", 1, "a:2", {Topic("S")}, 2));
  CHECK(after.master_addr == "a:1");
  CHECK(after.ha_server_addr == "a:1-ha");
  auto route = m.PickupTopicRouteData("T");
  REQUIRE(route);
  CHECK(route->broker_datas[0].broker_addrs.size() == 2);
}

TEST_CASE("an address re-registering under another id loses its old id") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("T")}));
  m.RegisterBroker(Reg("broker-a", 1, "a:2", {}));
  // The master dies, the slave is promoted and registers as id 0 with its address.
  m.UnregisterBroker("DefaultCluster", "a:1", "broker-a", 0);
  m.RegisterBroker(Reg("broker-a", 0, "a:2", {Topic("T")}, 5));
  const auto& addrs = m.broker_addr_table().at("broker-a").broker_addrs;
  CHECK(addrs.size() == 1);
  CHECK(addrs.at(0) == "a:2");
}

TEST_CASE("brokers expire after 120 s without registration and their routes go") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("T"), Topic("Only-a")}));
  m.RegisterBroker(Reg("broker-b", 0, "b:1", {Topic("T")}, 1, 2));
  clock.AdvanceMs(60'000);
  m.RegisterBroker(Reg("broker-b", 0, "b:1", {Topic("T")}, 1, 2));  // b keeps registering
  clock.AdvanceMs(60'000);
  CHECK(m.RunOnce(clock.MonotonicMs()).size() == 0);  // exactly 120 s: not yet
  clock.AdvanceMs(1);
  CHECK(m.RunOnce(clock.MonotonicMs()).size() == 1);
  CHECK(m.broker_live_table().count("a:1") == 0);
  CHECK(m.broker_addr_table().count("broker-a") == 0);
  CHECK_FALSE(m.PickupTopicRouteData("Only-a"));
  auto t = m.PickupTopicRouteData("T");
  REQUIRE(t);
  REQUIRE(t->queue_datas.size() == 1);
  CHECK(t->queue_datas[0].broker_name == "broker-b");
  clock.AdvanceMs(120'000);
  CHECK(m.RunOnce(clock.MonotonicMs()).size() == 1);
  CHECK(m.cluster_addr_table().empty());
  CHECK(m.topic_queue_table().empty());
}

TEST_CASE("a per-broker heartbeat timeout overrides the default expiry") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  auto reg = Reg("broker-a", 0, "a:1", {Topic("T")});
  reg.heartbeat_timeout_ms = 10'000;
  m.RegisterBroker(reg);
  clock.AdvanceMs(10'001);
  CHECK(m.RunOnce(clock.MonotonicMs()).size() == 1);
}

TEST_CASE("closing a broker's connection removes it at once, a stale connection does not") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("T")}, 1, /*connection=*/7));
  // The broker reconnected and registered over connection 8; the old one closes late.
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("T")}, 1, 8));
  m.OnConnectionClosed(ConnectionId(7));
  CHECK(m.PickupTopicRouteData("T"));
  m.OnConnectionClosed(ConnectionId(8));
  CHECK_FALSE(m.PickupTopicRouteData("T"));
  CHECK(m.broker_live_table().empty());
  CHECK(m.broker_addr_table().empty());
}

TEST_CASE("unregistering the last address removes the broker name, cluster and its topics") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("T")}));
  m.RegisterBroker(Reg("broker-a", 1, "a:2", {}));
  m.UnregisterBroker("DefaultCluster", "a:2", "broker-a", 1);
  CHECK(m.PickupTopicRouteData("T"));  // master still there
  m.UnregisterBroker("DefaultCluster", "a:1", "broker-a", 0);
  CHECK_FALSE(m.PickupTopicRouteData("T"));
  CHECK(m.topic_queue_table().empty());
  CHECK(m.cluster_addr_table().empty());
  CHECK(m.broker_live_table().empty());
}

TEST_CASE("wipe and add write permission change every queue of the broker") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("T", 4, 6), Topic("U", 4, 7)}));
  m.RegisterBroker(Reg("broker-b", 0, "b:1", {Topic("T", 4, 6)}, 1, 2));
  CHECK(m.WipeWritePermOfBroker("broker-a") == 2);
  CHECK(m.PickupTopicRouteData("U")->queue_datas[0].perm == 5);  // 7 & ~2
  auto t = m.PickupTopicRouteData("T");
  REQUIRE(t);
  REQUIRE(t->queue_datas.size() == 2);
  for (const auto& q : t->queue_datas) {
    CHECK(q.perm == (q.broker_name == "broker-a" ? 4 : 6));
  }
  CHECK(m.AddWritePermOfBroker("broker-a") == 2);
  CHECK(m.PickupTopicRouteData("U")->queue_datas[0].perm == 6);
  CHECK(m.WipeWritePermOfBroker("nobody") == 0);
}

TEST_CASE("delete topic without cluster removes it, with cluster only that cluster's queues") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("T"), Topic("V")}, 1, 1, "c1"));
  m.RegisterBroker(Reg("broker-b", 0, "b:1", {Topic("T"), Topic("V")}, 1, 2, "c2"));
  m.DeleteTopic("T", "c1");
  auto t = m.PickupTopicRouteData("T");
  REQUIRE(t);
  REQUIRE(t->queue_datas.size() == 1);
  CHECK(t->queue_datas[0].broker_name == "broker-b");
  m.DeleteTopic("T", "c2");
  CHECK(m.topic_queue_table().count("T") == 0);
  m.DeleteTopic("V");
  CHECK_FALSE(m.PickupTopicRouteData("V"));
  m.DeleteTopic("V", "no-such-cluster");  // no-op
}

TEST_CASE("topic lists by cluster, system topics and unit flags") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  TopicConfig unit = Topic("Unit");
  unit.topic_sys_flag = protocol::kTopicSysFlagUnit;
  TopicConfig unit_sub = Topic("UnitSub");
  unit_sub.topic_sys_flag = protocol::kTopicSysFlagUnitSub;
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("A"), unit, unit_sub}, 1, 1, "c1"));
  m.RegisterBroker(Reg("broker-b", 0, "b:1", {Topic("B")}, 1, 2, "c2"));
  CHECK(m.GetTopicsByCluster("c2").topic_list == std::vector<std::string>{"B"});
  CHECK(m.GetTopicsByCluster("c1").topic_list.size() == 3);
  CHECK(m.GetTopicsByCluster("none").topic_list.empty());
  auto sys = m.GetSystemTopicList();
  CHECK(sys.topic_list == std::vector<std::string>{"broker-a", "broker-b", "c1", "c2"});
  CHECK(sys.broker_addr == "a:1");
  CHECK(m.GetUnitTopics().topic_list == std::vector<std::string>{"Unit"});
  CHECK(m.GetHasUnitSubTopicList().topic_list == std::vector<std::string>{"UnitSub"});
  CHECK(m.GetHasUnitSubUnUnitTopicList().topic_list == std::vector<std::string>{"UnitSub"});
}

TEST_CASE("data version queries compare with the stored version and refresh liveness") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {Topic("T")}, 3));
  CHECK_FALSE(m.IsBrokerTopicConfigChanged("a:1", DataVersion{1000, 3, std::nullopt}));
  CHECK(m.IsBrokerTopicConfigChanged("a:1", DataVersion{1000, 4, std::nullopt}));
  CHECK(m.IsBrokerTopicConfigChanged("unknown:1", DataVersion{}));
  CHECK(m.QueryBrokerTopicConfig("a:1")->counter == 3);
  clock.AdvanceMs(100'000);
  m.UpdateBrokerInfoUpdateTimestamp("a:1");
  clock.AdvanceMs(100'000);
  CHECK(m.RunOnce(clock.MonotonicMs()).size() == 0);
}

TEST_CASE("register topic adds queues only for known brokers") {
  ManualClock clock;
  RouteInfoManager m(clock, kExpiry);
  m.RegisterBroker(Reg("broker-a", 0, "a:1", {}));
  CHECK_FALSE(m.RegisterTopic("X", {{"broker-zz", 1, 1, 6, 0}}));
  CHECK_FALSE(m.PickupTopicRouteData("X"));
  CHECK(m.RegisterTopic("X", {{"broker-a", 2, 2, 6, 0}}));
  CHECK(m.PickupTopicRouteData("X")->queue_datas[0].read_queue_nums == 2);
}

}  // namespace
}  // namespace tern::nameserver
