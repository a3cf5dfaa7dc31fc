// A broker for the admin processor tests: a real store and config tables on
// a temp dir, the client processor (heartbeats), the send processor (to store
// messages), every admin processor of broker_admin_processors.mk, a real
// RpcServer on 127.0.0.1:0, an admin RpcClient, and consumer clients that
// heartbeat into groups and answer the broker's requests.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "broker/broker_config.h"
#include "broker/client/client_housekeeping.h"
#include "broker/client/consumer_ids_notifier.h"
#include "broker/client/consumer_manager.h"
#include "broker/client/producer_manager.h"
#include "broker/client/rebalance_lock_manager.h"
#include "broker/meta/config_table.h"
#include "broker/meta/consumer_offset_table.h"
#include "broker/meta/meta_db.h"
#include "broker/processor/broker_admin_processor.h"
#include "broker/processor/broker_runtime_processor.h"
#include "broker/processor/broker_stats.h"
#include "broker/processor/client_processor.h"
#include "broker/processor/consume_stats_processor.h"
#include "broker/processor/consumer_call_processor.h"
#include "broker/processor/pull_processor.h"
#include "broker/processor/reset_offset_processor.h"
#include "broker/processor/send_processor.h"
#include "broker/store/message_store.h"
#include "broker/topic/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "src/net/event_loop.h"
#include "src/protocol/codes.h"
#include "src/protocol/heartbeat_data.h"
#include "src/remoting/rpc_client.h"
#include "src/remoting/rpc_server.h"
#include "test/broker/processor/message_path_fixture.h"
#include "test/util/temp_dir.h"

namespace tern::processor::testing {

// Every group exists (auto-create); retry topics are not needed here.
class AllGroups final : public broker::SubscriptionGroupSource {
 public:
  Result<std::optional<broker::ConsumerGroupSettings>> FindOrCreateGroup(
      const std::string&) override {
    return std::optional<broker::ConsumerGroupSettings>(broker::ConsumerGroupSettings{});
  }
  std::optional<broker::ConsumerGroupSettings> FindGroup(const std::string&) override {
    return broker::ConsumerGroupSettings{};
  }
};
class NoRetryTopics final : public broker::RetryTopicCreator {
 public:
  Status EnsureRetryTopic(const std::string&, int32_t, int32_t, int32_t) override {
    return Status::Ok();
  }
};

// Requests a consumer client received from the broker, with waiting.
class Inbox {
 public:
  void Add(const RemotingCommand& r) {
    std::lock_guard<std::mutex> lock(mu_);
    got_.push_back(r);
    cv_.notify_all();
  }
  // Waits (5 s at most) until `n` requests arrived.
  bool WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return got_.size() >= n; });
  }
  std::vector<RemotingCommand> Got() {
    std::lock_guard<std::mutex> lock(mu_);
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<RemotingCommand> got_;
};

struct AdminFixtureOptions {
  ConsumerCallOptions calls;
  BrokerRuntimeOptions runtime;
  BrokerAdminOptions admin;
  // Send and pull feed the fixture's BrokerStats (SendOptions/PullOptions::stats).
  bool feed_stats = false;
};

