// RebalanceLockManager: the queue locks of orderly consumers (LOCK_BATCH_MQ /
// UNLOCK_BATCH_MQ, features.md §7, Java RebalanceLockManager).
//
// Per (group, queue) an entry {clientId, lastUpdate}. TryLockBatch grants a
// queue that is unlocked, already held by the same client (refreshing it), or
// whose lock is older than the max live time (60 s default,
// `rocketmq.broker.rebalance.lockMaxLiveTime`); it refuses queues that another
// client holds unexpired. UnlockBatch removes only entries held by the caller.
// Locks are in memory only.
//
// Any thread; internally synchronized. `clock` (monotonic ms) must outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "src/base/clock.h"
#include "src/protocol/message_queue.h"

namespace tern::broker {

class RebalanceLockManager {
 public:
  static constexpr int64_t kDefaultLockMaxLiveMs = 60'000;

  explicit RebalanceLockManager(const Clock& clock,
                                int64_t lock_max_live_ms = kDefaultLockMaxLiveMs)
      : clock_(clock), lock_max_live_ms_(lock_max_live_ms) {}
  RebalanceLockManager(const RebalanceLockManager&) = delete;
  RebalanceLockManager& operator=(const RebalanceLockManager&) = delete;

  // Returns the queues of `mqs` now held by `client_id`.
  std::set<protocol::MessageQueue> TryLockBatch(std::string_view group,
                                                const std::set<protocol::MessageQueue>& mqs,
                                                std::string_view client_id);
  void UnlockBatch(std::string_view group, const std::set<protocol::MessageQueue>& mqs,
                   std::string_view client_id);

  // The client holding an unexpired lock on the queue, if any.
  std::optional<std::string> LockOwner(std::string_view group,
                                       const protocol::MessageQueue& mq) const;
  // True when some queue of `topic` is locked, unexpired, in `group` (5.x
  // sends retries of such a group to its DLQ).
  bool HasUnexpiredLock(std::string_view group, std::string_view topic) const;

 private:
  struct LockEntry {
    std::string client_id;
    int64_t last_update_ms = 0;
  };
  bool Expired(const LockEntry& e, int64_t now) const {
    return now - e.last_update_ms > lock_max_live_ms_;
  }

  const Clock& clock_;
  const int64_t lock_max_live_ms_;
  mutable std::mutex mu_;
  // group -> queue -> entry. GUARDED_BY(mu_)
  std::map<std::string, std::map<protocol::MessageQueue, LockEntry>, std::less<>> table_;
};

}  // namespace tern::broker
