// EventLoop implementation.
//
// Shutdown sequence (loop thread, inside the async callback that sees the stop
// request): drain the tasks posted before Stop(), run the stop hooks (owners
// close their handles), close every timer and the async handle, and, as a last
// resort, close any handle an owner forgot (logged). uv_run then returns once
// the close callbacks have run, and Stop() joins the thread.
#include "src/net/event_loop.h"

#include <pthread.h>
#include <signal.h>

#include <uv.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "src/base/check.h"
#include "src/base/logging.h"

namespace tern::net {
namespace {

struct Timer {
  uv_timer_t handle;
  Task task;
  TimerId id = 0;
  bool repeat = false;
};

void OnTimerClosed(uv_handle_t* handle) { delete static_cast<Timer*>(handle->data); }

}  // namespace

struct EventLoop::Impl {
  explicit Impl(std::string n) : name(std::move(n)) {}

  std::string name;
  uv_loop_t loop;
  uv_async_t async;
  uv_prepare_t prepare;
  std::vector<Task> before_poll;  // loop thread only
  std::vector<Task> before_poll_running;

  std::mutex mu;
  std::vector<Task> tasks;  // GUARDED_BY(mu)
  bool stopping = false;    // GUARDED_BY(mu)

  std::mutex lifecycle_mu;  // serializes Start/Stop
  bool started = false;     // GUARDED_BY(lifecycle_mu)
  bool stopped = false;     // GUARDED_BY(lifecycle_mu)
  std::thread thread;
  std::atomic<std::thread::id> loop_tid{};
  std::atomic<bool> running{false};

  // Loop thread only.
  std::unordered_map<TimerId, Timer*> timers;
  TimerId next_timer = 1;
  std::vector<std::pair<HookId, Task>> hooks;
  HookId next_hook = 1;
  bool shutdown_done = false;

  static void OnAsync(uv_async_t* async) {
    auto* self = static_cast<Impl*>(async->data);
    std::vector<Task> batch;
    bool stop;
    {
      std::lock_guard<std::mutex> lock(self->mu);
      batch.swap(self->tasks);
      stop = self->stopping;
    }
    for (Task& task : batch) task();
    batch.clear();
    if (stop && !self->shutdown_done) self->Shutdown();
  }

  static void OnPrepare(uv_prepare_t* handle) {
    static_cast<Impl*>(handle->data)->RunBeforePoll();
  }

  void RunBeforePoll() {
    // A task may add more (a flush that closes a connection): run to empty.
    while (!before_poll.empty()) {
      before_poll_running.swap(before_poll);
      for (Task& task : before_poll_running) task();
      before_poll_running.clear();
    }
  }

  static void OnTimer(uv_timer_t* handle) {
    auto* timer = static_cast<Timer*>(handle->data);
    auto* self = static_cast<Impl*>(handle->loop->data);
    if (timer->repeat) {
      // The task may cancel its own timer; the Timer (and the task being run)
      // is deleted only in the close callback, later.
      timer->task();
      return;
    }
    self->timers.erase(timer->id);
    Task task = std::move(timer->task);
    uv_close(reinterpret_cast<uv_handle_t*>(handle), OnTimerClosed);
    task();
  }

  TimerId AddTimer(int64_t delay_ms, int64_t repeat_ms, Task task) {
    auto* timer = new Timer;
    timer->id = next_timer++;
    timer->task = std::move(task);
    timer->repeat = repeat_ms > 0;
    timer->handle.data = timer;
    TERN_CHECK(uv_timer_init(&loop, &timer->handle) == 0);
    TERN_CHECK(uv_timer_start(&timer->handle, OnTimer,
                              static_cast<uint64_t>(std::max<int64_t>(0, delay_ms)),
                              static_cast<uint64_t>(std::max<int64_t>(0, repeat_ms))) == 0);
    timers.emplace(timer->id, timer);
    return timer->id;
  }

