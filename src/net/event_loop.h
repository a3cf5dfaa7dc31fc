// EventLoop: one libuv loop on one thread.
//
// Threading: the loop thread owns every handle created on it. Other threads
// reach the loop only through Post(), which appends to a mutex-protected
// vector and rings a single uv_async_t; the callback swaps the vector out and
// drains all of it (uv_async_send coalesces, so one ring may carry many tasks).
//
// "Loop thread only" below also admits any single thread while the loop
// thread is not running (before Start(), after Stop()): objects may be set up
// before the loop starts and torn down after it stopped.
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
using HookId = uint64_t;

class EventLoop {
 public:
  // `name` names the loop thread in logs ("ns-loop", "broker-io").
  explicit EventLoop(std::string name);
  ~EventLoop();  // Stops and joins if still running.
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Spawns the loop thread. Call once. When it returns, InLoopThread() is
  // true on the loop thread only.
  Status Start();
  // Runs `on_stop` tasks registered with AddStopHook on the loop, closes every
  // handle, and joins the thread. Any thread except the loop thread. Idempotent.
  // Without a prior Start() the same shutdown runs on the calling thread.
  void Stop();

  // Any thread. Runs `task` on the loop thread, in posting order. Tasks posted
  // after Stop() began are dropped.
  void Post(Task task);
  // As Post(), but tells whether the task was queued (false once Stop() began).
  bool TryPost(Task task);
  // True on the loop thread, and on any thread while the loop thread is not
  // running (before Start() returned, after Stop() joined).
  bool InLoopThread() const;
  // True between Start() and the end of Stop().
  bool running() const;

  // Loop thread only. Timers fire on the loop thread. Cancelling a timer that
  // already fired (one-shot) or was cancelled is a no-op.
  TimerId RunAfter(int64_t delay_ms, Task task);
  TimerId RunEvery(int64_t interval_ms, Task task);
  void CancelTimer(TimerId id);

  // Loop thread only: the loop's monotonic clock in milliseconds (libuv's
  // cached time of the current iteration).
  int64_t NowMs() const;

  // Loop thread only: runs `task` once, on the loop thread, after the
  // callbacks of the current iteration and before the loop next waits for
  // I/O (a uv_prepare handle). Connections use it to gather the writes of one
  // iteration into one writev. During and after Stop() the task runs at once.
  void BeforePoll(Task task);

  // Loop thread only: registers a task run on the loop thread when Stop()
  // begins, before handles are closed (servers close listeners here).
  // The returned id removes it again (an owner that goes away first must).
  HookId AddStopHook(Task task);
  void RemoveStopHook(HookId id);

  const std::string& name() const;

  // For src/net internals only.
  uv_loop_t* raw();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Coalesces the requests made on `loop`'s thread during one iteration into one
// run of `task`, before the loop next waits for I/O (EventLoop::BeforePoll).
// A loop that hands work to another thread uses it to wake that thread once
// per iteration instead of once per item: a thread woken at once on a busy CPU
// preempts the loop in the middle of what it read (docs/benchmarks.md,
// session 9). `task` runs on the loop thread.
class CoalescedCall {
 public:
  CoalescedCall(EventLoop& loop, Task task);
  // Any thread. True if `task` will run before the loop next polls (scheduled
  // now or earlier in this iteration); false, and nothing scheduled, when not
  // called on the thread of the running loop or after Cancel().
  bool Request();
  // Not on the loop thread. From its return on, `task` does not run (a run in
  // progress has finished). Call before what `task` uses goes away, while the
  // loop runs (not while it is stopping) or after it stopped.
  void Cancel();

 private:
  struct State {
    Task task;  // loop thread only, like `scheduled`; empty once cancelled
    bool scheduled = false;
  };
  EventLoop& loop_;
  std::shared_ptr<State> state_;  // shared with the scheduled BeforePoll task
};

// Runs `task` on the loop thread and waits until it ran: inline when called on
// the loop thread (or while the loop is not running). Returns false, without
// running it, once the loop is stopping. Blocks the caller, so never call it
// while holding a lock the loop thread may need.
bool RunInLoopAndWait(EventLoop& loop, const Task& task);

}  // namespace tern::net
