// ProcessQueue: the messages of one assigned queue that were pulled and not
// yet consumed (Java ProcessQueue), with the numbers flow control needs.
//
// Messages are kept by queue offset. The offset a consumer may commit is the
// smallest offset still cached (a message in flight blocks it), or one past
// the largest offset ever cached once everything is consumed, so a crash
// re-delivers unfinished messages instead of losing them.
//
// Orderly consumption takes messages in offset order into a "consuming" set
// (Take), then either Commit()s them or puts them back (Restore) to be taken
// again; `consuming` tells whether a consume task owns the queue.
//
// Dropped: the queue was taken away by a rebalance; the pull loop and the
// consume tasks stop touching it and commit nothing more.
//
// Lifetime: shared (shared_ptr) by the rebalance thread that creates and drops
// it, the pull completions on the loop thread and the consume tasks; the last
// one to let go frees it. Threading: any thread; internally synchronized
// (mu_), no lock held across calls out.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "ternmq/message.h"

namespace tern::client {

class ProcessQueue {
 public:
  // Java: a lock older than 30 s (rocketmq.client.rebalance.lockMaxLiveTime) is not trusted.
  static constexpr int64_t kLockMaxLiveMs = 30'000;

  // Adds messages not cached yet. Returns true when an orderly consume task
  // should be started (messages are cached and none is running); marks one
  // as running in that case.
  bool Put(std::vector<ternmq::MessageView> messages);

  // Concurrent: forgets consumed messages. Returns the offset to commit, or -1
  // when nothing was cached.
  int64_t Remove(const std::vector<int64_t>& offsets);

  // Orderly: moves up to `n` messages, in offset order, into the consuming
  // set. Empty: nothing left, and the queue no longer has a consume task.
  std::vector<ternmq::MessageView> Take(int32_t n);
  // Orderly: the taken messages are done. Returns the offset to commit (one
  // past the largest taken), or -1 when none were taken.
  int64_t Commit();
  // Orderly: the taken messages go back to be taken again; with
  // `count_attempt` each one's reconsume_times grows by one.
  void Restore(bool count_attempt);

  // Flow control: cached messages and their body bytes.
  int64_t count() const;
  int64_t bytes() const;
  // Largest - smallest cached offset (Java consumeConcurrentlyMaxSpan).
  int64_t span() const;

  void set_dropped() { dropped_ = true; }
  bool dropped() const { return dropped_; }

  // Orderly lock state on the broker (LOCK_BATCH_MQ).
  void SetLocked(bool locked, int64_t now_ms);
  bool locked() const { return locked_; }
  bool LockExpired(int64_t now_ms) const { return now_ms - last_lock_ms_ > kLockMaxLiveMs; }
  // Locked and not expired.
  bool LockValid(int64_t now_ms) const { return locked_ && !LockExpired(now_ms); }

 private:
  mutable std::mutex mu_;
  std::map<int64_t, ternmq::MessageView> cached_;     // GUARDED_BY(mu_)
  std::map<int64_t, ternmq::MessageView> consuming_;  // GUARDED_BY(mu_): orderly, taken
  int64_t count_ = 0;        // GUARDED_BY(mu_): cached_ + consuming_
  int64_t bytes_ = 0;        // GUARDED_BY(mu_)
  int64_t max_offset_ = -1;  // GUARDED_BY(mu_): largest offset ever cached
  bool consume_task_ = false;  // GUARDED_BY(mu_): orderly task running
  std::atomic<bool> dropped_{false};
  std::atomic<bool> locked_{false};
  std::atomic<int64_t> last_lock_ms_{0};
};

}  // namespace tern::client
