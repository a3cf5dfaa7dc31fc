#include "src/client/push_consumer_impl.h"

#include <algorithm>

#include "src/base/check.h"
#include "src/base/logging.h"
#include "src/client/consumer_requests.h"
#include "src/client/rebalance.h"
#include "src/client/send_request.h"
#include "src/client/status_convert.h"
#include "src/protocol/perm.h"

namespace ternmq {

Result<std::unique_ptr<PushConsumer>> PushConsumer::Create(const PushConsumerOptions& options) {
  if (auto st = tern::client::ValidatePushConsumerOptions(options); !st.ok()) return st;
  return std::unique_ptr<PushConsumer>(
      new tern::client::PushConsumerImpl(options, tern::SystemClock::Instance()));
}

}  // namespace ternmq

namespace tern::client {
namespace {

using ternmq::StatusCode;

ternmq::Status Invalid(std::string msg) {
  return ternmq::Status(StatusCode::kInvalidArgument, "PushConsumerOptions." + msg);
}

protocol::ConsumeFromWhere ToProtocol(ternmq::ConsumeFromWhere w) {
  switch (w) {
    case ternmq::ConsumeFromWhere::kFirstOffset:
      return protocol::ConsumeFromWhere::kConsumeFromFirstOffset;
    case ternmq::ConsumeFromWhere::kTimestamp:
      return protocol::ConsumeFromWhere::kConsumeFromTimestamp;
    case ternmq::ConsumeFromWhere::kLastOffset:
      break;
  }
  return protocol::ConsumeFromWhere::kConsumeFromLastOffset;
}

}  // namespace

ternmq::Status ValidatePushConsumerOptions(const ternmq::PushConsumerOptions& o) {
  if (auto st = ValidateGroup(o.group, "PushConsumerOptions.group"); !st.ok()) return st;
  if (auto st = ValidateClientConfig(ClientConfigFrom(o, o.rpc_timeout_ms), "PushConsumerOptions"); !st.ok()) return st;
  if (o.consume_threads < 1 || o.consume_threads > 1000) return Invalid("consume_threads must be 1..1000");
  if (o.consume_batch_size < 1 || o.consume_batch_size > 1024)
    return Invalid("consume_batch_size must be 1..1024");
  if (o.pull_batch_size < 1 || o.pull_batch_size > 1024)
    return Invalid("pull_batch_size must be 1..1024");
  if (o.pull_threshold_for_queue < 1) return Invalid("pull_threshold_for_queue must be >= 1");
  if (o.pull_threshold_size_for_queue_mib < 1)
    return Invalid("pull_threshold_size_for_queue_mib must be >= 1");
  if (o.pull_interval_ms < 0) return Invalid("pull_interval_ms must be >= 0");
  if (o.max_reconsume_times < -1) return Invalid("max_reconsume_times must be >= -1");
  if (o.suspend_current_queue_ms < 10) return Invalid("suspend_current_queue_ms must be >= 10");
  // Without long polling an idle queue would be pulled in a busy loop (quirks Q19).
  if (o.broker_suspend_max_ms <= 0) return Invalid("broker_suspend_max_ms must be > 0");
  if (o.consumer_timeout_when_suspend_ms <= o.broker_suspend_max_ms)
    return Invalid("consumer_timeout_when_suspend_ms must be > broker_suspend_max_ms");
  if (o.persist_offset_interval_ms <= 0) return Invalid("persist_offset_interval_ms must be > 0");
  if (o.rebalance_interval_ms <= 0) return Invalid("rebalance_interval_ms must be > 0");
  if (o.lock_interval_ms <= 0) return Invalid("lock_interval_ms must be > 0");
  if (o.rpc_timeout_ms <= 0) return Invalid("rpc_timeout_ms must be > 0");
  if (o.consume_timestamp_ms < 0) return Invalid("consume_timestamp_ms must be >= 0");
  return ternmq::Status::Ok();
}

PushConsumerImpl::PushConsumerImpl(ternmq::PushConsumerOptions options, const Clock& clock)
    : options_(WithInstanceName(std::move(options))),
      clock_(clock),
      client_id_(MakeClientId(LocalIpv4(), options_.instance_name)),
      executor_("ternmq-consume") {}

PushConsumerImpl::~PushConsumerImpl() { Shutdown(); }

ternmq::Status PushConsumerImpl::Subscribe(const std::string& topic,
                                           const std::string& tag_expression) {
  if (auto st = ValidateTopic(topic); !st.ok()) return st;
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != State::kCreated) {
    return ternmq::Status(StatusCode::kIllegalState, "Subscribe must come before Start");
  }
  subscriptions_[topic] =
      protocol::BuildSubscriptionData(topic, tag_expression, "TAG", clock_.NowMs());
  return ternmq::Status::Ok();
}

