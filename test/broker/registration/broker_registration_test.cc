// BrokerRegistration against a real in-process NameServer over TCP.
#include "broker/registration/broker_registration.h"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <thread>

#include "broker/broker_config.h"
#include "nameserver/nameserver.h"
#include "src/base/crc32.h"
#include "src/protocol/codes.h"
#include "src/protocol/route_data.h"
#include "test/util/temp_dir.h"

namespace tern::broker {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;
using remoting::RemotingCommand;

class FixedTopics final : public TopicConfigSource {
 public:
  protocol::TopicConfigSerializeWrapper wrapper;
  protocol::TopicConfigSerializeWrapper TopicConfigSnapshot() override { return wrapper; }
  void Add(const std::string& name, int32_t queues) {
    protocol::TopicConfig c;
    c.topic_name = name;
    c.read_queue_nums = queues;
    c.write_queue_nums = queues;
    wrapper.topic_config_table[name] = c;
    wrapper.data_version.Next(1700000000000 + wrapper.data_version.counter);
  }
};

struct Cluster {
  testing::TempDir dir;
  ManualClock ns_clock;
  std::optional<nameserver::NameServer> ns;
  net::EventLoop loop{"broker-test-client"};
  std::optional<remoting::RpcClient> client;
  std::string ns_addr;

  Cluster() {
    nameserver::NamesrvConfig config;
    config.listen_port = 0;
    config.bind_address = "127.0.0.1";
    config.data_dir = dir.Sub("ns");
    ns.emplace(config, ns_clock);
    REQUIRE(ns->Start().ok());
    ns_addr = "127.0.0.1:" + std::to_string(ns->port());
    REQUIRE(loop.Start().ok());
    client.emplace(loop, remoting::RpcClientOptions{});
  }
  ~Cluster() {
    client->Shutdown();
    client.reset();
    loop.Stop();
    ns->Stop();
  }

  RegistrationOptions Options(std::vector<std::string> addrs) const {
    RegistrationOptions o;
    o.cluster_name = "DefaultCluster";
    o.broker_name = "broker-a";
    o.broker_addr = "127.0.0.1:10911";
    o.ha_server_addr = "127.0.0.1:10912";
    o.namesrv_addrs = std::move(addrs);
    o.timeout_ms = 3000;
    return o;
  }

