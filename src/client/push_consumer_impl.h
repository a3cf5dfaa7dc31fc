// PushConsumerImpl: the ternmq::PushConsumer behind PushConsumer::Create()
// (features.md §2, §3.1, §3.4, §7, §9; behaviour of Java's
// DefaultMQPushConsumerImpl, RebalanceImpl and the two ConsumeMessage services).
//
// Pieces and their threads:
//   * Service thread ("ternmq-rebal"): RunOnce(now) rebalances every
//     rebalance_interval_ms and when woken by NOTIFY_CONSUMER_IDS_CHANGED,
//     commits offsets every persist_offset_interval_ms and renews orderly
//     queue locks every lock_interval_ms. It makes the blocking calls (routes,
//     consumer lists, offsets, locks).
//   * Loop thread (the ClientInstance's): the pull loop. One pull in flight
//     per owned queue (long polling); each completion caches the messages in
//     the queue's ProcessQueue, posts consume tasks and issues the next pull,
//     or re-issues it later (flow control 50 ms, errors 3 s) with a loop timer.
//   * Consume threads (CallbackExecutor "ternmq-consume"): run the listener.
//     Concurrent: one task per batch. Orderly: one task per queue at a time
//     (ProcessQueue's consume task), taking messages in order.
//   pull_consume.cc holds the pull loop and the consume tasks; this file's
//   .cc the lifecycle, the rebalance and the offsets.
//
// Loop-thread callbacks and timers carry a LiveToken instead of `this`:
// Shutdown() clears it (under its mutex) before tearing anything down, so a
// pull answer or timer arriving later finds no consumer and does nothing.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "src/base/clock.h"
#include "src/client/callback_executor.h"
#include "src/client/client_instance.h"
#include "src/client/offset_store.h"
#include "src/client/process_queue.h"
#include "src/protocol/heartbeat_data.h"
#include "src/protocol/subscription_data.h"
#include "ternmq/push_consumer.h"

namespace tern::client {

// Checks every field of `options`; kInvalidArgument names the field.
ternmq::Status ValidatePushConsumerOptions(const ternmq::PushConsumerOptions& options);

class PushConsumerImpl final : public ternmq::PushConsumer {
 public:
  // REQUIRES: ValidatePushConsumerOptions(options).ok(). `clock` must outlive the consumer.
  PushConsumerImpl(ternmq::PushConsumerOptions options, const Clock& clock);
  ~PushConsumerImpl() override;

  ternmq::Status Subscribe(const std::string& topic, const std::string& tag_expression) override;
  ternmq::Status SetListener(ternmq::MessageListener listener) override;
  ternmq::Status SetOrderlyListener(ternmq::OrderlyMessageListener listener) override;
  ternmq::Status Start() override;
  void Shutdown() override;
  std::vector<ternmq::MessageQueue> AssignedQueues() const override;
  const std::string& client_id() const override { return client_id_; }

  // One pass of the service thread: whatever is due at `now_ms` (monotonic).
  // Returns the time of the next due work.
  int64_t RunOnce(int64_t now_ms);
  // The rebalance of every subscribed topic, now. False when a topic could
  // not be rebalanced (no route or consumer list yet).
  bool Rebalance();

 private:
  enum class State { kCreated, kRunning, kStopping, kStopped };

  // Set while the consumer may be reached from the loop thread.
  struct LiveToken {
    std::mutex mu;
    PushConsumerImpl* consumer = nullptr;  // GUARDED_BY(mu)
  };
  using TokenPtr = std::shared_ptr<LiveToken>;

  // One queue's pull state, carried from pull to pull.
  struct PullTask {
    ternmq::MessageQueue queue;
    std::shared_ptr<ProcessQueue> pq;
    int64_t next_offset = 0;
  };

  bool orderly() const { return static_cast<bool>(orderly_listener_); }
  bool clustering() const {
    return options_.message_model == ternmq::MessageModel::kClustering;
  }
  std::string RetryTopic() const { return "%RETRY%" + options_.group; }
  protocol::ConsumerData HeartbeatData() const;
  void ServiceLoop();
  void Wake();

