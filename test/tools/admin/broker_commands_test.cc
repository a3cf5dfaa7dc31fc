// The broker-side admin commands against a real `ternmq dev` (admin_binary_test.cc
// checks their requests against a stand-in broker; here the real broker
// answers and the printed figures are checked against what the test did):
// clusterList, updateTopic, topicRoute, topicStatus, topicClusterList,
// brokerStatus, getBrokerConfig/updateBrokerConfig, updateSubGroup/deleteSubGroup,
// deleteTopic, wipeWritePerm/addWritePerm.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "src/protocol/codes.h"
#include "test/tools/admin/admin_test_util.h"

namespace tern::tools::admin {
namespace {

using testing::CommandResult;
using testing::TempDir;

// The broker's address as clusterList --json reports it.
std::string BrokerAddr(const std::string& ns) {
  CommandResult r = Admin({"clusterList", "-n", ns, "--json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  nlohmann::json j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 1);
  return j[0]["addr"].get<std::string>();
}

// retryMaxTimes of `group` in the broker's GET_ALL_SUBSCRIPTIONGROUP_CONFIG, -1 if absent.
int RetryMaxTimesOf(const std::string& broker, const std::string& group) {
  testing::TestRpcClient rpc;
  auto resp = rpc.Call(broker, remoting::RemotingCommand::Request(
                                   protocol::RequestCode::kGetAllSubscriptionGroupConfig));
  REQUIRE(resp.code == protocol::ResponseCode::kSuccess);
  nlohmann::json j = nlohmann::json::parse(resp.body);
  const auto& table = j["subscriptionGroupTable"];
  if (!table.contains(group)) return -1;
  return table[group]["retryMaxTimes"].get<int>();
}

TEST_CASE("broker commands against ternmq dev: topics, figures, configs, groups, permissions") {
  TempDir dir;
  testing::BootedTernmq dev = StartDev(dir);
  const std::string& ns = dev.addr;

  // clusterList: one cluster, one master.
  CommandResult cl = Admin({"clusterList", "-n", ns});
  INFO(cl.out, cl.err);
  REQUIRE(cl.exit_code == 0);
  CHECK(cl.out.find("DefaultCluster") != std::string::npos);
  const std::string broker = BrokerAddr(ns);
  CHECK(cl.out.find(broker) != std::string::npos);

  // updateTopic creates a 3-queue topic; the route shows it.
  CommandResult up = Admin({"updateTopic", "-t", "AdminBT", "-c", "DefaultCluster", "-r", "3",
                            "-w", "3", "-n", ns});
  INFO(up.out, up.err);
  REQUIRE(up.exit_code == 0);
  CHECK(up.out.find("readQueueNums=3, writeQueueNums=3") != std::string::npos);
  nlohmann::json route;
  REQUIRE(WaitUntil([&] {
    CommandResult r = Admin({"topicRoute", "-t", "AdminBT", "-n", ns});
    if (r.exit_code != 0) return false;
    route = nlohmann::json::parse(r.out);
    return true;
  }, 10'000));
  REQUIRE(route["queueDatas"].size() == 1);
  CHECK(route["queueDatas"][0]["writeQueueNums"] == 3);
  CHECK(route["queueDatas"][0]["perm"] == 6);
  const std::string broker_name = route["brokerDatas"][0]["brokerName"].get<std::string>();

  // Five messages to queue 1: topicStatus counts them there and nowhere else.
  for (int i = 0; i < 5; ++i) {
    CommandResult s = Admin({"sendMessage", "-t", "AdminBT", "-p", "body" + std::to_string(i),
                             "-b", broker_name, "-i", "1", "-n", ns});
    REQUIRE_MESSAGE(s.exit_code == 0, s.err);
  }
  CommandResult st = Admin({"topicStatus", "-t", "AdminBT", "-n", ns, "--json"});
  INFO(st.out, st.err);
  REQUIRE(st.exit_code == 0);
  nlohmann::json status = nlohmann::json::parse(st.out);
  REQUIRE(status["queues"].size() == 3);
  for (const auto& q : status["queues"]) {
    CHECK(q["minOffset"] == 0);
    CHECK(q["maxOffset"] == (q["queueId"] == 1 ? 5 : 0));
  }

  // topicClusterList names the cluster.
  CommandResult tcl = Admin({"topicClusterList", "-t", "AdminBT", "-n", ns});
  CHECK(tcl.exit_code == 0);
  CHECK(tcl.out.find("DefaultCluster") != std::string::npos);

  // brokerStatus counts today's puts (the five above).
  CommandResult bs = Admin({"brokerStatus", "-b", broker, "-n", ns, "--json"});
  INFO(bs.out, bs.err);
  REQUIRE(bs.exit_code == 0);
  nlohmann::json figures = nlohmann::json::parse(bs.out);
  CHECK(std::stoll(figures["msgPutTotalTodayNow"].get<std::string>()) >= 5);
  CHECK(figures["brokerVersionDesc"] == "V4_9_4");

  // getBrokerConfig / updateBrokerConfig: a live key changes what the broker accepts.
  CommandResult gc = Admin({"getBrokerConfig", "-b", broker, "-n", ns});
  REQUIRE(gc.exit_code == 0);
  CHECK(gc.out.find("maxMessageSize") != std::string::npos);
  CommandResult uc =
      Admin({"updateBrokerConfig", "-b", broker, "-k", "maxMessageSize", "-v", "2000", "-n", ns});
  INFO(uc.out, uc.err);
  REQUIRE(uc.exit_code == 0);
  CommandResult gc2 = Admin({"getBrokerConfig", "-b", broker, "-n", ns, "--json"});
  REQUIRE(gc2.exit_code == 0);
  CHECK(nlohmann::json::parse(gc2.out)[broker]["maxMessageSize"] == "2000");
  CommandResult big = Admin({"sendMessage", "-t", "AdminBT", "-p", std::string(3000, 'x'), "-n", ns});
  CHECK(big.exit_code == 1);
  CHECK(OneLine(big.err));
  CHECK(big.err.find("limit 2000B") != std::string::npos);

  // updateSubGroup / deleteSubGroup: the broker's group table follows.
  CommandResult ug = Admin({"updateSubGroup", "-g", "AdminGG", "-c", "DefaultCluster", "-r", "5",
                            "-n", ns});
  INFO(ug.out, ug.err);
  REQUIRE(ug.exit_code == 0);
  CHECK(RetryMaxTimesOf(broker, "AdminGG") == 5);
  CommandResult dg = Admin({"deleteSubGroup", "-g", "AdminGG", "-c", "DefaultCluster", "-n", ns});
  REQUIRE_MESSAGE(dg.exit_code == 0, dg.err);
  CHECK(RetryMaxTimesOf(broker, "AdminGG") == -1);

  // wipeWritePerm / addWritePerm change the route's permission (RocketMQ: wipe
  // clears W, add sets RW).
  CommandResult wipe = Admin({"wipeWritePerm", "-b", broker_name, "-n", ns});
  REQUIRE_MESSAGE(wipe.exit_code == 0, wipe.err);
  CommandResult r1 = Admin({"topicRoute", "-t", "AdminBT", "-n", ns});
  CHECK(nlohmann::json::parse(r1.out)["queueDatas"][0]["perm"] == 4);
  CommandResult add = Admin({"addWritePerm", "-b", broker_name, "-n", ns});
  REQUIRE_MESSAGE(add.exit_code == 0, add.err);
  CommandResult r2 = Admin({"topicRoute", "-t", "AdminBT", "-n", ns});
  CHECK(nlohmann::json::parse(r2.out)["queueDatas"][0]["perm"] == 6);

  // deleteTopic: the nameserver no longer knows it.
  CommandResult del = Admin({"deleteTopic", "-t", "AdminBT", "-c", "DefaultCluster", "-n", ns});
  INFO(del.out, del.err);
  REQUIRE(del.exit_code == 0);
  CommandResult gone = Admin({"topicRoute", "-t", "AdminBT", "-n", ns});
  CHECK(gone.exit_code == 1);
  CHECK(OneLine(gone.err));
  CHECK(gone.err.find("does not exist") != std::string::npos);
}

}  // namespace
}  // namespace tern::tools::admin
