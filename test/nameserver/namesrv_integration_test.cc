// The real `ternmq namesrv` binary over TCP: a test broker registers topics,
// a test client reads routes and cluster info, the broker disconnects, KV
// config survives a restart.
#include <doctest/doctest.h>
#include <signal.h>

#include <chrono>
#include <optional>
#include <thread>

#include "src/net/event_loop.h"
#include "src/protocol/codes.h"
#include "src/protocol/register_broker_body.h"
#include "src/protocol/route_data.h"
#include "src/protocol/topic_list.h"
#include "src/remoting/rpc_client.h"
#include "test/util/child_process.h"
#include "test/util/remoting_fixtures.h"
#include "test/util/temp_dir.h"

namespace tern::nameserver {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;
using remoting::RemotingCommand;
using remoting::RpcClient;
using testing::ChildProcess;
using testing::TempDir;

constexpr int64_t kTimeoutMs = 5000;

using Namesrv = testing::BootedTernmq;
using Client = testing::TestRpcClient;
using testing::StartNamesrv;

RemotingCommand RegisterRequest(const std::string& broker_addr, std::vector<std::string> topics) {
  testing::TestBroker broker;
  broker.addr = broker_addr;
  return testing::RegisterBrokerRequest(broker, topics);
}

RemotingCommand RouteRequest(const std::string& topic, int32_t version) {
  RemotingCommand req = RemotingCommand::Request(RC::kGetRouteinfoByTopic);
  req.version = version;
  req.SetField("topic", topic);
  return req;
}

TEST_CASE("a broker registers, clients read routes and cluster info, a disconnect removes them") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir.Sub("data"), dir.Sub("namesrv.log"));
  Client broker;
  Client client;

  RemotingCommand reg = broker.Call(ns.addr, RegisterRequest("127.0.0.1:10911", {"T", "TBW102"}));
  CHECK(reg.code == Code::kSuccess);

  RemotingCommand legacy = client.Call(ns.addr, RouteRequest("T", 317));
  REQUIRE(legacy.code == Code::kSuccess);
  CHECK(legacy.body.find(R"("brokerAddrs":{0:"127.0.0.1:10911"})") != std::string::npos);
  RemotingCommand standard = client.Call(ns.addr, RouteRequest("T", 401));
  REQUIRE(standard.code == Code::kSuccess);
  CHECK(standard.body.find(R"("brokerAddrs":{"0":"127.0.0.1:10911"})") != std::string::npos);
  auto route = protocol::TopicRouteData::Decode(legacy.body);
  REQUIRE(route.ok());
  CHECK(route->queue_datas.at(0).write_queue_nums == 4);

  RemotingCommand missing = client.Call(ns.addr, RouteRequest("Nope", 401));
  CHECK(missing.code == Code::kTopicNotExist);

  RemotingCommand info = client.Call(ns.addr, RemotingCommand::Request(RC::kGetBrokerClusterInfo));
  auto cluster = protocol::ClusterInfo::Decode(info.body);
  REQUIRE(cluster.ok());
  CHECK(cluster->cluster_addr_table.at("DefaultCluster").count("broker-a") == 1);

  RemotingCommand topics =
      client.Call(ns.addr, RemotingCommand::Request(RC::kGetAllTopicListFromNameserver));
  CHECK(topics.body == R"({"topicList":["T","TBW102"]})");

  // The broker's connection closes: the nameserver drops it at once. There is
  // no event to wait on from outside, so ask again until the deadline.
  broker.rpc().CloseConnection(ns.addr);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int32_t code = Code::kSuccess;
  while (std::chrono::steady_clock::now() < deadline) {
    code = client.Call(ns.addr, RouteRequest("T", 401)).code;
    if (code == Code::kTopicNotExist) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(code == Code::kTopicNotExist);
}

TEST_CASE("kv config survives a restart of the binary") {
  TempDir dir;
  {
    Namesrv ns = StartNamesrv(dir.Sub("data"), dir.Sub("namesrv1.log"));
    Client client;
    RemotingCommand put = RemotingCommand::Request(RC::kPutKvConfig);
    put.SetField("namespace", "ORDER_TOPIC_CONFIG");
    put.SetField("key", "T");
    put.SetField("value", "broker-a:4");
    CHECK(client.Call(ns.addr, put).code == Code::kSuccess);
    REQUIRE(ns.child->Signal(SIGTERM).ok());
    CHECK(ns.child->Wait(10'000).ok());
  }
  Namesrv again = StartNamesrv(dir.Sub("data"), dir.Sub("namesrv2.log"));
  Client client;
  RemotingCommand get = RemotingCommand::Request(RC::kGetKvConfig);
  get.SetField("namespace", "ORDER_TOPIC_CONFIG");
  get.SetField("key", "T");
  RemotingCommand r = client.Call(again.addr, get);
  CHECK(r.code == Code::kSuccess);
  CHECK(r.Field("value") == "broker-a:4");
}

TEST_CASE("an unknown request code answers REQUEST_CODE_NOT_SUPPORTED") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir.Sub("data"), dir.Sub("namesrv.log"));
  Client client;
  RemotingCommand r = client.Call(ns.addr, RemotingCommand::Request(9999));
  CHECK(r.code == Code::kRequestCodeNotSupported);
  CHECK(r.remark == " request type 9999 not supported");
}

TEST_CASE("two nameservers keep independent tables") {
  TempDir dir;
  Namesrv a = StartNamesrv(dir.Sub("a"), dir.Sub("a.log"));
  Namesrv b = StartNamesrv(dir.Sub("b"), dir.Sub("b.log"));
  Client broker;
  Client client;
  CHECK(broker.Call(a.addr, RegisterRequest("127.0.0.1:10911", {"OnlyA"})).code == Code::kSuccess);
  CHECK(client.Call(a.addr, RouteRequest("OnlyA", 401)).code == Code::kSuccess);
  CHECK(client.Call(b.addr, RouteRequest("OnlyA", 401)).code == Code::kTopicNotExist);
}

}  // namespace
}  // namespace tern::nameserver
