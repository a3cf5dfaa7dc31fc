#include "broker/longpoll/pull_request_hold_service.h"

#include <algorithm>
#include <utility>

#include "src/base/logging.h"

namespace tern::longpoll {

PullRequestHoldService::PullRequestHoldService(const Clock& clock, HoldOptions options,
                                               MaxOffset max_offset, Rerun rerun)
    : clock_(clock),
      options_(options),
      max_offset_(std::move(max_offset)),
      rerun_(std::move(rerun)),
      mailbox_(std::make_shared<Mailbox>()) {
  mailbox_->service = this;
}

PullRequestHoldService::~PullRequestHoldService() {
  // Drain tasks still queued on the loop find no service and drop their batch.
  std::lock_guard<std::mutex> lock(mailbox_->mu);
  mailbox_->service = nullptr;
  mailbox_->loop = nullptr;
}

void PullRequestHoldService::Start(net::EventLoop& loop) {
  loop_ = &loop;
  {
    std::lock_guard<std::mutex> lock(mailbox_->mu);
    mailbox_->loop = &loop;
  }
  const int64_t interval =
      options_.long_polling_enable ? options_.check_interval_ms
                                   : std::min(options_.check_interval_ms,
                                              options_.short_polling_time_ms);
  sweep_timer_ = loop.RunEvery(std::max<int64_t>(interval, 1), [this] { RunOnce(); });
  sweep_armed_ = true;
}

void PullRequestHoldService::Stop() {
  if (sweep_armed_ && loop_) loop_->CancelTimer(sweep_timer_);
  sweep_armed_ = false;
  {
    std::lock_guard<std::mutex> lock(mailbox_->mu);
    mailbox_->loop = nullptr;
    mailbox_->pending.clear();
  }
  std::vector<ParkedPull> all;
  for (auto& [key, list] : parked_by_key_) {
    for (ParkedPull& p : list) all.push_back(std::move(p));
  }
  parked_by_key_.clear();
  mailbox_->parked.store(0);
  Wake(&all);
}

int64_t PullRequestHoldService::EffectiveTimeoutMs(int64_t requested_ms) const {
  if (!options_.long_polling_enable) return options_.short_polling_time_ms;
  return std::clamp<int64_t>(requested_ms, 0, options_.max_suspend_ms);
}

std::string PullRequestHoldService::Key(std::string_view topic, QueueId queue_id) {
  std::string key(topic);
  key.push_back('@');
  key.append(std::to_string(queue_id.value()));
  return key;
}

store::MessageArrivalListener PullRequestHoldService::ArrivalListener() {
  std::shared_ptr<Mailbox> box = mailbox_;
  // Runs on the dispatch thread; touches only the shared mailbox, so it may
  // outlive the service.
  return [box](const store::MessageArrival& a) {
    // Pairs with Park(): either this load sees the new parked pull, or Park's
    // max-offset check sees this unit.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (box->parked.load() == 0) return;
    bool post = false;
    net::EventLoop* loop = nullptr;
    {
      std::lock_guard<std::mutex> lock(box->mu);
      if (!box->loop) return;
      post = box->pending.empty();
      box->pending.push_back(
          Arrival{std::string(a.topic), a.queue_id, a.max_offset, a.tags_code});
      loop = box->loop;
    }
    if (post) loop->Post([box] { Drain(box); });
  };
}

void PullRequestHoldService::Drain(const std::shared_ptr<Mailbox>& box) {
  std::vector<Arrival> batch;
  {
    std::lock_guard<std::mutex> lock(box->mu);
    batch.swap(box->pending);
  }
  PullRequestHoldService* service = box->service;  // loop thread: stable here
  if (!service) return;
  for (const Arrival& a : batch) {
    service->NotifyMessageArriving(a.topic, a.queue_id, a.max_offset, a.tags_code);
  }
}

void PullRequestHoldService::Park(ParkedPull pull) {
  pull.suspend_ms = clock_.MonotonicMs();
  pull.timeout_ms = EffectiveTimeoutMs(pull.timeout_ms);
  const std::string key = Key(pull.topic, pull.queue_id);
  const std::string topic = pull.topic;
  const QueueId queue_id = pull.queue_id;
  const QueueOffset from = pull.pull_from_offset;
  parked_by_key_[key].push_back(std::move(pull));
  mailbox_->parked.fetch_add(1);  // seq_cst: see ArrivalListener()
  if (max_offset_(topic, queue_id) > from) {
    NotifyMessageArriving(topic, queue_id, max_offset_(topic, queue_id), std::nullopt);
  }
}

void PullRequestHoldService::Collect(const std::string& key, std::string_view topic,
                                     QueueId queue_id, QueueOffset max_offset,
                                     std::optional<int64_t> tags_code, int64_t now,
                                     std::vector<ParkedPull>* out) {
  auto it = parked_by_key_.find(key);
  if (it == parked_by_key_.end()) return;
  std::vector<ParkedPull> keep;
  std::optional<QueueOffset> current;  // the store's max, read at most once
  for (ParkedPull& p : it->second) {
    QueueOffset newest = max_offset;
    if (newest <= p.pull_from_offset) {
      if (!current) current = max_offset_(topic, queue_id);
      newest = std::max(newest, *current);
    }
    bool wake = false;
    if (newest > p.pull_from_offset) {
      wake = !tags_code || !p.filter || p.filter->MatchTagsCode(*tags_code);
    }
    if (!wake && now >= p.suspend_ms + p.timeout_ms) wake = true;
    if (wake) {
      out->push_back(std::move(p));
    } else {
      keep.push_back(std::move(p));
    }
  }
  mailbox_->parked.fetch_sub(static_cast<int64_t>(it->second.size() - keep.size()));
  if (keep.empty()) {
    parked_by_key_.erase(it);
  } else {
    it->second = std::move(keep);
  }
}

void PullRequestHoldService::NotifyMessageArriving(std::string_view topic, QueueId queue_id,
                                                   QueueOffset max_offset,
                                                   std::optional<int64_t> tags_code) {
  if (parked_by_key_.empty()) return;
  std::vector<ParkedPull> woken;
  Collect(Key(topic, queue_id), topic, queue_id, max_offset, tags_code, clock_.MonotonicMs(),
          &woken);
  Wake(&woken);
}

void PullRequestHoldService::RunOnce() {
  if (parked_by_key_.empty()) return;
  const int64_t now = clock_.MonotonicMs();
  std::vector<std::string> keys;
  keys.reserve(parked_by_key_.size());
  for (const auto& [key, list] : parked_by_key_) keys.push_back(key);
  std::vector<ParkedPull> woken;
  for (const std::string& key : keys) {
    auto it = parked_by_key_.find(key);
    if (it == parked_by_key_.end() || it->second.empty()) continue;
    const std::string topic = it->second.front().topic;
    const QueueId queue_id = it->second.front().queue_id;
    Collect(key, topic, queue_id, max_offset_(topic, queue_id), std::nullopt, now, &woken);
  }
  Wake(&woken);
}

void PullRequestHoldService::Wake(std::vector<ParkedPull>* woken) {
  for (ParkedPull& p : *woken) rerun_(std::move(p));
  woken->clear();
}

}  // namespace tern::longpoll
