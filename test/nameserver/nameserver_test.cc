// NameServer wiring in-process: real sockets on 127.0.0.1, real RpcClient,
// ManualClock driving broker expiry through the scan timer.
#include "nameserver/nameserver.h"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <thread>

#include "src/protocol/codes.h"
#include "src/protocol/register_broker_body.h"
#include "src/remoting/rpc_client.h"
#include "test/util/remoting_fixtures.h"
#include "test/util/temp_dir.h"

namespace tern::nameserver {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;
using remoting::RemotingCommand;

using Client = testing::TestRpcClient;

NamesrvConfig TestConfig(const testing::TempDir& dir) {
  NamesrvConfig config;
  config.listen_port = 0;
  config.bind_address = "127.0.0.1";
  config.data_dir = dir.Sub("data");
  config.scan_not_active_broker_interval = 100;
  return config;
}

RemotingCommand Register(const std::string& topic) {
  protocol::RegisterBrokerBody body;
  protocol::TopicConfig c;
  c.topic_name = topic;
  body.topic_config_serialize_wrapper.topic_config_table[topic] = c;
  RemotingCommand req = RemotingCommand::Request(RC::kRegisterBroker);
  req.SetField("brokerName", "broker-a");
  req.SetField("brokerAddr", "127.0.0.1:10911");
  req.SetField("clusterName", "DefaultCluster");
  req.SetField("haServerAddr", "127.0.0.1:10912");
  req.SetField("brokerId", "0");
  req.body = body.Encode();
  return req;
}

int32_t RouteCode(Client& client, const std::string& addr, const std::string& topic) {
  RemotingCommand req = RemotingCommand::Request(RC::kGetRouteinfoByTopic);
  req.SetField("topic", topic);
  return client.Call(addr, req).code;
}

TEST_CASE("name server answers over tcp, persists kv changes and stops cleanly") {
  testing::TempDir dir;
  ManualClock clock;
  NameServer ns(TestConfig(dir), clock);
  REQUIRE(ns.Start().ok());
  std::string addr = "127.0.0.1:" + std::to_string(ns.port());
  Client client;
  CHECK(client.Call(addr, Register("T")).code == Code::kSuccess);
  CHECK(RouteCode(client, addr, "T") == Code::kSuccess);

  RemotingCommand put = RemotingCommand::Request(RC::kPutKvConfig);
  put.SetField("namespace", "ns");
  put.SetField("key", "k");
  put.SetField("value", "v");
  CHECK(client.Call(addr, put).code == Code::kSuccess);
  // The reply comes after the file was written.
  CHECK(testing::ReadFile(dir.Sub("data/kvConfig.json")) == R"({"configTable":{"ns":{"k":"v"}}})");
  CHECK(client.Call(addr, RemotingCommand::Request(4242)).code == Code::kRequestCodeNotSupported);
  ns.Stop();
  ns.Stop();  // idempotent
}

TEST_CASE("a silent broker is dropped by the expiry scan") {
  testing::TempDir dir;
  ManualClock clock;
  NameServer ns(TestConfig(dir), clock);
  REQUIRE(ns.Start().ok());
  std::string addr = "127.0.0.1:" + std::to_string(ns.port());
  Client client;
  CHECK(client.Call(addr, Register("T")).code == Code::kSuccess);
  clock.AdvanceMs(120'001);
  // The scan runs every 100 ms on the loop; wait for its effect with a deadline.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int32_t code = Code::kSuccess;
  while (std::chrono::steady_clock::now() < deadline) {
    code = RouteCode(client, addr, "T");
    if (code == Code::kTopicNotExist) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(code == Code::kTopicNotExist);
}

TEST_CASE("a corrupt kv file makes start fail naming the file") {
  testing::TempDir dir;
  NamesrvConfig config = TestConfig(dir);
  config.kv_config_path = dir.Sub("kv.json");
  testing::WriteFile(config.kv_config_path, "garbage");
  ManualClock clock;
  NameServer ns(config, clock);
  Status st = ns.Start();
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find(config.kv_config_path) != std::string::npos);
}

TEST_CASE("a busy port makes start fail") {
  testing::TempDir dir;
  ManualClock clock;
  NameServer first(TestConfig(dir), clock);
  REQUIRE(first.Start().ok());
  NamesrvConfig config = TestConfig(dir);
  config.listen_port = first.port();
  NameServer second(config, clock);
  CHECK_FALSE(second.Start().ok());
}

}  // namespace
}  // namespace tern::nameserver
