#include "broker/broker.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "broker/broker_config_file.h"
#include "broker/broker_options.h"
#include "src/base/logging.h"

namespace tern::broker {

Broker::Broker(BrokerConfig config, Clock& clock) : config_(std::move(config)), clock_(clock) {}

Broker::~Broker() { Stop(); }

// ---- the order, on one screen --------------------------------------------------------------

Status Broker::Start() {
  TERN_CHECK(state_ == State::kNew) << "Broker::Start called twice";
  Status st = StartParts();
  state_ = State::kRunning;  // so that Stop() tears down whatever did start
  if (!st.ok()) Stop();
  return st;
}

Status Broker::StartParts() {
  TERN_RETURN_IF_ERROR(OpenMeta());   // RocksDB tables, system topics and groups
  TERN_RETURN_IF_ERROR(Listen());     // bind both ports; the loop does not run yet
  TERN_RETURN_IF_ERROR(OpenStore());  // recovery; store host = brokerIP1:bound port (Q12)
  TERN_RETURN_IF_ERROR(OpenTransactions());  // pending transactions rebuilt from the log
  BuildHandlers();                    // client side, processors, registration
  store_->set_arrival_listener(
      [hold = pull_->hold_service().ArrivalListener(), this](const store::MessageArrival& a) {
        hold(a);
        if (delay::IsScheduleTopic(a.topic)) delay_->Wake();  // a newly scheduled message
      });
  ArmTimers();  // long-poll sweep, housekeeping, retention
  hold_started_ = true;
  store_->Start();  // dispatch thread
  delay_->Start();  // the time wheel's thread
  transactions_->Start();  // the transaction checker's thread
  offset_flush_->Start();
  TERN_RETURN_IF_ERROR(timer_loop_.Start());
  meta_worker_.Start();  // before the loop: handlers hand it disk work
  TERN_RETURN_IF_ERROR(io_loop_.Start());  // from here on requests are served
  TERN_RETURN_IF_ERROR(ns_loop_.Start());
  TERN_RETURN_IF_ERROR(registration_->Start());  // registers at once, then every 30 s
  TERN_LOG_INFO("broker {} ({}) serving on {}:{} and fast port {}, store {}, {}",
                config_.broker_name, addr(), config_.bind_address, port(), fast_port(),
                config_.store_path_root_dir, config_.flush_disk_type);
  return Status::Ok();
}

void Broker::Stop() {
  if (state_ != State::kRunning) return;
  state_ = State::kStopped;
  if (registration_) registration_->Stop(/*unregister=*/true);  // routes stop naming us
  if (hold_started_) {  // parked pulls get their answer while the listeners are open
    net::RunInLoopAndWait(io_loop_, [this] { pull_->hold_service().Stop(); });
  }
  if (transactions_) transactions_->Stop();  // no checks sent once the servers stop
  if (fast_server_) fast_server_->Stop();
  if (server_) server_->Stop();
  io_loop_.Stop();
  meta_worker_.Stop();  // the metadata writes already accepted reach disk
  timer_loop_.Stop();
  if (delay_) delay_->Stop();
  if (offset_flush_) {  // the last consumer offsets, durably
    if (Status st = offset_flush_->Stop(); !st.ok()) {
      TERN_LOG_ERROR("flushing consumer offsets: {}", st.ToString());
    }
  }
  if (store_) {  // flush, checkpoint, remove the abort marker
    if (Status st = store_->Close(); !st.ok())
      TERN_LOG_ERROR("closing the store: {}", st.ToString());
  }
  if (ns_client_) ns_client_->Shutdown();
  ns_loop_.Stop();
  TERN_LOG_INFO("broker {} stopped", config_.broker_name);
}

// ---- the steps -----------------------------------------------------------------------------

Status Broker::OpenMeta() {
  std::error_code ec;
  std::filesystem::create_directories(config_.store_path_root_dir, ec);
  if (ec) {
    return Status::IoError(
        fmt::format("storePathRootDir {}: {}", config_.store_path_root_dir, ec.message()));
  }
  auto db = meta::MetaDb::Open(config_.store_path_root_dir + "/meta");
  if (!db.ok() && db.status().code() == StatusCode::kUnavailable) {
    return db.status().WithContext("storePathRootDir " + config_.store_path_root_dir +
                                   " is in use by another broker");
  }
  if (!db.ok()) return db.status().WithContext("broker metadata");
  db_ = std::move(db).value();
  topic_table_ = std::make_unique<meta::TopicConfigTable>(*db_, clock_);
  group_table_ = std::make_unique<meta::SubscriptionGroupTable>(*db_, clock_);
  offset_table_ = std::make_unique<meta::ConsumerOffsetTable>(*db_);
  TERN_RETURN_IF_ERROR(topic_table_->Load());
  TERN_RETURN_IF_ERROR(group_table_->Load());
  TERN_RETURN_IF_ERROR(offset_table_->Load());
  topics_ = std::make_unique<topic::TopicConfigManager>(*topic_table_, TopicOptionsFrom(config_));
  groups_ =
      std::make_unique<topic::SubscriptionGroupManager>(*group_table_, GroupOptionsFrom(config_));
  TERN_RETURN_IF_ERROR(topics_->Init());
  return groups_->Init();
}

Status Broker::Listen() {
  const int requested = config_.listen_port;
  if (requested != 0 && requested < 3) {
    return Status::InvalidArgument(fmt::format(
        "listenPort {}: must be 0 or above 2 (the fast port is listenPort - 2)", requested));
  }
  server_ = std::make_unique<remoting::RpcServer>(io_loop_,
                                                  ServerOptionsFrom(config_, "broker", requested));
  if (Status st = server_->Start(); !st.ok()) return st.WithContext("broker listenPort");
  const int fast = requested == 0 ? 0 : requested - 2;
  fast_server_ = std::make_unique<remoting::RpcServer>(
      io_loop_, ServerOptionsFrom(config_, "broker-fast", fast));
  if (Status st = fast_server_->Start(); !st.ok()) {
    return st.WithContext("broker fast port (listenPort - 2)");
  }
  if (requested == 0) {  // ephemeral: what we registered must be what we bound
    config_.listen_port = server_->port();
    if (config_.ha_listen_port == 1) config_.ha_listen_port = config_.listen_port + 1;
  }
  return Status::Ok();
}

Status Broker::OpenStore() {
  auto host = protocol::HostAddress::Parse(addr());
  if (!host.ok() || host->v6) {
    return Status::InvalidArgument(
        fmt::format("brokerIP1 '{}' must be an IPv4 address (it goes into every msgId, Q12/Q13)",
                    config_.broker_ip1));
  }
  TERN_ASSIGN_OR_RETURN(store::MessageStoreOptions options, StoreOptionsFrom(config_, *host));
  auto store = store::MessageStore::Open(options, *db_, store::FileIo::Default(), clock_);
  if (!store.ok()) return store.status().WithContext("message store");
  store_ = std::move(store).value();
  // Requests read in one loop iteration go to the commit-log writer with one
  // wake-up, given before the loop next polls (CommitLog::SetWakeDeferral).
  store_->commit_log().SetWakeDeferral([this] { return writer_wake_.Request(); });
  retention_ = std::make_unique<store::CommitLogRetention>(
      store_->commit_log(), store::FileIo::Default(), clock_, RetentionOptionsFrom(config_));
  delay::ScheduleOptions delay_options;
  delay_options.delay_levels_ms = options.reput.delay_levels_ms;  // the table dispatch uses
  delay_options.max_delay_ms = config_.timer_max_delay_sec * 1000;
  auto delay = delay::ScheduleService::Open(*store_, *db_, clock_, delay_options);
  if (!delay.ok()) return delay.status().WithContext("schedule service");
  delay_ = std::move(delay).value();
  if (store_->previous_run_crashed()) {
    TERN_LOG_WARN("the previous broker run did not shut down cleanly; the store was recovered");
  }
  return Status::Ok();
}

// The checker reaches producers through ProducerManager, so it is created here.
Status Broker::OpenTransactions() {
  producers_ = std::make_unique<ProducerManager>();
  tx_notifier_ = std::make_unique<transaction::ProducerCheckNotifier>(
      *producers_, std::vector<remoting::RpcServer*>{server_.get(), fast_server_.get()});
  transaction::TransactionOptions options;
  options.timeout_ms = config_.transaction_timeout;
  options.check_interval_ms = config_.transaction_check_interval;
  options.check_max = config_.transaction_check_max;
  options.broker_name = config_.broker_name;
  auto tx = transaction::TransactionService::Open(*store_, clock_, *tx_notifier_, options);
  if (!tx.ok()) return tx.status().WithContext("transactions");
  transactions_ = std::move(tx).value();
  return Status::Ok();
}

void Broker::BuildHandlers() {
  notifier_ = std::make_unique<ListenersConsumerIdsNotifier>(
      std::vector<remoting::RpcServer*>{server_.get(), fast_server_.get()});
  consumers_ = std::make_unique<ConsumerManager>(*notifier_, ConsumerOptionsFrom(config_));
  locks_ = std::make_unique<RebalanceLockManager>(clock_, config_.rebalance_lock_max_live_time);
  housekeeping_ = std::make_unique<ClientHousekeeping>(*producers_, *consumers_, clock_);
  group_source_ = std::make_unique<GroupSourceAdapter>(*groups_);
  retry_topics_ = std::make_unique<RetryTopicAdapter>(*topics_);
  // Requests that create a topic are answered once the nameservers know it,
  // as Apache RocketMQ does (quirks Q24, Q40).
  const AnnounceTopics announce = [this](std::function<void()> done) {
    registration_->RegisterThen(std::move(done));
  };
  ClientProcessorOptions client_options = ClientOptionsFrom(config_);
  client_options.meta_worker = &meta_worker_;  // first heartbeats create groups off the loop
  client_options.loop = &io_loop_;
  client_options.announce = announce;
  client_ = std::make_unique<ClientProcessor>(*producers_, *consumers_, *locks_, *group_source_,
                                              *retry_topics_, clock_, std::move(client_options));
  subscriptions_ = std::make_unique<processor::ConsumerManagerSubscriptions>(*consumers_);
  processor::SendHooks send_hooks;
  send_hooks.schedule = delay::MakeSendHook(delay_->interceptor(), clock_);
  send_hooks.half_message = transaction::ToHalfMessage;
  stats_ = std::make_unique<processor::BrokerStats>(clock_.NowMs());
  processor::SendOptions send_options = SendOptionsFrom(config_);
  send_options.stats = stats_.get();
  send_options.meta_worker = &meta_worker_;  // topic auto-creation off the loop
  send_options.loop = &io_loop_;
  send_options.announce = announce;
  send_back_ = std::make_unique<processor::SendBackProcessor>(*topics_, *groups_, *store_,
                                                              send_options, send_hooks.schedule);
  send_ = std::make_unique<processor::SendProcessor>(*topics_, *groups_, *store_,
                                                     std::move(send_options), send_hooks);
  cancel_ = std::make_unique<delay::CancelProcessor>(*delay_);
  end_transaction_ = std::make_unique<processor::EndTransactionProcessor>(
      *transactions_, io_loop_, processor::EndTransactionOptions{config_.broker_role == "SLAVE"});
  pending_tx_ = std::make_unique<transaction::PendingListProcessor>(*transactions_);
  processor::PullOptions pull_options = PullOptionsFrom(config_);
  pull_options.stats = stats_.get();
  pull_ = std::make_unique<processor::PullProcessor>(*store_, *topics_, *groups_, *offset_table_,
                                                     subscriptions_.get(), clock_,
                                                     std::move(pull_options));
  offsets_ = std::make_unique<processor::OffsetProcessor>(*store_, *offset_table_);
  query_ = std::make_unique<processor::QueryProcessor>(*store_);
  topic_admin_ = std::make_unique<processor::TopicAdminProcessor>(*topics_, *store_);
  group_admin_ = std::make_unique<processor::GroupAdminProcessor>(*groups_, *offset_table_);
  // UPDATE_BROKER_CONFIG: live keys reach the parts through ApplyLiveConfig;
  // with a config file every update is saved there first (broker-meta).
  processor::BrokerRuntimeOptions runtime_options;
  runtime_options.max_live_message_size = config_.max_message_size;
  if (!config_.broker_config_path.empty()) {
    runtime_options.persist = [this, path = config_.broker_config_path](
                                  PropertyList updates, std::function<void(Status)> done) {
      meta_worker_.Submit([this, path, updates = std::move(updates), done = std::move(done)] {
        Status st = UpdateConfigFile(path, updates);
        io_loop_.Post([done, st] { done(st); });
      });
    };
  }
  runtime_options.extra_figures = [this] { return transactions_->RuntimeFigures(); };
  runtime_ = std::make_unique<processor::BrokerRuntimeProcessor>(config_, *store_, *stats_, clock_,
                                                                 std::move(runtime_options));
  runtime_->SetConfigListener(
      [this](const BrokerConfig& config, const std::vector<std::string>& changed) {
        ApplyLiveConfig(config, changed);
      });
  consume_stats_ = std::make_unique<processor::ConsumeStatsProcessor>(
      *topics_, *store_, *offset_table_, *consumers_, *stats_);
  broker_admin_ =
      std::make_unique<processor::BrokerAdminProcessor>(*topics_, *offset_table_, *consumers_);
  // Consumers heartbeat on the main port: broker->client calls go out there.
  reset_offset_ = std::make_unique<processor::ResetOffsetProcessor>(
      *topics_, *store_, *offset_table_, *consumers_, *server_);
  consumer_calls_ = std::make_unique<processor::ConsumerCallProcessor>(*consumers_, *server_);
  offset_flush_ = std::make_unique<processor::OffsetFlushService>(
      *offset_table_, config_.flush_consumer_offset_interval);
  RegisterHandlers(*server_, /*serve_pulls=*/true);
  RegisterHandlers(*fast_server_, /*serve_pulls=*/false);  // remoting.md §1, quirks Q34

  ns_client_ = std::make_unique<remoting::RpcClient>(ns_loop_, remoting::RpcClientOptions{});
  topic_source_ = std::make_unique<TopicSourceAdapter>(*topics_);
  registration_ = std::make_unique<BrokerRegistration>(RegistrationOptions::FromConfig(config_),
                                                       *topic_source_, *ns_client_, clock_);
  // A created or changed topic reaches the nameservers at once (quirks Q24, Q40).
  topics_->SetChangeListener([this] { registration_->RequestRegister(); });
}

void Broker::RegisterHandlers(remoting::RpcServer& server, bool serve_pulls) {
  RegisterClientHandlers(*client_, server);
  send_->Register(server);
  send_back_->Register(server);
  cancel_->Register(server);
  end_transaction_->Register(server);
  pending_tx_->Register(server);
  if (serve_pulls) pull_->Register(server);
  offsets_->Register(server);
  query_->Register(server);
  topic_admin_->Register(server, &meta_worker_);
  group_admin_->Register(server, &meta_worker_);
  runtime_->Register(server);
  consume_stats_->Register(server);
  broker_admin_->Register(server);
  reset_offset_->Register(server);
  consumer_calls_->Register(server);
  server.SetConnectionClosedHandler(
      [this](ConnectionId id, const std::string&) { housekeeping_->OnConnectionClosed(id); });
}

// Loops not running yet: this thread counts as their loop thread.
void Broker::ArmTimers() {
  pull_->hold_service().Start(io_loop_);
  io_loop_.RunEvery(ClientHousekeeping::kScanIntervalMs, [this] { RunHousekeeping(); });
  io_loop_.RunEvery(1000, [this] { stats_->Sample(clock_.NowMs()); });
  timer_loop_.RunEvery(config_.clean_resource_interval, [this] { RunRetention(); });
}

void Broker::RunHousekeeping() {
  for (ConnectionId id : housekeeping_->RunOnce().connections) {
    server_->CloseConnection(id, "client heartbeat expired");
    fast_server_->CloseConnection(id, "client heartbeat expired");
  }
}

// The keys DefaultRuntimeConfigKeys() lists (broker/processor/README.md).
void Broker::ApplyLiveConfig(const BrokerConfig& config, const std::vector<std::string>& changed) {
  auto has = [&changed](std::string_view key) {
    return std::find(changed.begin(), changed.end(), key) != changed.end();
  };
  send_->UpdateLiveOptions(SendOptionsFrom(config));  // permission, size, region, trace, tx
  if (has("brokerPermission")) {
    send_back_->set_broker_permission(config.broker_permission);
    pull_->set_broker_permission(config.broker_permission);
    registration_->SetBrokerPermission(config.broker_permission);
    topics_->BumpDataVersion();  // so that the nameservers take the new perms; re-registers
  }
  groups_->SetAutoCreateSubscriptionGroup(config.auto_create_subscription_group);
  consumers_->set_notify_enabled(config.notify_consumer_ids_changed_enable);
  if (has("autoCreateTopicEnable") || has("defaultTopicQueueNums")) {
    topics_->SetAutoCreateTopicEnable(config.auto_create_topic_enable);
    topics_->SetDefaultTopicQueueNums(config.default_topic_queue_nums);
    meta_worker_.Submit([this] {  // TBW102 created or resized: an fsynced write
      if (Status st = topics_->EnsureAutoCreateTemplate(); !st.ok()) {
        TERN_LOG_ERROR("updating the auto-creation template TBW102: {}", st.ToString());
      }
    });
  }
  if (has("fileReservedTime") || has("deleteWhen") || has("diskMaxUsedSpaceRatio") ||
      has("cleanFileForciblyEnable")) {
    timer_loop_.Post([this, options = RetentionOptionsFrom(config)] {
      retention_ = std::make_unique<store::CommitLogRetention>(
          store_->commit_log(), store::FileIo::Default(), clock_, options);
    });
  }
}

void Broker::RunRetention() {
  auto report = retention_->RunOnce();
  if (!report.ok()) {
    TERN_LOG_WARN("commit log retention failed: {}", report.status().ToString());
    return;
  }
  auto cleaned = store_->CleanQueuesBelowLogMin();
  if (!cleaned.ok()) {
    TERN_LOG_WARN("consume queue cleanup failed: {}", cleaned.status().ToString());
  } else if (report->deleted > 0 || *cleaned > 0) {
    TERN_LOG_INFO("retention: {} commit log segments and {} consume queue files deleted",
                  report->deleted, *cleaned);
  }
}

// ---- accessors -----------------------------------------------------------------------------

uint16_t Broker::port() const {
  TERN_CHECK(server_ != nullptr) << "Broker::port before Start";
  return server_->port();
}

uint16_t Broker::fast_port() const {
  TERN_CHECK(fast_server_ != nullptr) << "Broker::fast_port before Start";
  return fast_server_->port();
}

std::string Broker::addr() const { return config_.BrokerAddr(); }

}  // namespace tern::broker