ternmq::Status PushConsumerImpl::SetListener(ternmq::MessageListener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != State::kCreated) {
    return ternmq::Status(StatusCode::kIllegalState, "SetListener must come before Start");
  }
  if (!listener) return ternmq::Status(StatusCode::kInvalidArgument, "empty listener");
  listener_ = std::move(listener);
  orderly_listener_ = nullptr;
  return ternmq::Status::Ok();
}

ternmq::Status PushConsumerImpl::SetOrderlyListener(ternmq::OrderlyMessageListener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != State::kCreated) {
    return ternmq::Status(StatusCode::kIllegalState, "SetOrderlyListener must come before Start");
  }
  if (!listener) return ternmq::Status(StatusCode::kInvalidArgument, "empty listener");
  orderly_listener_ = std::move(listener);
  listener_ = nullptr;
  return ternmq::Status::Ok();
}

protocol::ConsumerData PushConsumerImpl::HeartbeatData() const {
  protocol::ConsumerData d;
  d.group_name = options_.group;
  d.consume_type = protocol::ConsumeType::kConsumePassively;
  d.message_model = clustering() ? protocol::MessageModel::kClustering
                                 : protocol::MessageModel::kBroadcasting;
  d.consume_from_where = ToProtocol(options_.consume_from_where);
  for (const auto& [topic, sub] : subscriptions_) d.subscription_data_set.push_back(sub);
  return d;
}

ternmq::Status PushConsumerImpl::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ != State::kCreated) {
      return ternmq::Status(StatusCode::kIllegalState, state_ == State::kRunning
                                                           ? "consumer already started"
                                                           : "consumer was shut down");
    }
    if (subscriptions_.empty()) {
      return ternmq::Status(StatusCode::kInvalidArgument, "no subscription; call Subscribe first");
    }
    if (!listener_ && !orderly_listener_) {
      return ternmq::Status(StatusCode::kInvalidArgument,
                            "no listener; call SetListener or SetOrderlyListener first");
    }
    // Clustering consumers also consume their group's retry topic (Java subscribes it itself).
    if (clustering()) {
      subscriptions_[RetryTopic()] =
          protocol::BuildSubscriptionData(RetryTopic(), "*", "TAG", clock_.NowMs());
    }
  }
  auto instance = ClientInstance::Acquire(ClientConfigFrom(options_, options_.rpc_timeout_ms));
  if (!instance.ok()) return instance.status();
  ConsumerRegistration registration;
  registration.data = [this] { return HeartbeatData(); };
  registration.on_ids_changed = [this] { Wake(); };
  if (auto st = (*instance)->RegisterConsumer(options_.group, std::move(registration)); !st.ok()) {
    ClientInstance::Release(*instance);
    return st;
  }
  instance_ = *instance;
  client_id_ = instance_->client_id();
  if (clustering()) {
    offset_store_ = std::make_unique<RemoteOffsetStore>(
        instance_->rpc(),
        [inst = instance_](const std::string& b) { return inst->MasterAddress(b); },
        options_.group, options_.rpc_timeout_ms);
  } else {
    offset_store_ = std::make_unique<LocalFileOffsetStore>(LocalFileOffsetStore::DefaultPath(
        options_.offset_store_dir, client_id_, options_.group));
  }
  if (auto st = offset_store_->Load(); !st.ok()) {
    instance_->UnregisterConsumer(options_.group);
    ClientInstance::Release(instance_);
    instance_ = nullptr;
    return st;
  }
  // Learn the brokers, then tell them about us before asking who is in the group.
  for (const auto& [topic, sub] : subscriptions_) {
    if (topic == RetryTopic()) continue;
    auto route = instance_->FetchRoute(topic, options_.rpc_timeout_ms);
    if (!route.ok()) {
      TERN_LOG_WARN("consumer {}: no route for {} yet: {}", options_.group, topic,
                    route.status().ToString());
    }
  }
  instance_->SendHeartbeatsSync(options_.rpc_timeout_ms).IgnoreError();
  token_ = std::make_shared<LiveToken>();
  token_->consumer = this;
  executor_.Start(options_.consume_threads);
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_ = State::kRunning;
    wake_ = true;
  }
  service_ = std::thread([this] { ServiceLoop(); });
  TERN_LOG_INFO("push consumer {} started as {} ({}, {})", options_.group, client_id_,
                clustering() ? "clustering" : "broadcasting", orderly() ? "orderly" : "concurrent");
  return ternmq::Status::Ok();
}