  void Shutdown() {
    auto stop_hooks = std::move(hooks);
    hooks.clear();
    for (auto& [id, hook] : stop_hooks) hook();
    RunBeforePoll();
    shutdown_done = true;  // from here BeforePoll runs its task at once
    uv_prepare_stop(&prepare);
    uv_close(reinterpret_cast<uv_handle_t*>(&prepare), nullptr);
    for (auto& [id, timer] : timers) {
      uv_timer_stop(&timer->handle);
      uv_close(reinterpret_cast<uv_handle_t*>(&timer->handle), OnTimerClosed);
    }
    timers.clear();
    uv_close(reinterpret_cast<uv_handle_t*>(&async), nullptr);
    uv_walk(
        &loop,
        [](uv_handle_t* handle, void* arg) {
          if (uv_is_closing(handle)) return;
          TERN_LOG_WARN("loop {}: closing a {} handle its owner left open at stop",
                        static_cast<Impl*>(arg)->name, uv_handle_type_name(handle->type));
          uv_close(handle, nullptr);
        },
        this);
  }

  void RunThread(std::promise<void>* ready) {
    log::SetThreadName(name);
    // Sockets are written on this thread only. With SIGPIPE blocked here a
    // write to a peer that has gone away fails with EPIPE instead of killing
    // the process, whatever the embedding application does with SIGPIPE (the
    // SDK runs inside other people's programs).
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
    loop_tid.store(std::this_thread::get_id());
    running.store(true);
    ready->set_value();
    uv_run(&loop, UV_RUN_DEFAULT);
  }

  void CloseLoop() {
    int rc = uv_loop_close(&loop);
    if (rc != 0) TERN_LOG_WARN("loop {}: uv_loop_close: {}", name, uv_strerror(rc));
  }
};

EventLoop::EventLoop(std::string name) : impl_(std::make_unique<Impl>(std::move(name))) {
  TERN_CHECK(uv_loop_init(&impl_->loop) == 0);
  impl_->loop.data = impl_.get();
  impl_->async.data = impl_.get();
  TERN_CHECK(uv_async_init(&impl_->loop, &impl_->async, Impl::OnAsync) == 0);
  impl_->prepare.data = impl_.get();
  TERN_CHECK(uv_prepare_init(&impl_->loop, &impl_->prepare) == 0);
  TERN_CHECK(uv_prepare_start(&impl_->prepare, Impl::OnPrepare) == 0);
  uv_unref(reinterpret_cast<uv_handle_t*>(&impl_->prepare));  // never keeps the loop alive
}

EventLoop::~EventLoop() { Stop(); }

Status EventLoop::Start() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle_mu);
  if (impl_->started || impl_->stopped) return Status::Internal("EventLoop::Start called twice");
  std::promise<void> ready;
  try {
    impl_->thread = std::thread([this, &ready] { impl_->RunThread(&ready); });
  } catch (const std::system_error& e) {
    return Status::Internal(std::string("cannot start loop thread: ") + e.what());
  }
  ready.get_future().wait();
  impl_->started = true;
  return Status::Ok();
}

void EventLoop::Stop() {
  std::lock_guard<std::mutex> lock(impl_->lifecycle_mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  if (!impl_->started) {
    // Never started: shut down on this thread and let uv_run run the closes.
    {
      std::lock_guard<std::mutex> l(impl_->mu);
      impl_->stopping = true;
    }
    std::vector<Task> batch;
    {
      std::lock_guard<std::mutex> l(impl_->mu);
      batch.swap(impl_->tasks);
    }
    for (Task& task : batch) task();
    impl_->Shutdown();
    uv_run(&impl_->loop, UV_RUN_DEFAULT);
    impl_->CloseLoop();
    return;
  }
  TERN_CHECK(impl_->loop_tid.load() != std::this_thread::get_id())
      << "EventLoop::Stop called on the loop thread of " << impl_->name;
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    impl_->stopping = true;
    uv_async_send(&impl_->async);
  }
  impl_->thread.join();
  impl_->running.store(false);
  impl_->loop_tid.store(std::thread::id());
  impl_->CloseLoop();
}

