// A broker message path on a temp dir for processor tests: MetaDb + tables,
// a real MessageStore (dispatch driven by the test through Dispatch()), the
// topic/group managers, the processors, and a real RpcServer on
// 127.0.0.1:0 with an RpcClient talking to it over TCP.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "broker/meta/config_table.h"
#include "broker/meta/consumer_offset_table.h"
#include "broker/meta/meta_db.h"
#include "broker/processor/group_admin_processor.h"
#include "broker/processor/offset_processor.h"
#include "broker/processor/pull_processor.h"
#include "broker/processor/query_processor.h"
#include "broker/processor/send_processor.h"
#include "broker/processor/subscription_lookup.h"
#include "broker/processor/topic_admin_processor.h"
#include "broker/store/message_store.h"
#include "broker/topic/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "src/net/event_loop.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/pull_headers.h"
#include "src/protocol/send_headers.h"
#include "src/remoting/rpc_client.h"
#include "src/remoting/rpc_server.h"
#include "test/util/stored_message.h"
#include "test/util/temp_dir.h"

namespace tern::processor::testing {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;
namespace Q = protocol::RequestCode;

// Heartbeat subscriptions as the client manager would report them.
class FakeSubscriptions final : public SubscriptionLookup {
 public:
  std::optional<GroupSubscription> Find(std::string_view group,
                                        std::string_view topic) const override {
    std::lock_guard<std::mutex> lock(mu_);
    auto g = groups_.find(std::string(group));
    if (g == groups_.end()) return std::nullopt;
    GroupSubscription out;
    auto t = g->second.find(std::string(topic));
    if (t != g->second.end()) out.subscription = t->second;
    return out;
  }
  void Add(const std::string& group, protocol::SubscriptionData sub) {
    std::lock_guard<std::mutex> lock(mu_);
    sub.Normalize();
    groups_[group][sub.topic] = std::move(sub);
  }
  void AddGroup(const std::string& group) {
    std::lock_guard<std::mutex> lock(mu_);
    groups_[group];
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, protocol::SubscriptionData>> groups_;
};

struct FixtureOptions {
  topic::TopicConfigManagerOptions topics;
  topic::SubscriptionGroupManagerOptions groups;
  SendOptions send;
  PullOptions pull;
  OffsetOptions offsets;
  store::FlushMode flush_mode = store::FlushMode::kAsync;
};

class MessagePath {
 public:
  explicit MessagePath(FixtureOptions options = {}) : options_(std::move(options)) {
    db_ = std::move(meta::MetaDb::Open(tmp_.Sub("meta")).value());
    OpenAll();
  }
  ~MessagePath() { CloseAll(); }

