// Broker: wiring only. Start here to see how the broker is put together; each
// part is documented in its folder (broker/README.md lists them).
//
//   Broker broker(config, SystemClock::Instance());   // config: ResolveBrokerConfig()d
//   TERN_RETURN_IF_ERROR(broker.Start());
//   ... broker.addr() ...
//   broker.Stop();   // unregister, answer parked pulls, close listeners, flush, persist
//
// Threads it owns:
//   "broker-io"     both listeners (listenPort and the fast port listenPort - 2,
//                   which serves every request but PULL_MESSAGE/LITE_PULL_MESSAGE),
//                   every request handler, long polling, client housekeeping (10 s),
//                   the stats sample (1 s)
//   "broker-timer"  CommitLog retention and consume-queue cleanup (cleanResourceInterval)
//   "broker-meta"   metadata disk work off the loop: fsynced topic / group
//                   config writes and the config-file rewrite of
//                   UPDATE_BROKER_CONFIG (MetaWorker)
//   "broker-ns"     the RpcClient loop of the nameserver registration, whose own
//                   "broker-register" thread registers at start, every 30 s and on
//                   every topic change
//   plus the store's writer / flush / allocator / dispatch threads and the
//   consumer-offset flush thread (5 s).
//
// Start/Stop/port/addr from one controlling thread (never a loop thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "broker/broker_adapters.h"
#include "broker/broker_config.h"
#include "broker/client/client_housekeeping.h"
#include "broker/client/consumer_manager.h"
#include "broker/client/producer_manager.h"
#include "broker/client/rebalance_lock_manager.h"
#include "broker/delay/cancel_processor.h"
#include "broker/delay/schedule_service.h"
#include "broker/meta/config_table.h"
#include "broker/meta/consumer_offset_table.h"
#include "broker/meta/meta_db.h"
#include "broker/meta_worker.h"
#include "broker/processor/broker_admin_processor.h"
#include "broker/processor/broker_runtime_processor.h"
#include "broker/processor/broker_stats.h"
#include "broker/processor/client_processor.h"
#include "broker/processor/consume_stats_processor.h"
#include "broker/processor/consumer_call_processor.h"
#include "broker/processor/consumer_subscription_lookup.h"
#include "broker/processor/end_transaction_processor.h"
#include "broker/processor/group_admin_processor.h"
#include "broker/processor/offset_flush_service.h"
#include "broker/processor/offset_processor.h"
#include "broker/processor/pull_processor.h"
#include "broker/processor/query_processor.h"
#include "broker/processor/reset_offset_processor.h"
#include "broker/processor/send_back_processor.h"
#include "broker/processor/send_processor.h"
#include "broker/processor/topic_admin_processor.h"
#include "broker/registration/broker_registration.h"
#include "broker/store/message_store.h"
#include "broker/store/retention.h"
#include "broker/topic/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "broker/transaction/check_notifier.h"
#include "broker/transaction/pending_list_processor.h"
#include "broker/transaction/transaction_service.h"
#include "src/base/clock.h"
#include "src/base/status.h"
#include "src/net/event_loop.h"
#include "src/remoting/rpc_client.h"
#include "src/remoting/rpc_server.h"

namespace tern::broker {

class Broker {
 public:
  // `config` must have been through ResolveBrokerConfig. `clock` must outlive
  // the broker.
  Broker(BrokerConfig config, Clock& clock);
  ~Broker();  // Stop()s
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Opens the metadata and the store (recovering after a crash), listens on
  // both ports, starts every service and registers with the nameservers. An
  // error (bad directory, port in use, store corruption) leaves nothing running.
  Status Start();
  // Unregisters from the nameservers, answers parked pulls, closes the
  // listeners, flushes consumer offsets and closes the store cleanly.
  // Idempotent.
  void Stop();

  // The bound main port (listenPort, or the ephemeral one for 0), after Start().
  uint16_t port() const;
  // The bound fast ("VIP") port: listenPort - 2, ephemeral when listenPort is 0.
  uint16_t fast_port() const;
  // "brokerIP1:port": the address registered with the nameservers and written
  // into every record as the store host (quirks Q12).
  std::string addr() const;
  // The configuration in force (listenPort filled in after Start()).
  const BrokerConfig& config() const { return config_; }
  // The "broker-meta" worker. Tests Hold() it to play a slow disk.
  MetaWorker& meta_worker() { return meta_worker_; }