void EventLoop::Post(Task task) {
  if (!TryPost(std::move(task))) {
    TERN_LOG_DEBUG("loop {}: task posted after stop dropped", impl_->name);
  }
}

bool EventLoop::TryPost(Task task) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->stopping) return false;
  impl_->tasks.push_back(std::move(task));
  // Under the lock: the loop closes the async handle only after it saw
  // `stopping`, which cannot happen while we hold the lock.
  uv_async_send(&impl_->async);
  return true;
}

bool EventLoop::InLoopThread() const {
  return !impl_->running.load() || impl_->loop_tid.load() == std::this_thread::get_id();
}

bool EventLoop::running() const { return impl_->running.load(); }

TimerId EventLoop::RunAfter(int64_t delay_ms, Task task) {
  TERN_CHECK(InLoopThread()) << "RunAfter off the loop thread of " << impl_->name;
  return impl_->AddTimer(delay_ms, 0, std::move(task));
}

TimerId EventLoop::RunEvery(int64_t interval_ms, Task task) {
  TERN_CHECK(InLoopThread()) << "RunEvery off the loop thread of " << impl_->name;
  int64_t interval = std::max<int64_t>(1, interval_ms);
  return impl_->AddTimer(interval, interval, std::move(task));
}

void EventLoop::CancelTimer(TimerId id) {
  TERN_CHECK(InLoopThread()) << "CancelTimer off the loop thread of " << impl_->name;
  auto it = impl_->timers.find(id);
  if (it == impl_->timers.end()) return;
  Timer* timer = it->second;
  impl_->timers.erase(it);
  uv_timer_stop(&timer->handle);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer->handle), OnTimerClosed);
}

int64_t EventLoop::NowMs() const { return static_cast<int64_t>(uv_now(&impl_->loop)); }

void EventLoop::BeforePoll(Task task) {
  TERN_CHECK(InLoopThread()) << "BeforePoll off the loop thread of " << impl_->name;
  if (impl_->shutdown_done) {
    task();
    return;
  }
  impl_->before_poll.push_back(std::move(task));
}

HookId EventLoop::AddStopHook(Task task) {
  TERN_CHECK(InLoopThread()) << "AddStopHook off the loop thread of " << impl_->name;
  HookId id = impl_->next_hook++;
  impl_->hooks.emplace_back(id, std::move(task));
  return id;
}

void EventLoop::RemoveStopHook(HookId id) {
  TERN_CHECK(InLoopThread()) << "RemoveStopHook off the loop thread of " << impl_->name;
  auto& hooks = impl_->hooks;
  for (auto it = hooks.begin(); it != hooks.end(); ++it) {
    if (it->first == id) {
      hooks.erase(it);
      return;
    }
  }
}

const std::string& EventLoop::name() const { return impl_->name; }

uv_loop_t* EventLoop::raw() { return &impl_->loop; }

CoalescedCall::CoalescedCall(EventLoop& loop, Task task)
    : loop_(loop), state_(std::make_shared<State>()) {
  state_->task = std::move(task);
}

bool CoalescedCall::Request() {
  if (!loop_.running() || !loop_.InLoopThread() || !state_->task) return false;
  if (!state_->scheduled) {
    state_->scheduled = true;
    loop_.BeforePoll([state = state_] {
      state->scheduled = false;
      if (state->task) state->task();
    });
  }
  return true;
}

void CoalescedCall::Cancel() {
  TERN_CHECK(!loop_.running() || !loop_.InLoopThread())
      << "CoalescedCall::Cancel on the loop thread of " << loop_.name();
  RunInLoopAndWait(loop_, [state = state_] { state->task = nullptr; });
}

bool RunInLoopAndWait(EventLoop& loop, const Task& task) {
  if (loop.InLoopThread()) {
    task();
    return true;
  }
  std::promise<void> done;
  // Tasks queued before Stop() began are always run, so `done` is set once
  // TryPost succeeded.
  if (!loop.TryPost([&task, &done] {
        task();
        done.set_value();
      })) {
    return false;
  }
  done.get_future().wait();
  return true;
}

}  // namespace tern::net