void PushConsumerImpl::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ == State::kCreated) state_ = State::kStopped;
    if (state_ != State::kRunning) return;
    TERN_CHECK(!executor_.InWorkerThread()) << "PushConsumer::Shutdown called from a listener";
    state_ = State::kStopping;
    stopping_ = true;  // under mu_: the service thread checks it before waiting
  }
  cv_.notify_all();
  service_.join();
  {
    // From here on no pull answer or timer reaches this consumer.
    std::lock_guard<std::mutex> lock(token_->mu);
    token_->consumer = nullptr;
  }
  executor_.Stop();  // waits for listener calls in progress; queued tasks see stopping_
  if (auto st = PersistOffsets(); !st.ok()) {
    TERN_LOG_WARN("consumer {}: offsets not committed at shutdown: {}", options_.group,
                  st.ToString());
  }
  if (orderly() && clustering()) UnlockAll();
  std::map<ternmq::MessageQueue, std::shared_ptr<ProcessQueue>> queues;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queues.swap(queues_);
  }
  for (auto& [q, pq] : queues) pq->set_dropped();
  instance_->UnregisterConsumer(options_.group);
  if (clustering()) {
    for (const auto& addr : instance_->MasterAddresses()) {
      UnregisterConsumer({instance_->rpc(), addr, options_.rpc_timeout_ms}, client_id_,
                         options_.group)
          .IgnoreError();
    }
  }
  ClientInstance::Release(instance_);
  instance_ = nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  state_ = State::kStopped;
  TERN_LOG_INFO("push consumer {} shut down", options_.group);
}

std::vector<ternmq::MessageQueue> PushConsumerImpl::AssignedQueues() const {
  auto owned = OwnedQueues();
  return {owned.begin(), owned.end()};
}

std::set<ternmq::MessageQueue> PushConsumerImpl::OwnedQueues() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<ternmq::MessageQueue> out;
  for (const auto& [q, pq] : queues_) out.insert(q);
  return out;
}

// ---- service thread ----------------------------------------------------------------------

void PushConsumerImpl::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void PushConsumerImpl::ServiceLoop() {
  log::SetThreadName("ternmq-rebal");
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    int64_t next = RunOnce(clock_.MonotonicMs());
    lock.lock();
    int64_t wait_ms = std::max<int64_t>(next - clock_.MonotonicMs(), 1);
    cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stopping_ || wake_; });
  }
}

int64_t PushConsumerImpl::RunOnce(int64_t now_ms) {
  bool woken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken = wake_;
    wake_ = false;
  }
  if (woken || now_ms >= next_rebalance_ms_) {
    if (Rebalance()) {
      rebalance_retry_ms_ = kFirstRebalanceRetryMs;
      next_rebalance_ms_ = now_ms + options_.rebalance_interval_ms;
    } else {
      next_rebalance_ms_ = now_ms + std::min(rebalance_retry_ms_, options_.rebalance_interval_ms);
      rebalance_retry_ms_ = std::min(rebalance_retry_ms_ * 2, options_.rebalance_interval_ms);
    }
  }
  if (orderly() && clustering() && now_ms >= next_lock_ms_) {
    LockAll();
    next_lock_ms_ = now_ms + options_.lock_interval_ms;
  }
  if (now_ms >= next_persist_ms_) {
    if (next_persist_ms_ != 0) PersistOffsets().IgnoreError();  // failures are retried next time
    next_persist_ms_ = now_ms + options_.persist_offset_interval_ms;
  }
  int64_t next = std::min(next_rebalance_ms_, next_persist_ms_);
  if (orderly() && clustering()) next = std::min(next, next_lock_ms_);
  return next;
}

