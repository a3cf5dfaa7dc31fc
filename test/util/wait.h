// Waiting on an effect that gives no event to wait for (a file, another
// process's state, a route at the nameserver): poll a cheap predicate with a
// deadline. Prefer a real event where one exists.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace tern::testing {

// Polls `pred` every `poll_ms` until it holds (true) or `timeout_ms` passes (false).
inline bool WaitUntil(const std::function<bool()>& pred, int timeout_ms = 5000, int poll_ms = 10) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  }
  return true;
}

}  // namespace tern::testing