class AdminBroker {
 public:
  explicit AdminBroker(AdminFixtureOptions options = {}) {
    db_ = std::move(meta::MetaDb::Open(tmp_.Sub("meta")).value());
    topic_table_ = std::make_unique<meta::TopicConfigTable>(*db_, clock_);
    group_table_ = std::make_unique<meta::SubscriptionGroupTable>(*db_, clock_);
    offset_table_ = std::make_unique<meta::ConsumerOffsetTable>(*db_);
    REQUIRE(topic_table_->Load().ok());
    REQUIRE(group_table_->Load().ok());
    REQUIRE(offset_table_->Load().ok());
    topics_ = std::make_unique<topic::TopicConfigManager>(*topic_table_,
                                                          topic::TopicConfigManagerOptions{});
    groups_ = std::make_unique<topic::SubscriptionGroupManager>(
        *group_table_, topic::SubscriptionGroupManagerOptions{});
    REQUIRE(topics_->Init().ok());
    REQUIRE(groups_->Init().ok());

    store::MessageStoreOptions so;
    so.root_dir = tmp_.Sub("store");
    so.commit_log.segment_size = 4 << 20;
    so.commit_log.store_host = protocol::HostAddress::V4(0x7F000001, 10911);
    auto s = store::MessageStore::Open(so, *db_, store::FileIo::Default(), clock_);
    REQUIRE(s.ok());
    store_ = std::move(s).value();

    config_.broker_name = "broker-a";
    config_.broker_ip1 = "127.0.0.1";
    config_.store_path_root_dir = so.root_dir;
    REQUIRE(broker::ResolveBrokerConfig(&config_).ok());

    loop_ = std::make_unique<net::EventLoop>("admin-broker");
    remoting::RpcServerOptions ro;
    ro.host = "127.0.0.1";
    server_ = std::make_unique<remoting::RpcServer>(*loop_, ro);
    notifier_ = std::make_unique<broker::RpcServerConsumerIdsNotifier>(*server_);
    consumers_ = std::make_unique<broker::ConsumerManager>(*notifier_);
    locks_ = std::make_unique<broker::RebalanceLockManager>(clock_);
    client_processor_ = std::make_unique<broker::ClientProcessor>(
        producers_, *consumers_, *locks_, all_groups_, no_retry_topics_, clock_);
    housekeeping_ = std::make_unique<broker::ClientHousekeeping>(producers_, *consumers_, clock_);
    broker::RegisterClientHandlers(*client_processor_, *server_);
    server_->SetConnectionClosedHandler(
        [this](ConnectionId id, const std::string&) { housekeeping_->OnConnectionClosed(id); });

    SendOptions send_options;
    PullOptions pull_options;
    if (options.feed_stats) {
      send_options.stats = &stats_;
      pull_options.stats = &stats_;
    }
    send_ = std::make_unique<SendProcessor>(*topics_, *groups_, *store_, send_options);
    send_->Register(*server_);
    // Pulls must carry their subscription (flag 0x4); no long polling here.
    pull_ = std::make_unique<PullProcessor>(*store_, *topics_, *groups_, *offset_table_, nullptr,
                                            clock_, pull_options);
    pull_->Register(*server_);
    runtime_ =
        std::make_unique<BrokerRuntimeProcessor>(config_, *store_, stats_, clock_, options.runtime);
    consume_stats_ = std::make_unique<ConsumeStatsProcessor>(*topics_, *store_, *offset_table_,
                                                             *consumers_, stats_);
    admin_ = std::make_unique<BrokerAdminProcessor>(*topics_, *offset_table_, *consumers_,
                                                    options.admin);
    reset_ = std::make_unique<ResetOffsetProcessor>(*topics_, *store_, *offset_table_, *consumers_,
                                                    *server_);
    calls_ = std::make_unique<ConsumerCallProcessor>(*consumers_, *server_, options.calls);
    runtime_->Register(*server_);
    consume_stats_->Register(*server_);
    admin_->Register(*server_);
    reset_->Register(*server_);
    calls_->Register(*server_);

    REQUIRE(loop_->Start().ok());
    REQUIRE(server_->Start().ok());
    addr_ = "127.0.0.1:" + std::to_string(server_->port());
    client_loop_ = std::make_unique<net::EventLoop>("admin-clients");
    REQUIRE(client_loop_->Start().ok());
    admin_client_ = &NewClient("JAVA");
  }

  ~AdminBroker() {
    for (auto& c : clients_) c->Shutdown();
    clients_.clear();
    for (auto& l : own_loops_) l->Stop();
    client_loop_->Stop();
    server_->Stop();
    loop_->Stop();
    server_.reset();
    REQUIRE(store_->Close().ok());
  }

  // A client on the shared client loop announcing `language`. Register its
  // handlers before its first request.
  remoting::RpcClient& NewClient(const std::string& language) {
    remoting::RpcClientOptions o;
    o.language = language;
    clients_.push_back(std::make_unique<remoting::RpcClient>(*client_loop_, o));
    return *clients_.back();
  }

  // A client on a loop of its own, for a client whose handler blocks.
  remoting::RpcClient& NewClientOnOwnLoop(const std::string& language) {
    own_loops_.push_back(std::make_unique<net::EventLoop>("admin-client-own"));
    REQUIRE(own_loops_.back()->Start().ok());
    remoting::RpcClientOptions o;
    o.language = language;
    clients_.push_back(std::make_unique<remoting::RpcClient>(*own_loops_.back(), o));
    return *clients_.back();
  }