  void OpenAll() {
    topic_table_ = std::make_unique<meta::TopicConfigTable>(*db_, clock_);
    group_table_ = std::make_unique<meta::SubscriptionGroupTable>(*db_, clock_);
    offset_table_ = std::make_unique<meta::ConsumerOffsetTable>(*db_);
    REQUIRE(topic_table_->Load().ok());
    REQUIRE(group_table_->Load().ok());
    REQUIRE(offset_table_->Load().ok());
    topics_ = std::make_unique<topic::TopicConfigManager>(*topic_table_, options_.topics);
    groups_ = std::make_unique<topic::SubscriptionGroupManager>(*group_table_, options_.groups);
    topics_->SetChangeListener([this] { ++topic_changes_; });
    REQUIRE(topics_->Init().ok());
    REQUIRE(groups_->Init().ok());

    store::MessageStoreOptions so;
    so.root_dir = tmp_.Sub("store");
    so.commit_log.segment_size = 8 << 20;
    so.commit_log.flush_mode = options_.flush_mode;
    so.commit_log.store_host = protocol::HostAddress::V4(0x7F000001, 10911);
    auto s = store::MessageStore::Open(so, *db_, store::FileIo::Default(), clock_);
    REQUIRE(s.ok());
    store_ = std::move(s).value();

    loop_ = std::make_unique<net::EventLoop>("test-loop");
    remoting::RpcServerOptions ro;
    ro.host = "127.0.0.1";
    server_ = std::make_unique<remoting::RpcServer>(*loop_, ro);
    send_ = std::make_unique<SendProcessor>(*topics_, *groups_, *store_, options_.send);
    pull_ = std::make_unique<PullProcessor>(*store_, *topics_, *groups_, *offset_table_,
                                            &subscriptions_, clock_, options_.pull);
    offsets_ = std::make_unique<OffsetProcessor>(*store_, *offset_table_, options_.offsets);
    query_ = std::make_unique<QueryProcessor>(*store_);
    topic_admin_ = std::make_unique<TopicAdminProcessor>(*topics_, *store_);
    group_admin_ = std::make_unique<GroupAdminProcessor>(*groups_, *offset_table_);
    send_->Register(*server_);
    pull_->Register(*server_);
    offsets_->Register(*server_);
    query_->Register(*server_);
    topic_admin_->Register(*server_);
    group_admin_->Register(*server_);
    store_->set_arrival_listener(pull_->hold_service().ArrivalListener());
    REQUIRE(loop_->Start().ok());
    REQUIRE(net::RunInLoopAndWait(*loop_, [this] { pull_->hold_service().Start(*loop_); }));
    REQUIRE(server_->Start().ok());
    addr_ = "127.0.0.1:" + std::to_string(server_->port());
    client_loop_ = std::make_unique<net::EventLoop>("test-client");
    REQUIRE(client_loop_->Start().ok());
    client_ = std::make_unique<remoting::RpcClient>(*client_loop_, remoting::RpcClientOptions());
  }

  void CloseAll() {
    if (!loop_) return;
    client_->Shutdown();
    client_.reset();
    client_loop_->Stop();
    net::RunInLoopAndWait(*loop_, [this] { pull_->hold_service().Stop(); });
    server_->Stop();
    loop_->Stop();
    server_.reset();
    send_.reset();
    pull_.reset();
    offsets_.reset();
    query_.reset();
    topic_admin_.reset();
    group_admin_.reset();
    loop_.reset();
    REQUIRE(store_->Close().ok());
    store_.reset();
    topics_.reset();
    groups_.reset();
    offset_table_.reset();
    topic_table_.reset();
    group_table_.reset();
  }

  // Everything but the MetaDb directory contents is rebuilt (offsets, topics
  // and the store are read back from disk).
  void Reopen() {
    CloseAll();
    db_.reset();
    db_ = std::move(meta::MetaDb::Open(tmp_.Sub("meta")).value());
    OpenAll();
  }

  RemotingCommand Call(RemotingCommand request, int64_t timeout_ms = 5000) {
    auto r = client_->InvokeSync(addr_, std::move(request), timeout_ms);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(r).value();
  }
  void CallOneway(RemotingCommand request) { client_->InvokeOneway(addr_, std::move(request)); }
  // Sends without waiting; the future gets the response.
  std::future<Result<RemotingCommand>> CallAsync(RemotingCommand request,
                                                 int64_t timeout_ms = 30000) {
    auto promise = std::make_shared<std::promise<Result<RemotingCommand>>>();
    auto future = promise->get_future();
    client_->InvokeAsync(addr_, std::move(request), timeout_ms,
                         [promise](Result<RemotingCommand> r) { promise->set_value(std::move(r)); });
    return future;
  }

  void Dispatch() { REQUIRE(store_->dispatch().RunOnce().ok()); }

