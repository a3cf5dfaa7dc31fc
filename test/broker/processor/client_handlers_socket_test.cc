// The client handlers behind a real RpcServer: heartbeats over TCP, and
// NOTIFY_CONSUMER_IDS_CHANGED arriving at the real clients' connections.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>

#include "broker/client/client_housekeeping.h"
#include "broker/processor/client_processor.h"
#include "src/protocol/codes.h"
#include "src/protocol/heartbeat_data.h"
#include "src/remoting/rpc_client.h"
#include "src/remoting/rpc_server.h"

namespace tern::broker {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;
using remoting::RemotingCommand;

class AutoGroups final : public SubscriptionGroupSource {
 public:
  Result<std::optional<ConsumerGroupSettings>> FindOrCreateGroup(const std::string&) override {
    return std::optional<ConsumerGroupSettings>(ConsumerGroupSettings{});
  }
  std::optional<ConsumerGroupSettings> FindGroup(const std::string&) override {
    return ConsumerGroupSettings{};
  }
};

class NoTopics final : public RetryTopicCreator {
 public:
  Status EnsureRetryTopic(const std::string&, int32_t, int32_t, int32_t) override {
    return Status::Ok();
  }
};

// Counts NOTIFY_CONSUMER_IDS_CHANGED per client; waits with a deadline.
class NotifyCounter {
 public:
  void Add(const std::string& who, const RemotingCommand& request) {
    std::lock_guard<std::mutex> lock(mu_);
    CHECK(request.IsOneway());
    CHECK(request.Field("consumerGroup") == std::string("CG"));
    ++counts_[who];
    cv_.notify_all();
  }
  bool WaitFor(const std::string& who, int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return counts_[who] >= n; });
  }
  int Count(const std::string& who) {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_[who];
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, int> counts_;
};

TEST_CASE("consumers heartbeating over tcp are notified when the group changes") {
  net::EventLoop loop("broker-io-test");
  REQUIRE(loop.Start().ok());
  remoting::RpcServerOptions options;
  options.host = "127.0.0.1";
  auto server = std::make_unique<remoting::RpcServer>(loop, options);
  RpcServerConsumerIdsNotifier notifier(*server);
  ManualClock clock;
  ProducerManager producers;
  ConsumerManager consumers(notifier);
  RebalanceLockManager locks(clock);
  AutoGroups groups;
  NoTopics topics;
  ClientProcessor processor(producers, consumers, locks, groups, topics, clock);
  ClientHousekeeping housekeeping(producers, consumers, clock);
  RegisterClientHandlers(processor, *server);
  server->SetConnectionClosedHandler(
      [&](ConnectionId id, const std::string&) { housekeeping.OnConnectionClosed(id); });
  REQUIRE(server->Start().ok());
  const std::string addr = "127.0.0.1:" + std::to_string(server->port());

  NotifyCounter notified;
  net::EventLoop client_loop("clients-test");
  REQUIRE(client_loop.Start().ok());
  std::optional<remoting::RpcClient> a, b;
  a.emplace(client_loop, remoting::RpcClientOptions{});
  b.emplace(client_loop, remoting::RpcClientOptions{});
  a->RegisterSync(RC::kNotifyConsumerIdsChanged,
                  [&](const remoting::RequestContext&, const RemotingCommand& req) {
                    notified.Add("a", req);
                    return RemotingCommand::ResponseTo(req, Code::kSuccess);
                  });
  b->RegisterSync(RC::kNotifyConsumerIdsChanged,
                  [&](const remoting::RequestContext&, const RemotingCommand& req) {
                    notified.Add("b", req);
                    return RemotingCommand::ResponseTo(req, Code::kSuccess);
                  });

  auto heartbeat = [&](remoting::RpcClient& client, const std::string& id) {
    protocol::HeartbeatData h;
    h.client_id = id;
    protocol::ConsumerData c;
    c.group_name = "CG";
    c.subscription_data_set.push_back(protocol::BuildSubscriptionData("T", "*", "TAG", 1));
    h.consumer_data_set.push_back(c);
    RemotingCommand req = RemotingCommand::Request(RC::kHeartBeat);
    req.body = h.Encode();
    auto resp = client.InvokeSync(addr, req, 5000);
    REQUIRE_MESSAGE(resp.ok(), resp.status().ToString());
    CHECK(resp->code == Code::kSuccess);
    CHECK(resp->ext_fields.empty());
  };

  heartbeat(*a, "client-a");
  REQUIRE(notified.WaitFor("a", 1));
  heartbeat(*b, "client-b");
  REQUIRE(notified.WaitFor("a", 2));
  REQUIRE(notified.WaitFor("b", 1));
  CHECK(consumers.ClientIds("CG") == std::vector<std::string>{"client-a", "client-b"});

  // b's connection closes: it leaves the group and a is told.
  b->Shutdown();
  b.reset();
  REQUIRE(notified.WaitFor("a", 3));
  CHECK(consumers.ClientIds("CG") == std::vector<std::string>{"client-a"});
  CHECK(notified.Count("b") == 1);

  a->Shutdown();
  a.reset();
  client_loop.Stop();
  server.reset();
  loop.Stop();
}

}  // namespace
}  // namespace tern::broker