 private:
  Status StartParts();
  Status OpenMeta();
  Status Listen();
  Status OpenStore();
  Status OpenTransactions();
  void BuildHandlers();
  void RegisterHandlers(remoting::RpcServer& server, bool serve_pulls);
  void ArmTimers();
  void RunHousekeeping();  // broker-io
  void RunRetention();     // broker-timer
  // UPDATE_BROKER_CONFIG changed live keys: push them to the parts. broker-io.
  void ApplyLiveConfig(const BrokerConfig& config, const std::vector<std::string>& changed);

  BrokerConfig config_;
  Clock& clock_;
  enum class State { kNew, kRunning, kStopped } state_ = State::kNew;

  // Declared in construction order; destroyed in reverse.
  std::unique_ptr<meta::MetaDb> db_;
  std::unique_ptr<meta::TopicConfigTable> topic_table_;
  std::unique_ptr<meta::SubscriptionGroupTable> group_table_;
  std::unique_ptr<meta::ConsumerOffsetTable> offset_table_;
  std::unique_ptr<topic::TopicConfigManager> topics_;
  std::unique_ptr<topic::SubscriptionGroupManager> groups_;
  std::unique_ptr<store::MessageStore> store_;
  std::unique_ptr<store::CommitLogRetention> retention_;

  net::EventLoop io_loop_{"broker-io"};
  // Wakes the commit-log writer once per io_loop_ iteration (OpenStore).
  net::CoalescedCall writer_wake_{io_loop_, [this] { store_->commit_log().WakeWriter(); }};
  net::EventLoop timer_loop_{"broker-timer"};
  net::EventLoop ns_loop_{"broker-ns"};
  MetaWorker meta_worker_{"broker-meta"};
  std::unique_ptr<remoting::RpcServer> server_;
  std::unique_ptr<remoting::RpcServer> fast_server_;
  std::unique_ptr<remoting::RpcClient> ns_client_;

  std::unique_ptr<ListenersConsumerIdsNotifier> notifier_;
  std::unique_ptr<ProducerManager> producers_;
  std::unique_ptr<ConsumerManager> consumers_;
  std::unique_ptr<RebalanceLockManager> locks_;
  std::unique_ptr<ClientHousekeeping> housekeeping_;
  std::unique_ptr<GroupSourceAdapter> group_source_;
  std::unique_ptr<RetryTopicAdapter> retry_topics_;
  std::unique_ptr<ClientProcessor> client_;
  std::unique_ptr<processor::ConsumerManagerSubscriptions> subscriptions_;
  std::unique_ptr<delay::ScheduleService> delay_;  // delay levels and timer messages
  std::unique_ptr<delay::CancelProcessor> cancel_;
  std::unique_ptr<transaction::ProducerCheckNotifier> tx_notifier_;
  std::unique_ptr<transaction::TransactionService> transactions_;  // half messages, checker
  std::unique_ptr<processor::EndTransactionProcessor> end_transaction_;
  std::unique_ptr<transaction::PendingListProcessor> pending_tx_;  // QUERY_TRANSACTION_PENDING
  std::unique_ptr<processor::SendProcessor> send_;
  std::unique_ptr<processor::SendBackProcessor> send_back_;  // CONSUMER_SEND_MSG_BACK
  std::unique_ptr<processor::PullProcessor> pull_;
  std::unique_ptr<processor::OffsetProcessor> offsets_;
  std::unique_ptr<processor::QueryProcessor> query_;
  std::unique_ptr<processor::TopicAdminProcessor> topic_admin_;
  std::unique_ptr<processor::GroupAdminProcessor> group_admin_;
  std::unique_ptr<processor::BrokerStats> stats_;
  std::unique_ptr<processor::BrokerRuntimeProcessor> runtime_;
  std::unique_ptr<processor::ConsumeStatsProcessor> consume_stats_;
  std::unique_ptr<processor::BrokerAdminProcessor> broker_admin_;
  std::unique_ptr<processor::ResetOffsetProcessor> reset_offset_;
  std::unique_ptr<processor::ConsumerCallProcessor> consumer_calls_;
  std::unique_ptr<processor::OffsetFlushService> offset_flush_;
  std::unique_ptr<TopicSourceAdapter> topic_source_;
  std::unique_ptr<BrokerRegistration> registration_;
  bool hold_started_ = false;
};

}  // namespace tern::broker