  // Waits (with a deadline) until `cond` holds.
  template <typename F>
  static bool WaitFor(F cond, int64_t deadline_ms = 5000) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadline_ms);
    while (!cond()) {
      if (std::chrono::steady_clock::now() > end) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

  ManualClock& clock() { return clock_; }
  store::MessageStore& store() { return *store_; }
  topic::TopicConfigManager& topics() { return *topics_; }
  topic::SubscriptionGroupManager& groups() { return *groups_; }
  meta::ConsumerOffsetTable& offset_table() { return *offset_table_; }
  PullProcessor& pull() { return *pull_; }
  FakeSubscriptions& subscriptions() { return subscriptions_; }
  net::EventLoop& loop() { return *loop_; }
  int topic_changes() const { return topic_changes_; }
  const std::string& addr() const { return addr_; }

 private:
  FixtureOptions options_;
  ::tern::testing::TempDir tmp_;
  ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<meta::MetaDb> db_;
  std::unique_ptr<meta::TopicConfigTable> topic_table_;
  std::unique_ptr<meta::SubscriptionGroupTable> group_table_;
  std::unique_ptr<meta::ConsumerOffsetTable> offset_table_;
  std::unique_ptr<topic::TopicConfigManager> topics_;
  std::unique_ptr<topic::SubscriptionGroupManager> groups_;
  std::unique_ptr<store::MessageStore> store_;
  FakeSubscriptions subscriptions_;
  std::unique_ptr<net::EventLoop> loop_;
  std::unique_ptr<remoting::RpcServer> server_;
  std::unique_ptr<SendProcessor> send_;
  std::unique_ptr<PullProcessor> pull_;
  std::unique_ptr<OffsetProcessor> offsets_;
  std::unique_ptr<QueryProcessor> query_;
  std::unique_ptr<TopicAdminProcessor> topic_admin_;
  std::unique_ptr<GroupAdminProcessor> group_admin_;
  std::unique_ptr<net::EventLoop> client_loop_;
  std::unique_ptr<remoting::RpcClient> client_;
  std::string addr_;
  std::atomic<int> topic_changes_{0};
};

// ---- request builders ----

inline protocol::SendMessageRequestHeader SendHeader(const std::string& topic, int queue_id = -1,
                                                     const std::string& properties = {}) {
  protocol::SendMessageRequestHeader h;
  h.producer_group = "PG";
  h.topic = topic;
  h.default_topic = "TBW102";
  h.default_topic_queue_nums = 4;
  h.queue_id = queue_id;
  h.born_timestamp = 1'700'000'000'123;
  if (!properties.empty()) h.properties = properties;
  return h;
}

inline RemotingCommand SendRequest(int32_t code, const protocol::SendMessageRequestHeader& h,
                                   std::string body) {
  RemotingCommand r = RemotingCommand::Request(code);
  if (code == Q::kSendMessage) {
    h.EncodeV1(&r.ext_fields);
  } else {
    h.EncodeV2(&r.ext_fields);
  }
  r.body = std::move(body);
  return r;
}

using ::tern::testing::Props;

inline protocol::PullMessageRequestHeader PullHeader(const std::string& group,
                                                     const std::string& topic, int queue_id,
                                                     int64_t offset,
                                                     std::optional<std::string> sub = "*") {
  protocol::PullMessageRequestHeader h;
  h.consumer_group = group;
  h.topic = topic;
  h.queue_id = queue_id;
  h.queue_offset = offset;
  h.max_msg_nums = 32;
  h.sys_flag = 0;
  if (sub) {
    h.sys_flag |= protocol::kPullFlagSubscription;
    h.subscription = *sub;
    h.expression_type = "TAG";
  }
  h.suspend_timeout_millis = 15000;
  h.sub_version = 0;
  return h;
}

inline RemotingCommand PullRequest(const protocol::PullMessageRequestHeader& h,
                                   int32_t code = Q::kPullMessage) {
  RemotingCommand r = RemotingCommand::Request(code);
  h.Encode(&r.ext_fields);
  return r;
}

// Decodes every stored record of a PULL / QUERY body (views into `body`).
inline std::vector<protocol::MessageRecord> DecodeRecords(const std::string& body) {
  std::vector<protocol::MessageRecord> out;
  std::string_view rest = body;
  while (!rest.empty()) {
    auto rec = protocol::DecodeMessageRecord(rest, true);
    REQUIRE_MESSAGE(rec.ok(), rec.status().ToString());
    out.push_back(*rec);
    rest.remove_prefix(static_cast<size_t>(rec->total_size));
  }
  return out;
}

inline int64_t FieldInt(const RemotingCommand& r, const std::string& name) {
  auto f = r.Field(name);
  REQUIRE_MESSAGE(f.has_value(), "missing field " << name);
  return std::stoll(std::string(*f));
}

}  // namespace tern::processor::testing
