// Waiting on events with a deadline (never sleeping as synchronisation).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "test/util/wait.h"  // WaitUntil

namespace tern::testing {

// A counter other threads bump; tests wait until it reaches a value.
class Counter {
 public:
  void Add(int n = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    value_ += n;
    cv_.notify_all();
  }
  int value() const {
    std::lock_guard<std::mutex> lock(mu_);
    return value_;
  }
  // True when value() >= target before the deadline.
  bool WaitFor(int target, int timeout_ms = 5000) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [&] { return value_ >= target; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int value_ = 0;
};

inline int64_t ElapsedMs(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

}  // namespace tern::testing
