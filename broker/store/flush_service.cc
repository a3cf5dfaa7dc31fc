#include "broker/store/flush_service.h"

#include <chrono>

#include "src/base/logging.h"

namespace tern::store {

FlushService::FlushService(FlushServiceOptions options, const Clock& clock,
                           std::function<int64_t()> written_end,
                           std::function<int64_t()> flushed_end,
                           std::function<Status(int64_t)> flush_to,
                           std::function<void(int64_t)> periodic)
    : options_(options),
      clock_(clock),
      written_end_(std::move(written_end)),
      flushed_end_(std::move(flushed_end)),
      flush_to_(std::move(flush_to)),
      periodic_(std::move(periodic)) {
  last_thorough_ms_ = clock_.MonotonicMs();
  last_periodic_ms_ = last_thorough_ms_;
}

FlushService::~FlushService() { Stop(); }

void FlushService::Start() {
  std::lock_guard<std::mutex> l(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  if (options_.sync) {
    {
      std::lock_guard<std::mutex> al(ack_mu_);
      ack_stop_ = false;
    }
    ack_running_ = true;
    ack_thread_ = std::thread([this] { AckLoop(); });
  }
  thread_ = std::thread([this] { Run(); });
}

void FlushService::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (ack_thread_.joinable()) {  // answers every batch handed over, then ends
    {
      std::lock_guard<std::mutex> al(ack_mu_);
      ack_stop_ = true;
    }
    ack_cv_.notify_all();
    ack_thread_.join();
  }
  ack_running_ = false;
  RunOnce(/*force=*/true);  // anything added after the thread's last pass, answered here
}

void FlushService::Complete(std::vector<FlushWaiter>& batch, const Status& st, int64_t done_ms) {
  for (FlushWaiter& w : batch) {
    if (!st.ok()) {
      w.result.status = PutStatus::kUnknownError;
      w.result.error = st;
    } else if (done_ms > w.deadline_ms) {
      w.result.status = PutStatus::kFlushDiskTimeout;
    } else {
      w.result.status = PutStatus::kPutOk;
    }
    w.done(std::move(w.result));
  }
}

void FlushService::AckLoop() {
  log::SetThreadName("cl-ack");
  std::vector<AckBatch> work;
  while (true) {
    {
      std::unique_lock<std::mutex> l(ack_mu_);
      ack_cv_.wait(l, [&] { return ack_stop_ || !acks_.empty(); });
      if (acks_.empty()) return;  // stopping and drained
      work.swap(acks_);
    }
    for (AckBatch& b : work) Complete(b.waiters, b.status, b.done_ms);
    work.clear();
  }
}

void FlushService::AddWaiter(FlushWaiter w) {
  bool ring;
  {
    std::lock_guard<std::mutex> l(mu_);
    ring = waiters_.empty();
    waiters_.push_back(std::move(w));
  }
  if (ring) cv_.notify_one();
}

void FlushService::Wake() {
  bool ring;
  {
    std::lock_guard<std::mutex> l(mu_);
    ring = !woken_ && waiters_.empty();
    woken_ = true;
  }
  if (ring) cv_.notify_one();
}

void FlushService::RunOnce(bool force) {
  bool woken;
  {
    std::lock_guard<std::mutex> l(mu_);
    batch_.swap(waiters_);
    woken = woken_;
    woken_ = false;
  }
  int64_t now = clock_.MonotonicMs();
  int64_t target = written_end_();
  int64_t flushed = flushed_end_();
  bool thorough = now - last_thorough_ms_ >= options_.thorough_interval_ms;
  bool need = force || woken || !batch_.empty() || thorough ||
              target - flushed >= options_.least_bytes;
  Status st;
  if (need && target > flushed) {
    st = flush_to_(target);
    if (!st.ok()) TERN_LOG_ERROR("commit log flush failed: {}", st.ToString());
  }
  if (thorough) last_thorough_ms_ = now;
  int64_t done_ms = clock_.MonotonicMs();
  if (!batch_.empty()) {
    if (ack_running_ && !force) {
      bool first;
      {
        std::lock_guard<std::mutex> al(ack_mu_);
        first = acks_.empty();
        acks_.push_back(AckBatch{std::move(batch_), st, done_ms});
      }
      if (first) ack_cv_.notify_one();
      batch_ = {};
    } else {
      Complete(batch_, st, done_ms);
    }
  }
  batch_.clear();
  if (now - last_periodic_ms_ >= options_.periodic_interval_ms || force) {
    last_periodic_ms_ = now;
    periodic_(clock_.NowMs());
  }
}

void FlushService::Run() {
  log::SetThreadName("cl-flush");
  while (true) {
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait_for(l, std::chrono::milliseconds(options_.interval_ms),
                   [&] { return stop_ || woken_ || !waiters_.empty(); });
      if (stop_) return;
    }
    RunOnce(/*force=*/false);
  }
}

}  // namespace tern::store
