#include "broker/broker_config.h"

#include <doctest/doctest.h>

namespace tern::broker {
namespace {

TEST_CASE("broker config defaults follow rocketmq") {
  BrokerConfig c;
  CHECK(c.broker_cluster_name == "DefaultCluster");
  CHECK(c.broker_id == 0);
  CHECK(c.listen_port == 10911);
  CHECK(c.broker_permission == 6);
  CHECK(c.default_topic_queue_nums == 8);
  CHECK(c.auto_create_topic_enable);
  CHECK(c.auto_create_subscription_group);
  CHECK(c.long_polling_enable);
  CHECK(c.short_polling_time_mills == 1000);
  CHECK(c.notify_consumer_ids_changed_enable);
  CHECK(c.region_id == "DefaultRegion");
  CHECK(c.trace_on);
  CHECK_FALSE(c.reject_transaction_message);
  CHECK(c.flush_disk_type == "ASYNC_FLUSH");
  CHECK(c.register_name_server_period == 30'000);
  CHECK(c.max_message_size == 4 * 1024 * 1024);
  CHECK(c.mapped_file_size_commit_log == 1LL << 30);
  CHECK(c.mapped_file_size_consume_queue == 6'000'000);
  CHECK(c.rebalance_lock_max_live_time == 60'000);
}

TEST_CASE("broker conf with rocketmq keys applies and resolves derived defaults") {
  auto props = ParseProperties(
      "brokerClusterName=ShopCluster\n"
      "brokerName=broker-a\n"
      "brokerId=0\n"
      "namesrvAddr=127.0.0.1:9876; 10.0.0.2:9876;\n"
      "listenPort=10921\n"
      "brokerIP1=10.1.2.3\n"
      "storePathRootDir=/data/rmq\n"
      "flushDiskType=SYNC_FLUSH\n"
      "deleteWhen=04\n"
      "fileReservedTime=48\n"
      "brokerRole=ASYNC_MASTER\n"
      "sendMessageThreadPoolNums=16\n"
      "rocketmq.broker.rebalance.lockMaxLiveTime=30000\n",
      "broker.conf");
  REQUIRE(props.ok());
  BrokerConfig c;
  Status st = ApplyBrokerConfig(*props, &c);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  CHECK(c.broker_cluster_name == "ShopCluster");
  CHECK(c.broker_name == "broker-a");
  CHECK(c.NamesrvAddrList() == std::vector<std::string>{"127.0.0.1:9876", "10.0.0.2:9876"});
  CHECK(c.sync_flush());
  CHECK(c.file_reserved_time == 48);
  CHECK(c.rebalance_lock_max_live_time == 30'000);
  CHECK(c.compat.at("sendMessageThreadPoolNums") == "16");
  // Derived: HA port = listenPort + 1, brokerIP2 = brokerIP1, commit log under the root.
  CHECK(c.ha_listen_port == 10922);
  CHECK(c.broker_ip2 == "10.1.2.3");
  CHECK(c.BrokerAddr() == "10.1.2.3:10921");
  CHECK(c.HaServerAddr() == "10.1.2.3:10922");
  CHECK(c.store_path_commit_log == "/data/rmq/commitlog");
}

TEST_CASE("broker conf errors name the key") {
  auto apply = [](const char* text) {
    auto props = ParseProperties(text, "broker.conf");
    REQUIRE(props.ok());
    BrokerConfig c;
    c.broker_name = "b";
    return ApplyBrokerConfig(*props, &c);
  };
  Status unknown = apply("brokerNmae=x\n");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.message().find("brokerNmae") != std::string::npos);
  Status bad_enum = apply("flushDiskType=FAST\n");
  REQUIRE_FALSE(bad_enum.ok());
  CHECK(bad_enum.message().find("flushDiskType") != std::string::npos);
  Status bad_int = apply("listenPort=abc\n");
  REQUIRE_FALSE(bad_int.ok());
  CHECK(bad_int.message().find("listenPort") != std::string::npos);
  Status bad_ns = apply("namesrvAddr=localhost\n");
  REQUIRE_FALSE(bad_ns.ok());
  CHECK(bad_ns.message().find("namesrvAddr") != std::string::npos);
  Status acl = apply("aclEnable=true\n");
  REQUIRE_FALSE(acl.ok());
  CHECK(acl.message().find("aclEnable") != std::string::npos);
}

TEST_CASE("default broker ip is the first non-loopback ipv4") {
  CHECK(PickBrokerIp({"127.0.0.1", "10.0.0.5", "192.168.1.2"}) == "10.0.0.5");
  CHECK(PickBrokerIp({"127.0.0.1"}) == "127.0.0.1");
  CHECK(PickBrokerIp({}) == "127.0.0.1");
  BrokerConfig c;
  c.broker_name = "b";
  REQUIRE(ResolveBrokerConfig(&c).ok());
  CHECK_FALSE(c.broker_ip1.empty());
  CHECK(c.broker_ip1 == PickBrokerIp(LocalIpv4Addresses()));
}

TEST_CASE("registration period is clamped to ten to sixty seconds") {
  BrokerConfig c;
  c.register_name_server_period = 1000;
  CHECK(c.RegisterPeriodMs() == 10'000);
  c.register_name_server_period = 600'000;
  CHECK(c.RegisterPeriodMs() == 60'000);
  c.register_name_server_period = 30'000;
  CHECK(c.RegisterPeriodMs() == 30'000);
}

}  // namespace
}  // namespace tern::broker