bool PushConsumerImpl::Rebalance() {
  bool all_ok = true;
  for (const auto& [topic, sub] : subscriptions_) {
    if (stopping_) break;
    all_ok &= RebalanceTopic(topic);
  }
  return all_ok;
}

ternmq::Result<std::vector<ternmq::MessageQueue>> PushConsumerImpl::FetchQueues(
    const std::string& topic, std::string* any_broker) {
  auto route = instance_->FetchRoute(topic, options_.rpc_timeout_ms);
  if (!route.ok()) return route.status();
  std::vector<ternmq::MessageQueue> queues;
  for (const auto& qd : route->queue_datas) {
    if (!protocol::IsReadable(qd.perm)) continue;
    for (int32_t i = 0; i < qd.read_queue_nums; ++i) queues.push_back({topic, qd.broker_name, i});
  }
  for (const auto& bd : route->broker_datas) {
    if (auto m = bd.broker_addrs.find(protocol::kMasterId); m != bd.broker_addrs.end()) {
      *any_broker = m->second;
      break;
    }
  }
  return queues;
}

bool PushConsumerImpl::RebalanceTopic(const std::string& topic) {
  std::string broker_addr;
  auto all = FetchQueues(topic, &broker_addr);
  if (!all.ok()) {
    // The retry topic appears after the first heartbeat; others may not exist yet.
    TERN_LOG_DEBUG("consumer {}: rebalance of {} skipped: {}", options_.group, topic,
                   all.status().ToString());
    return false;
  }
  std::set<ternmq::MessageQueue> assigned;
  if (!clustering()) {
    assigned.insert(all->begin(), all->end());
  } else {
    if (broker_addr.empty()) return false;
    auto cids = GetConsumerIdList({instance_->rpc(), broker_addr, options_.rpc_timeout_ms},
                                  options_.group);
    if (!cids.ok()) {
      // No consumer known (yet): keep what we have (quirks Q23).
      TERN_LOG_DEBUG("consumer {}: no consumer list for {}: {}", options_.group, topic,
                     cids.status().ToString());
      return false;
    }
    auto mine = Allocate(options_.allocate_strategy, client_id_, *all, *cids);
    assigned.insert(mine.begin(), mine.end());
  }
  return UpdateProcessQueues(topic, assigned);
}

bool PushConsumerImpl::UpdateProcessQueues(const std::string& topic,
                                           const std::set<ternmq::MessageQueue>& assigned) {
  std::vector<ternmq::MessageQueue> removed;
  std::vector<ternmq::MessageQueue> added;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = queues_.begin(); it != queues_.end();) {
      if (it->first.topic == topic && !assigned.count(it->first)) {
        it->second->set_dropped();
        removed.push_back(it->first);
        it = queues_.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& q : assigned) {
      if (!queues_.count(q)) added.push_back(q);
    }
  }
  for (const auto& q : removed) {
    // Hand the queue over with its offset committed (at least once: a message
    // still in flight here may be consumed again by the new owner).
    offset_store_->Persist(q).IgnoreError();
    offset_store_->Remove(q);
    if (orderly() && clustering()) {
      if (auto addr = instance_->MasterAddress(q.broker_name)) {
        UnlockBatchOneway({instance_->rpc(), *addr, options_.rpc_timeout_ms}, options_.group,
                          client_id_, {q});
      }
    }
    TERN_LOG_INFO("consumer {}: dropped {}", options_.group, q.ToString());
  }
  bool all_taken = true;
  for (const auto& q : added) {
    if (stopping_) return false;
    if (orderly() && clustering() && !LockOne(q)) {  // another client still holds it
      all_taken = false;
      continue;
    }
    auto offset = ComputePullFromWhere(q);
    if (!offset.ok()) {
      TERN_LOG_WARN("consumer {}: no start offset for {}: {}", options_.group, q.ToString(),
                    offset.status().ToString());
      all_taken = false;
      continue;
    }
    auto pq = std::make_shared<ProcessQueue>();
    if (orderly() && clustering()) pq->SetLocked(true, clock_.MonotonicMs());
    {
      std::lock_guard<std::mutex> lock(mu_);
      queues_[q] = pq;
    }
    TERN_LOG_INFO("consumer {}: owns {} from offset {}", options_.group, q.ToString(), *offset);
    PullTask task{q, pq, *offset};
    RunOnLoop(0, [task](PushConsumerImpl& c) { c.ExecutePull(task); });
  }
  return all_taken;
}

