// ClientInstance: what the producers and consumers of one client id share:
// one event loop, one RpcClient (one connection per broker and nameserver),
// the nameserver list, the topic route cache and the heartbeat.
//
// One per client id (`ip@instance_name`) in a process: Acquire() returns the
// existing instance for a config's client id (counting users) or starts a new
// one; Release() stops it when its last user leaves.
//
// Routes: a topic's publish info is fetched from the nameserver on first use;
// a topic without a route uses the route of the auto-create template
// (TBW102, features.md §1.3). Every route_refresh_interval_ms all cached
// topics are fetched again (a topic created meanwhile replaces its template
// route), and a failed send refreshes its topic at once.
//
// Heartbeat: HEART_BEAT with the registered producer groups and consumer
// groups (ConsumerData with subscriptions) goes to the master of every broker
// seen in a route every heartbeat_interval_ms, and at once to a broker seen
// for the first time. Consumers also send one synchronously when they start.
//
// NOTIFY_CONSUMER_IDS_CHANGED (40) from a broker is handed to the named
// consumer group's on_ids_changed (every consumer group when unnamed).
// CHECK_TRANSACTION_STATE (39) is handed to every registered transaction
// checker (the checker drops checks of other groups: the group is in the body).
//
// Threading: any thread; internally synchronized (mu_ guards the tables).
// Sync calls block the caller and must not run on the loop thread; timers and
// async completions run on the loop thread. No lock is held across I/O.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "src/client/client_config.h"
#include "src/client/name_server_client.h"
#include "src/client/topic_publish_info.h"
#include "src/protocol/heartbeat_data.h"
#include "src/net/event_loop.h"
#include "src/remoting/rpc_client.h"
#include "ternmq/status.h"

namespace tern::client {

// How a topic without a route borrows one (producer options).
struct AutoCreateTopic {
  std::string template_topic = "TBW102";
  int32_t queue_nums = 4;
  bool operator==(const AutoCreateTopic&) const = default;
};

using PublishInfoCallback = std::function<void(ternmq::Result<PublishInfoPtr>)>;

// What a consumer group gives the instance. Both functions are called with the
// instance's consumer lock held (so UnregisterConsumer waits for calls in
// progress) and must only take the consumer's own short locks.
struct ConsumerRegistration {
  // The group's heartbeat data (any thread).
  std::function<protocol::ConsumerData()> data;
  // The broker said the group's members changed (loop thread; must not block).
  std::function<void()> on_ids_changed;
};

class ClientInstance {
 public:
  // The running instance for config's client id, started if needed. A second
  // user must pass the same name_servers (else kInvalidArgument).
  static ternmq::Result<ClientInstance*> Acquire(const ClientConfig& config);
  // Drops one use; the last one stops the instance and deletes it.
  // REQUIRES: not on the loop thread.
  static void Release(ClientInstance* instance);

  const std::string& client_id() const { return client_id_; }
  remoting::RpcClient& rpc() { return *rpc_; }
  net::EventLoop& loop() { return loop_; }
  NameServerClient& name_servers() { return *ns_; }

  // A producer group may be registered once per instance (kIllegalState otherwise).
  ternmq::Status RegisterProducer(const std::string& group);
  void UnregisterProducer(const std::string& group);
  // A consumer group may be registered once per instance (kIllegalState otherwise).
  ternmq::Status RegisterConsumer(const std::string& group, ConsumerRegistration registration);
  // Returns once no call into the registration is in progress.
  void UnregisterConsumer(const std::string& group);

  // A broker asked CHECK_TRANSACTION_STATE (39) on the connection to
  // `broker_addr`. Runs on the loop thread with the checkers' lock held: must
  // not block (hand the work to another thread).
  using TransactionChecker =
      std::function<void(const std::string& broker_addr, const remoting::RemotingCommand& request)>;
  // One checker per producer group (kIllegalState otherwise).
  ternmq::Status RegisterTransactionChecker(const std::string& group, TransactionChecker checker);
  // Returns once no call into the checker is in progress.
  void UnregisterTransactionChecker(const std::string& group);

