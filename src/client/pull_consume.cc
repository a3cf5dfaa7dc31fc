// PushConsumerImpl: the pull loop (loop thread) and the consume tasks
// (consume threads). See push_consumer_impl.h.
#include <chrono>

#include "src/base/logging.h"
#include "src/client/consumer_requests.h"
#include "src/client/pull_api.h"
#include "src/client/push_consumer_impl.h"
#include "src/client/retry_send.h"
#include "src/client/status_convert.h"
#include "src/protocol/message_const.h"

namespace tern::client {
namespace {

using ternmq::StatusCode;

constexpr int64_t kPullLaterOnErrorMs = 3000;     // Java pullTimeDelayMillsWhenException
constexpr int64_t kPullLaterOnFlowControlMs = 50;  // Java PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL
constexpr int64_t kPullLaterNotLockedMs = 3000;    // orderly queue not locked yet
constexpr int64_t kConsumeConcurrentlyMaxSpan = 2000;
constexpr int64_t kConsumeLaterMs = 5000;           // send-back failed: try locally again
constexpr int64_t kOrderlyRelockRetryMs = 100;      // orderly: lock not valid yet
constexpr int64_t kOrderlyMaxContinuousMs = 60'000;  // then yield the thread

}  // namespace

void PushConsumerImpl::RunOnLoop(int64_t delay_ms, std::function<void(PushConsumerImpl&)> fn) {
  if (stopping_) return;
  TokenPtr token = token_;
  net::EventLoop& loop = instance_->loop();
  auto run = [token, fn = std::move(fn)] {
    std::lock_guard<std::mutex> lock(token->mu);
    if (token->consumer != nullptr && !token->consumer->stopping_) fn(*token->consumer);
  };
  if (delay_ms <= 0) {
    loop.Post(std::move(run));
  } else {
    loop.Post([&loop, delay_ms, run = std::move(run)] { loop.RunAfter(delay_ms, run); });
  }
}

void PushConsumerImpl::PullLater(PullTask task, int64_t delay_ms) {
  RunOnLoop(delay_ms, [task = std::move(task)](PushConsumerImpl& c) { c.ExecutePull(task); });
}

void PushConsumerImpl::ExecutePull(PullTask task) {
  if (task.pq->dropped()) return;
  const int64_t max_bytes = int64_t{options_.pull_threshold_size_for_queue_mib} * 1024 * 1024;
  if (task.pq->count() > options_.pull_threshold_for_queue || task.pq->bytes() > max_bytes) {
    return PullLater(std::move(task), kPullLaterOnFlowControlMs);
  }
  if (!orderly() && task.pq->span() > kConsumeConcurrentlyMaxSpan) {
    return PullLater(std::move(task), kPullLaterOnFlowControlMs);
  }
  if (orderly() && clustering() && !task.pq->locked()) {
    return PullLater(std::move(task), kPullLaterNotLockedMs);
  }
  auto addr = instance_->MasterAddress(task.queue.broker_name);
  if (!addr) return PullLater(std::move(task), kPullLaterOnErrorMs);
  PullArgs args;
  args.group = options_.group;
  args.queue = task.queue;
  args.offset = task.next_offset;
  args.max_nums = options_.pull_batch_size;
  args.subscription = subscriptions_.at(task.queue.topic);
  if (clustering()) args.commit_offset = offset_store_->ReadMemory(task.queue);
  args.suspend_timeout_ms = options_.broker_suspend_max_ms;
  TokenPtr token = token_;
  instance_->rpc().InvokeAsync(
      *addr, BuildPullRequest(args), options_.consumer_timeout_when_suspend_ms,
      [token, task = std::move(task)](Result<remoting::RemotingCommand> response) mutable {
        std::lock_guard<std::mutex> lock(token->mu);
        if (token->consumer == nullptr || token->consumer->stopping_) return;
        token->consumer->OnPullResponse(std::move(task), std::move(response));
      });
}

void PushConsumerImpl::OnPullResponse(PullTask task, Result<remoting::RemotingCommand> response) {
  if (task.pq->dropped()) return;
  if (!response.ok()) {
    TERN_LOG_DEBUG("consumer {}: pull of {} failed: {}", options_.group, task.queue.ToString(),
                   response.status().ToString());
    return PullLater(std::move(task), kPullLaterOnErrorMs);
  }
  const auto& sub = subscriptions_.at(task.queue.topic);
  auto result = ParsePullResponse(*response, task.queue, sub);
  if (!result.ok()) {
    TERN_LOG_DEBUG("consumer {}: pull of {} answered {}", options_.group, task.queue.ToString(),
                   result.status().ToString());
    return PullLater(std::move(task), kPullLaterOnErrorMs);
  }
  switch (result->status) {
    case ternmq::PullStatus::kFound: {
      task.next_offset = result->next_begin_offset;
      ResetRetryTopic(&result->messages);
      bool dispatch = task.pq->Put(result->messages);
      SubmitConsume(task, std::move(result->messages), dispatch);
      if (options_.pull_interval_ms > 0) return PullLater(std::move(task), options_.pull_interval_ms);
      return ExecutePull(std::move(task));
    }
    case ternmq::PullStatus::kNoNewMessage:
    case ternmq::PullStatus::kNoMatchedMessage:
      task.next_offset = result->next_begin_offset;
      // Nothing cached: the filtered-out range counts as consumed (Java correctTagsOffset).
      if (task.pq->count() == 0 && clustering()) {
        offset_store_->Update(task.queue, task.next_offset, true);
      }
      return ExecutePull(std::move(task));
    case ternmq::PullStatus::kOffsetIllegal:
      TERN_LOG_WARN("consumer {}: offset {} of {} is illegal, continuing at {}", options_.group,
                    task.next_offset, task.queue.ToString(), result->next_begin_offset);
      task.next_offset = result->next_begin_offset;
      offset_store_->Update(task.queue, task.next_offset, false);
      return PullLater(std::move(task), kPullLaterOnErrorMs);
  }
}

void PushConsumerImpl::ResetRetryTopic(std::vector<ternmq::MessageView>* messages) const {
  const std::string retry = RetryTopic();
  for (auto& m : *messages) {
    if (m.topic != retry) continue;
    auto it = m.properties.find(std::string(protocol::PropertyKey::kRetryTopic));
    if (it != m.properties.end()) m.topic = it->second;
  }
}

int32_t PushConsumerImpl::MaxReconsumeTimes() const {
  if (options_.max_reconsume_times >= 0) return options_.max_reconsume_times;
  return orderly() ? INT32_MAX : 16;
}

// ---- consumption -------------------------------------------------------------------------

void PushConsumerImpl::SubmitConsume(const PullTask& task,
                                     std::vector<ternmq::MessageView> messages,
                                     bool dispatch_orderly) {
  if (orderly()) {
    if (!dispatch_orderly) return;  // the queue's running task will take them
    auto pq = task.pq;
    auto queue = task.queue;
    executor_.Post([this, queue, pq] { ConsumeOrderly(queue, pq); });
    return;
  }
  const size_t batch = static_cast<size_t>(options_.consume_batch_size);
  for (size_t i = 0; i < messages.size(); i += batch) {
    std::vector<ternmq::MessageView> part(
        std::make_move_iterator(messages.begin() + static_cast<std::ptrdiff_t>(i)),
        std::make_move_iterator(messages.begin() +
                                static_cast<std::ptrdiff_t>(std::min(messages.size(), i + batch))));
    auto pq = task.pq;
    auto queue = task.queue;
    executor_.Post([this, queue, pq, part = std::move(part)]() mutable {
      ConsumeConcurrently(queue, std::move(pq), std::move(part));
    });
  }
}

void PushConsumerImpl::ConsumeConcurrently(const ternmq::MessageQueue& queue,
                                           std::shared_ptr<ProcessQueue> pq,
                                           std::vector<ternmq::MessageView> batch) {
  if (stopping_ || pq->dropped()) return;
  ternmq::ConsumeResult result;
  try {
    result = listener_(batch);
  } catch (...) {
    TERN_LOG_WARN("consumer {}: listener threw; messages will be consumed again", options_.group);
    result = ternmq::ConsumeResult::kReconsumeLater;
  }
  if (pq->dropped()) return;  // the queue moved on; its new owner consumes these again
  std::vector<ternmq::MessageView> failed;
  if (result == ternmq::ConsumeResult::kReconsumeLater) {
    if (!clustering()) {
      TERN_LOG_WARN("consumer {}: broadcasting drops {} failed message(s)", options_.group,
                    batch.size());
    } else {
      for (auto& m : batch) {
        auto addr = instance_->MasterAddress(m.broker_name);
        ternmq::Status st =
            addr ? SendMessageBack({instance_->rpc(), *addr, options_.rpc_timeout_ms},
                                   options_.group, m, 0, MaxReconsumeTimes())
                 : ternmq::Status(StatusCode::kNetworkError, "no master for " + m.broker_name);
        if (!st.ok()) {
          TERN_LOG_DEBUG("consumer {}: send back of {} failed ({}); consuming it again locally",
                         options_.group, m.msg_id, st.ToString());
          ++m.reconsume_times;
          failed.push_back(m);
        }
      }
    }
  }
  std::vector<int64_t> done;
  for (const auto& m : batch) {
    bool retry_locally = false;
    for (const auto& f : failed) retry_locally |= f.queue_offset == m.queue_offset;
    if (!retry_locally) done.push_back(m.queue_offset);
  }
  int64_t offset = pq->Remove(done);
  if (offset >= 0 && !pq->dropped()) offset_store_->Update(queue, offset, true);
  if (!failed.empty()) ConsumeLater(queue, std::move(pq), std::move(failed), kConsumeLaterMs);
}

void PushConsumerImpl::ConsumeLater(const ternmq::MessageQueue& queue,
                                    std::shared_ptr<ProcessQueue> pq,
                                    std::vector<ternmq::MessageView> batch, int64_t delay_ms) {
  RunOnLoop(delay_ms, [queue, pq, batch = std::move(batch)](PushConsumerImpl& c) mutable {
    c.executor_.Post([&c, queue, pq = std::move(pq), batch = std::move(batch)]() mutable {
      c.ConsumeConcurrently(queue, std::move(pq), std::move(batch));
    });
  });
}

void PushConsumerImpl::ConsumeOrderlyLater(const ternmq::MessageQueue& queue,
                                           std::shared_ptr<ProcessQueue> pq, int64_t delay_ms) {
  RunOnLoop(delay_ms, [queue, pq](PushConsumerImpl& c) {
    c.executor_.Post([&c, queue, pq] { c.ConsumeOrderly(queue, pq); });
  });
}

void PushConsumerImpl::ConsumeOrderly(const ternmq::MessageQueue& queue,
                                      std::shared_ptr<ProcessQueue> pq) {
  if (stopping_ || pq->dropped()) return;
  if (clustering() && !pq->LockValid(clock_.MonotonicMs())) {
    // The lock renewal (service thread) brings it back; the task stays ours.
    return ConsumeOrderlyLater(queue, std::move(pq), kOrderlyRelockRetryMs);
  }
  const int64_t start = clock_.MonotonicMs();
  while (!stopping_ && !pq->dropped()) {
    if (clock_.MonotonicMs() - start > kOrderlyMaxContinuousMs) {
      return ConsumeOrderlyLater(queue, std::move(pq), 10);
    }
    std::vector<ternmq::MessageView> msgs = pq->Take(options_.consume_batch_size);
    if (msgs.empty()) return;  // Take() released the queue's consume task
    ternmq::OrderlyConsumeResult result;
    try {
      result = orderly_listener_(msgs);
    } catch (...) {
      result = ternmq::OrderlyConsumeResult::kSuspendCurrentQueueAMoment;
    }
    if (pq->dropped()) return;
    if (result == ternmq::OrderlyConsumeResult::kSuspendCurrentQueueAMoment &&
        OrderlyRetryNeeded(msgs)) {
      pq->Restore(/*count_attempt=*/true);
      return ConsumeOrderlyLater(queue, std::move(pq), options_.suspend_current_queue_ms);
    }
    int64_t offset = pq->Commit();
    if (offset >= 0) offset_store_->Update(queue, offset, false);
  }
}

bool PushConsumerImpl::OrderlyRetryNeeded(const std::vector<ternmq::MessageView>& msgs) {
  const int32_t max = MaxReconsumeTimes();
  bool suspend = false;
  for (const auto& m : msgs) {
    if (m.reconsume_times < max) {
      suspend = true;
      continue;
    }
    // Java 5.x sends reconsumeTimes + 1: past the max for a 4.9 broker (>=)
    // and for a 5.x broker (>) alike, so the broker dead-letters it.
    ternmq::Status st = SendToRetryTopic(*instance_, options_.group, m, m.reconsume_times + 1,
                                         max, options_.rpc_timeout_ms);
    if (st.ok()) {
      TERN_LOG_WARN("consumer {}: message {} failed {} time(s); sent to %DLQ%{}", options_.group,
                    m.msg_id, m.reconsume_times + 1, options_.group);
    } else {
      TERN_LOG_WARN("consumer {}: could not dead-letter message {} ({}); retrying it locally",
                    options_.group, m.msg_id, st.ToString());
      suspend = true;
    }
  }
  return suspend;
}

}  // namespace tern::client