  // ---- rebalance (service thread) ----
  bool RebalanceTopic(const std::string& topic);
  // Readable queues of the topic's route; kNotFound etc. from the nameserver.
  ternmq::Result<std::vector<ternmq::MessageQueue>> FetchQueues(const std::string& topic,
                                                                std::string* any_broker);
  // False when a newly assigned queue could not be taken yet (lock, offset).
  bool UpdateProcessQueues(const std::string& topic,
                           const std::set<ternmq::MessageQueue>& assigned);
  // Where a newly owned queue starts (features.md §2.5).
  ternmq::Result<int64_t> ComputePullFromWhere(const ternmq::MessageQueue& queue);
  ternmq::Status PersistOffsets();
  // Orderly: LOCK_BATCH_MQ for every owned queue, per broker; marks each ProcessQueue.
  void LockAll();
  bool LockOne(const ternmq::MessageQueue& queue);
  void UnlockAll();
  std::set<ternmq::MessageQueue> OwnedQueues() const;

  // ---- pull loop (loop thread; pull_consume.cc) ----
  // Runs `fn(consumer)` on the loop thread after `delay_ms` if the consumer is alive then.
  void RunOnLoop(int64_t delay_ms, std::function<void(PushConsumerImpl&)> fn);
  void ExecutePull(PullTask task);
  void PullLater(PullTask task, int64_t delay_ms);
  void OnPullResponse(PullTask task, Result<remoting::RemotingCommand> response);

  // ---- consumption (consume threads; pull_consume.cc) ----
  void SubmitConsume(const PullTask& task, std::vector<ternmq::MessageView> messages,
                     bool dispatch_orderly);
  void ConsumeConcurrently(const ternmq::MessageQueue& queue, std::shared_ptr<ProcessQueue> pq,
                           std::vector<ternmq::MessageView> batch);
  void ConsumeLater(const ternmq::MessageQueue& queue, std::shared_ptr<ProcessQueue> pq,
                    std::vector<ternmq::MessageView> batch, int64_t delay_ms);
  void ConsumeOrderly(const ternmq::MessageQueue& queue, std::shared_ptr<ProcessQueue> pq);
  void ConsumeOrderlyLater(const ternmq::MessageQueue& queue, std::shared_ptr<ProcessQueue> pq,
                           int64_t delay_ms);
  // Restores the original topic of messages consumed from the retry topic.
  void ResetRetryTopic(std::vector<ternmq::MessageView>* messages) const;
  // Concurrent: attempts before the broker dead-letters (16 by default).
  // Orderly: local retries before the consumer dead-letters (unlimited by default).
  int32_t MaxReconsumeTimes() const;
  // Orderly, after kSuspendCurrentQueueAMoment (Java checkReconsumeTimes):
  // a message retried MaxReconsumeTimes() times already goes to the retry
  // topic with reconsumeTimes past the max, where the broker's send path
  // moves it to %DLQ%<group>. True when some message must be consumed again
  // (below the max, or the send failed): the batch is then retried locally.
  bool OrderlyRetryNeeded(const std::vector<ternmq::MessageView>& msgs);

  const ternmq::PushConsumerOptions options_;
  const Clock& clock_;
  std::string client_id_;
  ClientInstance* instance_ = nullptr;  // set by Start(), cleared by Shutdown()
  std::unique_ptr<OffsetStore> offset_store_;
  CallbackExecutor executor_;
  TokenPtr token_;
  std::atomic<bool> stopping_{false};

  // Fixed once started (read without locks afterwards).
  std::map<std::string, protocol::SubscriptionData> subscriptions_;  // topic -> filter
  ternmq::MessageListener listener_;
  ternmq::OrderlyMessageListener orderly_listener_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  State state_ = State::kCreated;  // GUARDED_BY(mu_)
  bool wake_ = false;              // GUARDED_BY(mu_)
  std::map<ternmq::MessageQueue, std::shared_ptr<ProcessQueue>> queues_;  // GUARDED_BY(mu_)
  std::thread service_;

  // Service thread only.
  int64_t next_rebalance_ms_ = 0;
  int64_t next_persist_ms_ = 0;
  int64_t next_lock_ms_ = 0;
  // After a failed rebalance the next one comes sooner: 1 s, doubling up to
  // rebalance_interval_ms (a topic created a moment ago is routable soon).
  int64_t rebalance_retry_ms_ = kFirstRebalanceRetryMs;
  static constexpr int64_t kFirstRebalanceRetryMs = 1000;
};

}  // namespace tern::client