  // The route of `topic` from the nameserver (blocks the caller), for
  // consumers: not cached as publish info, but its brokers' addresses are
  // recorded (MasterAddress) and new masters get a heartbeat.
  ternmq::Result<protocol::TopicRouteData> FetchRoute(const std::string& topic,
                                                      int64_t timeout_ms);
  // HEART_BEAT to every known master now, waiting for the answers (blocks the
  // caller, not on the loop). Returns the first failure.
  ternmq::Status SendHeartbeatsSync(int64_t timeout_ms);
  // Every known master address.
  std::vector<std::string> MasterAddresses() const;

  // The cached publish info, or fetched now (blocks the caller, not on the loop).
  ternmq::Result<PublishInfoPtr> GetPublishInfo(const std::string& topic,
                                                const AutoCreateTopic& auto_create,
                                                int64_t timeout_ms);
  // As GetPublishInfo; `callback` runs inline when cached, else on the loop thread.
  void GetPublishInfoAsync(const std::string& topic, const AutoCreateTopic& auto_create,
                           int64_t timeout_ms, PublishInfoCallback callback);
  // Fetches the route of `topic` again now (blocks the caller).
  ternmq::Result<PublishInfoPtr> RefreshRoute(const std::string& topic,
                                              const AutoCreateTopic& auto_create,
                                              int64_t timeout_ms);
  // Fetches the route again in the background (after a failed send).
  void RefreshRouteAsync(const std::string& topic);
  // What the route-refresh timer does: every cached topic, in the background.
  void RefreshAllRoutesAsync();
  // What the heartbeat timer does: HEART_BEAT to every known master, in the background.
  void SendHeartbeatsAsync();

  // The master address of `broker_name` from the routes seen so far.
  std::optional<std::string> MasterAddress(const std::string& broker_name) const;

  ~ClientInstance();

 private:
  struct CachedTopic {
    PublishInfoPtr info;
    AutoCreateTopic auto_create;
  };

  ClientInstance(ClientConfig config, std::string client_id);
  ternmq::Status Start();
  void Shutdown();

  // Stores a fetched route (keeps the old snapshot when nothing changed) and
  // heartbeats brokers seen for the first time.
  ternmq::Result<PublishInfoPtr> UpdateRoute(const std::string& topic,
                                             const protocol::TopicRouteData& route,
                                             bool from_default_topic,
                                             const AutoCreateTopic& auto_create);
  // Template fallback after the topic's own route was not found.
  ternmq::Result<PublishInfoPtr> UseTemplateRoute(
      const std::string& topic, const AutoCreateTopic& auto_create,
      const ternmq::Result<protocol::TopicRouteData>& template_route);
  void SendHeartbeat(const std::string& addr);
  std::string HeartbeatBody() const;
  // Records the route's broker addresses; returns masters not greeted yet.
  // REQUIRES: mu_ held.
  std::vector<std::string> RecordBrokersLocked(const protocol::TopicRouteData& route);
  // Loop thread: NOTIFY_CONSUMER_IDS_CHANGED.
  void OnConsumerIdsChanged(const std::string& group);

  const ClientConfig config_;
  const std::string client_id_;
  int users_ = 0;  // guarded by the registry mutex (client_instance.cc)

  net::EventLoop loop_;
  std::unique_ptr<remoting::RpcClient> rpc_;
  std::unique_ptr<NameServerClient> ns_;
  net::TimerId refresh_timer_ = 0;    // loop thread
  net::TimerId heartbeat_timer_ = 0;  // loop thread
  std::atomic<bool> stopping_{false};

  mutable std::mutex mu_;
  std::set<std::string> producer_groups_;                         // GUARDED_BY(mu_)
  std::map<std::string, CachedTopic> topics_;                     // GUARDED_BY(mu_)
  std::map<std::string, std::map<int64_t, std::string>> brokers_;  // GUARDED_BY(mu_)
  std::set<std::string> greeted_;  // GUARDED_BY(mu_): masters that got a heartbeat

  // Taken while calling into a registration; never while holding mu_.
  mutable std::mutex consumers_mu_;
  std::map<std::string, ConsumerRegistration> consumers_;  // GUARDED_BY(consumers_mu_)
  std::atomic<int> consumer_count_{0};

  // Taken while calling a checker; never while holding mu_.
  mutable std::mutex checkers_mu_;
  std::map<std::string, TransactionChecker> checkers_;  // GUARDED_BY(checkers_mu_)
};

}  // namespace tern::client
