// EventLoop: one libuv loop on one thread.
//
// Threading: the loop thread owns every handle created on it. Other threads
// reach the loop only through Post(), which appends to a mutex-protected
// vector and rings a single uv_async_t; the callback swaps the vector out and
// drains all of it (uv_async_send coalesces, so one ring may carry many tasks).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "src/base/status.h"

typedef struct uv_loop_s uv_loop_t;

namespace tern::net {

using Task = std::function<void()>;
using TimerId = uint64_t;

class EventLoop {
 public:
  // `name` names the loop thread in logs ("ns-loop", "broker-io").
  explicit EventLoop(std::string name);
  ~EventLoop();  // Stops and joins if still running.
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Spawns the loop thread. Call once.
  Status Start();
  // Runs `on_stop` tasks registered with AddStopHook on the loop, closes every
  // handle, and joins the thread. Any thread except the loop thread. Idempotent.
  void Stop();

  // Any thread. Runs `task` on the loop thread, in posting order. Tasks posted
  // after Stop() began are dropped.
  void Post(Task task);
  bool InLoopThread() const;

  // Loop thread only. Timers fire on the loop thread.
  TimerId RunAfter(int64_t delay_ms, Task task);
  TimerId RunEvery(int64_t interval_ms, Task task);
  void CancelTimer(TimerId id);

  // Loop thread only: registers a task run on the loop thread when Stop()
  // begins, before handles are closed (servers close listeners here).
  void AddStopHook(Task task);

  // For src/net internals only.
  uv_loop_t* raw();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tern::net
