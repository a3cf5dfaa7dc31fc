// The CommitLog flush thread: async flushes on a period and sync group commit.
//
// Group commit: appenders that must wait add a FlushWaiter; the thread swaps
// the waiter list out under mu_, syncs everything written so far outside the
// lock (one msync/fdatasync for many waiters), then completes each waiter:
// PUT_OK, FLUSH_DISK_TIMEOUT if its deadline passed before the flush finished,
// or UNKNOWN_ERROR with the sync's Status. A waiter is only answered once a
// flush covering its record end has returned.
//
// Limitation: the timeout is judged when the flush returns; a sync that hangs
// forever delays every answer with it.
//
// With sync = true and the thread started, answering is handed to a second
// thread ("cl-ack"): waking dozens of waiters costs a futex call each, and
// doing that on the flush thread kept the next fdatasync from starting. The
// flush thread now goes straight to the next pass while the previous batch is
// answered, so each sync covers whatever was appended during the last one.
//
// Any thread for AddWaiter; RunOnce is the thread body (tests may call it when
// the thread is not started).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "broker/store/put_result.h"
#include "src/base/clock.h"
#include "src/base/status.h"

namespace tern::store {

struct FlushWaiter {
  int64_t end = 0;          // record end offset that must be durable
  int64_t deadline_ms = 0;  // clock.MonotonicMs() after which the answer is a timeout
  PutResult result;         // completed and handed to `done`
  AppendCallback done;
};

struct FlushServiceOptions {
  bool sync = false;
  int interval_ms = 500;
  int64_t least_bytes = 4 * 4096;
  int thorough_interval_ms = 10000;
  int periodic_interval_ms = 1000;  // how often `periodic` runs (checkpoint, disk check)
};

class FlushService {
 public:
  // written_end(): current written end. flush_to(end): make [flushed, end) durable,
  // return the Status. flushed_end(): current flushed end. periodic(now_ms): runs
  // every periodic_interval_ms on this thread. `clock` must outlive this.
  FlushService(FlushServiceOptions options, const Clock& clock,
               std::function<int64_t()> written_end, std::function<int64_t()> flushed_end,
               std::function<Status(int64_t)> flush_to, std::function<void(int64_t)> periodic);
  ~FlushService();  // Stop()s

  void Start();
  // Flushes what is written, completes every waiter and joins the thread.
  void Stop();

  void AddWaiter(FlushWaiter w);
  // Asks for a flush pass now without a waiter (staged bytes to write out).
  void Wake();
  // One pass: flush if needed (always if `force` or waiters are queued),
  // complete waiters, run periodic work when due.
  void RunOnce(bool force);

 private:
  void Run();
  void AckLoop();
  // Answers every waiter of `batch` with the outcome of one flush.
  static void Complete(std::vector<FlushWaiter>& batch, const Status& st, int64_t done_ms);

  const FlushServiceOptions options_;
  const Clock& clock_;
  std::function<int64_t()> written_end_;
  std::function<int64_t()> flushed_end_;
  std::function<Status(int64_t)> flush_to_;
  std::function<void(int64_t)> periodic_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<FlushWaiter> waiters_;  // GUARDED_BY(mu_)
  std::vector<FlushWaiter> batch_;    // flush thread only (reused buffer)
  bool stop_ = false;                 // GUARDED_BY(mu_)
  bool woken_ = false;                // GUARDED_BY(mu_)
  int64_t last_thorough_ms_ = 0;      // flush thread only
  int64_t last_periodic_ms_ = 0;      // flush thread only
  std::thread thread_;

  // The ack thread (sync mode only).
  std::mutex ack_mu_;
  std::condition_variable ack_cv_;
  struct AckBatch {
    std::vector<FlushWaiter> waiters;
    Status status;
    int64_t done_ms = 0;
  };
  std::vector<AckBatch> acks_;  // GUARDED_BY(ack_mu_)
  bool ack_stop_ = false;       // GUARDED_BY(ack_mu_)
  bool ack_running_ = false;    // set by Start(), cleared by Stop(); flush thread reads it
  std::thread ack_thread_;
};

}  // namespace tern::store