  RemotingCommand Call(RemotingCommand request, int64_t timeout_ms = 5000) {
    auto r = admin_client_->InvokeSync(addr_, std::move(request), timeout_ms);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(r).value();
  }
  RemotingCommand CallAs(remoting::RpcClient& client, RemotingCommand request) {
    auto r = client.InvokeSync(addr_, std::move(request), 5000);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(r).value();
  }

  // HEART_BEAT from `client` as consumer `client_id` of `group` on `topics`.
  void Heartbeat(remoting::RpcClient& client, const std::string& client_id,
                 const std::string& group, const std::vector<std::string>& topics) {
    protocol::HeartbeatData h;
    h.client_id = client_id;
    protocol::ConsumerData c;
    c.group_name = group;
    for (const auto& t : topics) {
      c.subscription_data_set.push_back(protocol::BuildSubscriptionData(t, "*", "TAG", 1));
    }
    h.consumer_data_set.push_back(c);
    RemotingCommand req = RemotingCommand::Request(Q::kHeartBeat);
    req.body = h.Encode();
    REQUIRE(CallAs(client, std::move(req)).code == RC::kSuccess);
  }

  void CreateTopic(const std::string& name, int read, int write) {
    protocol::TopicConfig c;
    c.topic_name = name;
    c.read_queue_nums = read;
    c.write_queue_nums = write;
    REQUIRE(topics_->UpdateTopicConfig(c).ok());
  }

  // Stores one message in (topic, queue) at the current manual time.
  void Put(const std::string& topic, int queue_id, const std::string& body = "m") {
    RemotingCommand r = Call(SendRequest(Q::kSendMessageV2, SendHeader(topic, queue_id), body));
    REQUIRE(r.code == RC::kSuccess);
  }
  void Dispatch() { REQUIRE(store_->dispatch().RunOnce().ok()); }

  ManualClock& clock() { return clock_; }
  net::EventLoop& loop() { return *loop_; }
  store::MessageStore& store() { return *store_; }
  topic::TopicConfigManager& topics() { return *topics_; }
  meta::ConsumerOffsetTable& offsets() { return *offset_table_; }
  broker::ConsumerManager& consumers() { return *consumers_; }
  BrokerStats& stats() { return stats_; }
  BrokerRuntimeProcessor& runtime() { return *runtime_; }
  const std::string& addr() const { return addr_; }

 private:
  ::tern::testing::TempDir tmp_;
  ManualClock clock_{1'700'000'000'000};
  BrokerStats stats_{1'700'000'000'000};
  broker::BrokerConfig config_;
  std::unique_ptr<meta::MetaDb> db_;
  std::unique_ptr<meta::TopicConfigTable> topic_table_;
  std::unique_ptr<meta::SubscriptionGroupTable> group_table_;
  std::unique_ptr<meta::ConsumerOffsetTable> offset_table_;
  std::unique_ptr<topic::TopicConfigManager> topics_;
  std::unique_ptr<topic::SubscriptionGroupManager> groups_;
  std::unique_ptr<store::MessageStore> store_;
  std::unique_ptr<net::EventLoop> loop_;
  std::unique_ptr<remoting::RpcServer> server_;
  std::unique_ptr<broker::RpcServerConsumerIdsNotifier> notifier_;
  broker::ProducerManager producers_;
  std::unique_ptr<broker::ConsumerManager> consumers_;
  std::unique_ptr<broker::RebalanceLockManager> locks_;
  AllGroups all_groups_;
  NoRetryTopics no_retry_topics_;
  std::unique_ptr<broker::ClientProcessor> client_processor_;
  std::unique_ptr<broker::ClientHousekeeping> housekeeping_;
  std::unique_ptr<SendProcessor> send_;
  std::unique_ptr<PullProcessor> pull_;
  std::unique_ptr<BrokerRuntimeProcessor> runtime_;
  std::unique_ptr<ConsumeStatsProcessor> consume_stats_;
  std::unique_ptr<BrokerAdminProcessor> admin_;
  std::unique_ptr<ResetOffsetProcessor> reset_;
  std::unique_ptr<ConsumerCallProcessor> calls_;
  std::unique_ptr<net::EventLoop> client_loop_;
  std::vector<std::unique_ptr<net::EventLoop>> own_loops_;
  std::vector<std::unique_ptr<remoting::RpcClient>> clients_;
  remoting::RpcClient* admin_client_ = nullptr;
  std::string addr_;
};

}  // namespace tern::processor::testing
