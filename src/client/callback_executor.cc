#include "src/client/callback_executor.h"

#include <algorithm>

#include "src/base/check.h"
#include "src/base/logging.h"

namespace tern::client {

void CallbackExecutor::Start(int threads) {
  std::lock_guard<std::mutex> lock(mu_);
  TERN_CHECK(!running_ && !stopping_) << "CallbackExecutor started twice";
  running_ = true;
  for (int i = 0; i < std::max(threads, 1); ++i) {
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
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_ && !stopping_) {
      queue_.push_back(std::move(task));
      cv_.notify_one();
      return;
    }
  }
  task();
}

bool CallbackExecutor::InWorkerThread() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::find(worker_ids_.begin(), worker_ids_.end(), std::this_thread::get_id()) !=
         worker_ids_.end();
}

void CallbackExecutor::Run(int index) {
  log::SetThreadName(name_ + "-" + std::to_string(index));
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping and drained
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

}  // namespace tern::client
