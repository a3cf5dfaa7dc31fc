// UPDATE_BROKER_CONFIG against the real `ternmq broker`: live keys change the
// running broker at once (and the nameserver route for brokerPermission), and
// with a config file every update is saved there for the next start.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "src/base/properties.h"
#include "test/broker/integration/broker_process.h"

namespace tern::testing {
namespace {

RemotingCommand UpdateConfig(Cluster& c, const std::string& body) {
  RemotingCommand req = RemotingCommand::Request(Q::kUpdateBrokerConfig);
  req.body = body;
  return c.client.Call(c.broker.addr, req);
}

std::map<std::string, std::string> GetConfig(Cluster& c) {
  RemotingCommand r = c.client.Call(c.broker.addr, RemotingCommand::Request(Q::kGetBrokerConfig));
  REQUIRE(r.code == RC::kSuccess);
  auto props = ParseProperties(r.body, "GET_BROKER_CONFIG");
  REQUIRE(props.ok());
  return {props->begin(), props->end()};
}

RemotingCommand TrySend(Cluster& c, const std::string& topic, std::string body) {
  return c.client.Call(c.broker.addr, SendRequest(SendHeader(topic, 0), std::move(body)));
}

// Polls the nameserver until `topic`'s queue data has `perm` (5 s deadline,
// far below the 30 s registration period: only an immediate re-register passes).
bool WaitForPerm(Cluster& c, const std::string& topic, int32_t perm) {
  auto start = std::chrono::steady_clock::now();
  while (ElapsedMs(start) < 5000) {
    auto route = WaitForRoute(c.client, c.ns.addr, topic, 1000);
    if (route && !route->queue_datas.empty() && route->queue_datas[0].perm == perm) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling with a deadline
  }
  return false;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

TEST_CASE("brokerPermission=4 refuses sends and the route shows perm 4 at once; 6 restores") {
  Cluster c;
  RemotingCommand r = c.client.Call(c.broker.addr, CreateTopicRequest("PermT", 2));
  REQUIRE(r.code == RC::kSuccess);
  REQUIRE(WaitForPerm(c, "PermT", 6));
  REQUIRE(TrySend(c, "PermT", "before").code == RC::kSuccess);

  r = UpdateConfig(c, "brokerPermission=4");
  REQUIRE_MESSAGE(r.code == RC::kSuccess, r.remark.value_or(""));
  r = TrySend(c, "PermT", "while read-only");
  CHECK(r.code == RC::kNoPermission);
  CHECK(r.remark.value_or("").find("sending message is forbidden") != std::string::npos);
  CHECK(WaitForPerm(c, "PermT", 4));
  CHECK(GetConfig(c)["brokerPermission"] == "4");
  // Reads still work on a read-only broker.
  r = c.client.Call(c.broker.addr, PullRequest(PullHeader("PermG", "PermT", 0, 0)));
  CHECK(r.code != RC::kNoPermission);

  REQUIRE(UpdateConfig(c, "brokerPermission=6").code == RC::kSuccess);
  CHECK(TrySend(c, "PermT", "after").code == RC::kSuccess);
  CHECK(WaitForPerm(c, "PermT", 6));
}

TEST_CASE("maxMessageSize lowered refuses a larger send; raised back, it is accepted") {
  Cluster c;
  REQUIRE(c.client.Call(c.broker.addr, CreateTopicRequest("SizeT", 1)).code == RC::kSuccess);
  const std::string body(2048, 'x');
  REQUIRE(TrySend(c, "SizeT", body).code == RC::kSuccess);
  REQUIRE(UpdateConfig(c, "maxMessageSize=1024").code == RC::kSuccess);
  CHECK(TrySend(c, "SizeT", body).code == RC::kMessageIllegal);
  CHECK(TrySend(c, "SizeT", std::string(1000, 'y')).code == RC::kSuccess);
  REQUIRE(UpdateConfig(c, "maxMessageSize=4194304").code == RC::kSuccess);
  CHECK(TrySend(c, "SizeT", body).code == RC::kSuccess);
}

TEST_CASE("autoCreateTopicEnable=false refuses auto-creation; true again creates") {
  Cluster c;
  REQUIRE(TrySend(c, "AutoA", "a").code == RC::kSuccess);
  REQUIRE(UpdateConfig(c, "autoCreateTopicEnable=false").code == RC::kSuccess);
  RemotingCommand r = TrySend(c, "AutoB", "b");
  CHECK(r.code == RC::kTopicNotExist);
  CHECK(TrySend(c, "AutoA", "existing topics still work").code == RC::kSuccess);
  REQUIRE(UpdateConfig(c, "autoCreateTopicEnable=true").code == RC::kSuccess);
  CHECK(TrySend(c, "AutoB", "b").code == RC::kSuccess);
}

TEST_CASE(
    "a broker started with autoCreateTopicEnable=false creates TBW102 when it is switched on") {
  Cluster c({"--autoCreateTopicEnable=false"});
  CHECK(TrySend(c, "LateAuto", "x").code == RC::kTopicNotExist);
  REQUIRE(UpdateConfig(c, "autoCreateTopicEnable=true\ndefaultTopicQueueNums=3").code ==
          RC::kSuccess);
  auto route = WaitForRoute(c.client, c.ns.addr, "TBW102", 5000);
  REQUIRE(route.has_value());
  CHECK(route->queue_datas.at(0).write_queue_nums == 3);
  // The template is written on the broker-meta worker; a later send to an
  // unknown topic queues behind that write (one FIFO), so it finds it.
  CHECK(TrySend(c, "LateAuto", "x").code == RC::kSuccess);
}

TEST_CASE("bad updates are refused by name and change nothing") {
  Cluster c;
  RemotingCommand r = UpdateConfig(c, "brokerPermission=4\nnoSuchKey=1");
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("").find("noSuchKey") != std::string::npos);
  r = UpdateConfig(c, "brokerPermission=4\nlistenPort=20911");  // no config file
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("").find("listenPort cannot be changed while the broker runs") !=
        std::string::npos);
  CHECK(GetConfig(c)["brokerPermission"] == "6");
}

TEST_CASE("with a config file, updates are saved there and a restart picks them up") {
  TempDir conf_dir;
  const std::string conf = conf_dir.Sub("broker.conf");
  {
    std::ofstream out(conf);
    out << "# test broker\nbrokerClusterName=DefaultCluster\nfileReservedTime=48\n";
  }
  // `-c` alone: the broker saves into the file it was started with, as RocketMQ does.
  const std::vector<std::string> args = {"-c", conf};
  Cluster c(args);
  RemotingCommand r = UpdateConfig(c, "fileReservedTime=24\nflushDiskType=SYNC_FLUSH");
  REQUIRE_MESSAGE(r.code == RC::kSuccess, r.remark.value_or(""));
  CHECK(r.remark == std::optional<std::string>("saved; takes effect after restart: flushDiskType"));
  CHECK(ReadFile(conf) ==
        "# test broker\nbrokerClusterName=DefaultCluster\nfileReservedTime=24\n"
        "flushDiskType=SYNC_FLUSH\n");
  auto running = GetConfig(c);
  CHECK(running["fileReservedTime"] == "24");
  CHECK(running["flushDiskType"] == "ASYNC_FLUSH");

  c.RestartBroker(args);
  auto restarted = GetConfig(c);
  CHECK(restarted["fileReservedTime"] == "24");
  CHECK(restarted["flushDiskType"] == "SYNC_FLUSH");
}

}  // namespace
}  // namespace tern::testing
