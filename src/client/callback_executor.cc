#include "src/client/callback_executor.h"

#include <algorithm>

#include "src/base/check.h"
#include "src/base/logging.h"

namespace tern::client {

void CallbackExecutor::Start(int threads) {
  std::lock_guard<std::mutex> lock(mu_);
  TERN_CHECK(!running_ && !stopping_) << "CallbackExecutor started twice";
  running_ = true;
  workers_count_ = std::max(threads, 1);
  for (int i = 0; i < workers_count_; ++i) {
    workers_.emplace_back([this, i] { Run(i); });
    worker_ids_.push_back(workers_.back().get_id());
  }
}

void CallbackExecutor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    TERN_CHECK(std::find(worker_ids_.begin(), worker_ids_.end(), std::this_thread::get_id()) ==
               worker_ids_.end())
        << name_ << ": stopped from one of its own callbacks";
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
  std::lock_guard<std::mutex> lock(mu_);
  workers_.clear();
  running_ = false;
}

void CallbackExecutor::Post(std::function<void()> task) {
  bool queued = false;
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_ && !stopping_) {
      queue_.push_back(std::move(task));
      queued = true;
      // A worker that is busy comes back for the queue without a wake-up.
      wake = idle_ > 0;
    }
  }
  if (wake && !(wake_deferral_ && wake_deferral_())) cv_.notify_one();
  if (!queued) task();  // before Start or after Stop: run inline
}

void CallbackExecutor::SetWakeDeferral(std::function<bool()> defer) {
  std::lock_guard<std::mutex> lock(mu_);
  TERN_CHECK(!running_) << name_ << ": SetWakeDeferral after Start";
  wake_deferral_ = std::move(defer);
}

void CallbackExecutor::WakeWorkers() {
  size_t wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake = std::min(queue_.size(), static_cast<size_t>(idle_));
  }
  if (wake == 1) {
    cv_.notify_one();
  } else if (wake > 1) {
    cv_.notify_all();
  }
}

bool CallbackExecutor::InWorkerThread() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::find(worker_ids_.begin(), worker_ids_.end(), std::this_thread::get_id()) !=
         worker_ids_.end();
}

void CallbackExecutor::Run(int index) {
  log::SetThreadName(name_ + "-" + std::to_string(index));
  const bool only_worker = workers_count_ == 1;
  std::deque<std::function<void()>> batch;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (queue_.empty() && !stopping_) {
      ++idle_;
      cv_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      --idle_;
    }
    if (queue_.empty()) return;  // stopping and drained
    if (only_worker) {
      // Everything queued, in order, with one lock round trip: the I/O thread
      // posting the next answers does not wait for this thread per callback.
      batch.swap(queue_);
    } else {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    while (!batch.empty()) {
      batch.front()();
      batch.pop_front();
    }
    lock.lock();
  }
}

}  // namespace tern::client