ternmq::Result<int64_t> PushConsumerImpl::ComputePullFromWhere(const ternmq::MessageQueue& q) {
  auto stored = offset_store_->ReadStored(q);
  if (stored.ok() && *stored >= 0) return *stored;
  if (!stored.ok() && stored.status().code() != StatusCode::kNotFound) return stored.status();
  const bool retry_topic = q.topic.rfind("%RETRY%", 0) == 0;
  auto addr = instance_->MasterAddress(q.broker_name);
  if (!addr) {
    return ternmq::Status(StatusCode::kNetworkError, "no master address for " + q.broker_name);
  }
  BrokerCall call{instance_->rpc(), *addr, options_.rpc_timeout_ms};
  switch (options_.consume_from_where) {
    case ternmq::ConsumeFromWhere::kFirstOffset:
      return int64_t{0};
    case ternmq::ConsumeFromWhere::kTimestamp: {
      if (retry_topic) return GetMaxOffset(call, q);
      int64_t ts = options_.consume_timestamp_ms > 0 ? options_.consume_timestamp_ms
                                                     : clock_.NowMs() - 30 * 60 * 1000;
      return SearchOffset(call, q, ts);
    }
    case ternmq::ConsumeFromWhere::kLastOffset:
      break;
  }
  if (retry_topic) return int64_t{0};
  return GetMaxOffset(call, q);
}

ternmq::Status PushConsumerImpl::PersistOffsets() {
  return offset_store_->PersistAll(OwnedQueues());
}

// ---- orderly locks -----------------------------------------------------------------------

bool PushConsumerImpl::LockOne(const ternmq::MessageQueue& queue) {
  auto addr = instance_->MasterAddress(queue.broker_name);
  if (!addr) return false;
  auto locked = LockBatch({instance_->rpc(), *addr, options_.rpc_timeout_ms}, options_.group,
                          client_id_, {queue});
  return locked.ok() && locked->count(queue) > 0;
}

void PushConsumerImpl::LockAll() {
  std::map<std::string, std::set<ternmq::MessageQueue>> by_broker;
  std::map<ternmq::MessageQueue, std::shared_ptr<ProcessQueue>> queues;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queues = queues_;
  }
  for (const auto& [q, pq] : queues) by_broker[q.broker_name].insert(q);
  for (const auto& [broker, set] : by_broker) {
    auto addr = instance_->MasterAddress(broker);
    if (!addr) continue;
    auto locked = LockBatch({instance_->rpc(), *addr, options_.rpc_timeout_ms}, options_.group,
                            client_id_, set);
    if (!locked.ok()) continue;  // the old lock stays valid until it expires
    int64_t now = clock_.MonotonicMs();
    for (const auto& q : set) queues[q]->SetLocked(locked->count(q) > 0, now);
  }
}

void PushConsumerImpl::UnlockAll() {
  std::map<std::string, std::set<ternmq::MessageQueue>> by_broker;
  for (const auto& q : OwnedQueues()) by_broker[q.broker_name].insert(q);
  for (const auto& [broker, set] : by_broker) {
    if (auto addr = instance_->MasterAddress(broker)) {
      // Waited for: the connection closes right after Shutdown.
      UnlockBatch({instance_->rpc(), *addr, options_.rpc_timeout_ms}, options_.group,
                  client_id_, set)
          .IgnoreError();
    }
  }
}

}  // namespace tern::client