  RemotingCommand Call(RemotingCommand req) {
    auto r = client->InvokeSync(ns_addr, std::move(req), 5000);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(r).value();
  }
  // SUCCESS and the decoded route, or the error code.
  std::pair<int32_t, protocol::TopicRouteData> Route(const std::string& topic) {
    RemotingCommand req = RemotingCommand::Request(RC::kGetRouteinfoByTopic);
    req.SetField("topic", topic);
    RemotingCommand resp = Call(req);
    protocol::TopicRouteData route;
    if (resp.code == Code::kSuccess) {
      auto decoded = protocol::TopicRouteData::Decode(resp.body);
      REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
      route = *decoded;
    }
    return {resp.code, route};
  }
};

bool AllOk(const std::vector<BrokerRegistration::NsResult>& results) {
  for (const auto& r : results) {
    if (!r.status.ok()) return false;
  }
  return !results.empty();
}

TEST_CASE("registered topics appear in nameserver routes and unregister removes them") {
  Cluster cluster;
  FixedTopics topics;
  topics.Add("T", 4);
  topics.Add("%RETRY%CG", 1);
  BrokerRegistration reg(cluster.Options({cluster.ns_addr}), topics, *cluster.client,
                         SystemClock::Instance());
  auto results = reg.RegisterAll();
  REQUIRE(results.size() == 1);
  CHECK_MESSAGE(results[0].status.ok(), results[0].status.ToString());  // CRC accepted

  auto [code, route] = cluster.Route("T");
  REQUIRE(code == Code::kSuccess);
  REQUIRE(route.queue_datas.size() == 1);
  CHECK(route.queue_datas[0].broker_name == "broker-a");
  CHECK(route.queue_datas[0].write_queue_nums == 4);
  CHECK(route.queue_datas[0].perm == 6);
  REQUIRE(route.broker_datas.size() == 1);
  CHECK(route.broker_datas[0].cluster == "DefaultCluster");
  CHECK(route.broker_datas[0].broker_addrs.at(0) == "127.0.0.1:10911");
  CHECK(cluster.Route("%RETRY%CG").first == Code::kSuccess);
  CHECK(cluster.Route("NOPE").first == Code::kTopicNotExist);

  CHECK(AllOk(reg.UnregisterAll()));
  CHECK(cluster.Route("T").first == Code::kTopicNotExist);
}

TEST_CASE("register request carries the body crc the nameserver checks") {
  Cluster cluster;
  FixedTopics topics;
  topics.Add("T", 4);
  RegistrationOptions options = cluster.Options({cluster.ns_addr});
  RemotingCommand req =
      BuildRegisterBrokerRequest(options, BuildRegisterBrokerBody(topics.wrapper, 6));
  CHECK(req.Field("bodyCrc32") == std::to_string(JavaPositiveCrc32(req.body)));
  CHECK(req.Field("brokerId") == std::string("0"));
  CHECK(req.Field("haServerAddr") == std::string("127.0.0.1:10912"));

  RemotingCommand tampered = req;
  tampered.SetField("bodyCrc32", static_cast<int64_t>(JavaPositiveCrc32(req.body) ^ 1));
  RemotingCommand refused = cluster.Call(tampered);
  CHECK(refused.code == Code::kSystemError);
  CHECK(cluster.Route("T").first == Code::kTopicNotExist);
  CHECK(cluster.Call(req).code == Code::kSuccess);
  CHECK(cluster.Route("T").first == Code::kSuccess);
}

TEST_CASE("a broker that is not read-write registers every topic with its own permission") {
  Cluster cluster;
  FixedTopics topics;
  topics.Add("T", 2);
  RegistrationOptions options = cluster.Options({cluster.ns_addr});
  options.broker_permission = protocol::kPermRead;
  BrokerRegistration reg(options, topics, *cluster.client, SystemClock::Instance());
  REQUIRE(AllOk(reg.RegisterAll()));
  auto [code, route] = cluster.Route("T");
  REQUIRE(code == Code::kSuccess);
  CHECK(route.queue_datas.at(0).perm == protocol::kPermRead);
}

TEST_CASE("a dead nameserver fails alone while the live one is registered") {
  Cluster cluster;
  FixedTopics topics;
  topics.Add("T", 1);
  // Port 1 on loopback refuses connections.
  BrokerRegistration reg(cluster.Options({"127.0.0.1:1", cluster.ns_addr}), topics, *cluster.client,
                         SystemClock::Instance());
  auto results = reg.RegisterAll();
  REQUIRE(results.size() == 2);
  CHECK(results[0].addr == "127.0.0.1:1");
  CHECK_FALSE(results[0].status.ok());
  CHECK(results[1].status.ok());
  CHECK(cluster.Route("T").first == Code::kSuccess);
}

TEST_CASE("registration runs at once, every period and immediately on request") {
  Cluster cluster;
  FixedTopics topics;
  topics.Add("T", 1);
  ManualClock clock;
  RegistrationOptions options = cluster.Options({cluster.ns_addr});
  options.period_ms = 30'000;
  BrokerRegistration reg(options, topics, *cluster.client, clock);
  const int64_t t0 = clock.MonotonicMs();
  CHECK(reg.RunOnce(t0));
  CHECK_FALSE(reg.RunOnce(t0 + 29'999));
  // A topic created between periods is registered on request.
  topics.Add("NEW", 1);
  CHECK(cluster.Route("NEW").first == Code::kTopicNotExist);
  reg.RequestRegister();
  CHECK(reg.RunOnce(t0 + 29'999));
  CHECK(cluster.Route("NEW").first == Code::kSuccess);
  CHECK_FALSE(reg.RunOnce(t0 + 40'000));
  CHECK(reg.RunOnce(t0 + 29'999 + 30'000));
  CHECK(reg.registrations() == 3);
}

TEST_CASE("the registration thread registers at start, on request, and unregisters at stop") {
  Cluster cluster;
  FixedTopics topics;
  topics.Add("T", 1);
  BrokerRegistration reg(cluster.Options({cluster.ns_addr}), topics, *cluster.client,
                         SystemClock::Instance());
  auto wait_for = [&](int64_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (reg.registrations() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return reg.registrations() >= n;
  };
  REQUIRE(reg.Start().ok());
  REQUIRE(wait_for(1));
  CHECK(cluster.Route("T").first == Code::kSuccess);
  reg.RequestRegister();
  REQUIRE(wait_for(2));
  reg.Stop();
  CHECK(cluster.Route("T").first == Code::kTopicNotExist);
  reg.Stop();  // idempotent
}

TEST_CASE("RegisterThen calls back after a pass that includes what was created before") {
  Cluster cluster;
  FixedTopics topics;
  topics.Add("T", 1);
  ManualClock clock;
  BrokerRegistration reg(cluster.Options({cluster.ns_addr}), topics, *cluster.client, clock);
  const int64_t t0 = clock.MonotonicMs();
  CHECK(reg.RunOnce(t0));  // the start; the next one is due in 30 s
  topics.Add("NEW", 1);
  int calls = 0;
  reg.RegisterThen([&] {
    ++calls;
    CHECK(cluster.Route("NEW").first == Code::kSuccess);  // already routable when called
  });
  CHECK(calls == 0);
  CHECK(reg.RunOnce(t0 + 1));  // requested: runs before the period
  CHECK(calls == 1);
  CHECK_FALSE(reg.RunOnce(t0 + 2));
  CHECK(calls == 1);  // once
}

TEST_CASE("RegisterThen callbacks still run when the nameserver is down or the broker stops") {
  Cluster cluster;
  FixedTopics topics;
  topics.Add("T", 1);
  ManualClock clock;
  RegistrationOptions options = cluster.Options({"127.0.0.1:1"});  // refuses connections
  BrokerRegistration reg(options, topics, *cluster.client, clock);
  int calls = 0;
  reg.RegisterThen([&] { ++calls; });
  CHECK(reg.RunOnce(clock.MonotonicMs()));
  CHECK(calls == 1);  // the pass failed, but it ended

  reg.RegisterThen([&] { ++calls; });  // never started: Stop() releases it
  reg.Stop(/*unregister=*/false);
  CHECK(calls == 2);
  reg.RegisterThen([&] { ++calls; });  // stopped: at once
  CHECK(calls == 3);
}

TEST_CASE("registration options come from the broker config") {
  BrokerConfig c;
  c.broker_name = "broker-b";
  c.broker_ip1 = "10.0.0.9";
  c.listen_port = 10921;
  c.namesrv_addr = "a:9876;b:9876";
  c.register_name_server_period = 5000;
  REQUIRE(ResolveBrokerConfig(&c).ok());
  RegistrationOptions o = RegistrationOptions::FromConfig(c);
  CHECK(o.broker_addr == "10.0.0.9:10921");
  CHECK(o.ha_server_addr == "10.0.0.9:10922");
  CHECK(o.namesrv_addrs == std::vector<std::string>{"a:9876", "b:9876"});
  CHECK(o.period_ms == 10'000);
  CHECK(o.timeout_ms == 24'000);
  RemotingCommand unreg = BuildUnregisterBrokerRequest(o);
  CHECK(unreg.code == RC::kUnregisterBroker);
  CHECK(unreg.Field("brokerName") == std::string("broker-b"));
  CHECK(unreg.Field("clusterName") == std::string("DefaultCluster"));
}

}  // namespace
}  // namespace tern::broker
