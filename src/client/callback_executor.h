// CallbackExecutor: the threads that run user callbacks (SendCallback), so
// that user code never runs on the event-loop thread and a slow callback
// cannot stall network I/O. One FIFO queue shared by N worker threads (with
// one thread, callbacks run in the order they were posted; that thread takes
// the whole queue at once, so the poster rarely waits for its lock).
//
// Threading: Post from any thread; Start/Stop from one owning thread, never
// from a worker (Stop joins the workers).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tern::client {

class CallbackExecutor {
 public:
  explicit CallbackExecutor(std::string name) : name_(std::move(name)) {}
  ~CallbackExecutor() { Stop(); }
  CallbackExecutor(const CallbackExecutor&) = delete;
  CallbackExecutor& operator=(const CallbackExecutor&) = delete;

  void Start(int threads);
  // Runs every task already posted, then joins the workers. Tasks posted
  // afterwards (or before Start) run inline on the posting thread. Idempotent.
  void Stop();
  void Post(std::function<void()> task);
  // True on one of this executor's worker threads.
  bool InWorkerThread() const;
  // Batches wake-ups (as CommitLog::SetWakeDeferral): a Post that would wake
  // an idle worker calls `defer` on the posting thread first; true means the
  // caller has arranged for WakeWorkers() to run soon, so no worker is woken
  // now. Set before Start(); `defer` must not call into this executor.
  void SetWakeDeferral(std::function<bool()> defer);
  // Any thread: wakes as many idle workers as there are queued tasks.
  void WakeWorkers();

 private:
  void Run(int index);

  const std::string name_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // GUARDED_BY(mu_)
  bool running_ = false;                      // GUARDED_BY(mu_)
  bool stopping_ = false;                     // GUARDED_BY(mu_)
  int idle_ = 0;                              // workers waiting on cv_; GUARDED_BY(mu_)
  int workers_count_ = 0;                     // set in Start before the workers run
  std::vector<std::thread> workers_;
  std::vector<std::thread::id> worker_ids_;   // set in Start, read-only afterwards
  std::function<bool()> wake_deferral_;       // set before Start, read-only afterwards
};

}  // namespace tern::client
