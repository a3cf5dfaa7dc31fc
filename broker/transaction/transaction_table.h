// TransactionTable: the pending transactions (half messages without a
// decision) ordered by their next check time, and the decisions taken, keyed
// by half queue offset. Derived from the log: TransactionService feeds it
// from the half, op and discard queues (and rebuilds it on restart); the
// END_TRANSACTION processor records decisions as they are taken, before
// their op record is written, so that the first decision wins even while
// its records are in flight.
//
// Cost: a check round pops only the entries that are due (TakeDue); a
// decision removes its entry in O(log n). Nothing rescans history.
//
// Any thread; internally synchronized (one mutex, never held across I/O).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "broker/transaction/half_message.h"
#include "src/base/strong_id.h"

namespace tern::transaction {

struct PendingTransaction {
  QueueOffset half_offset{0};    // in RMQ_SYS_TRANS_HALF_TOPIC queue 0
  PhysicalOffset log_offset{0};  // of the half record
  std::string producer_group;    // PGROUP
  int64_t next_check_ms = 0;     // wall ms
  int32_t checks = 0;            // CHECK_TRANSACTION_STATE sent so far (kept across restarts)
};

enum class DecideOutcome : uint8_t {
  kFirst,     // this decision is the one: write it
  kSame,      // the same decision was taken before: acknowledge, do nothing
  kConflict,  // the other decision was taken before: refuse
};

struct DecideResult {
  DecideOutcome outcome = DecideOutcome::kFirst;
  Decision existing = Decision::kCommit;      // for kSame / kConflict
  std::optional<PendingTransaction> removed;  // the pending entry taken out (kFirst)
};

class TransactionTable {
 public:
  TransactionTable() = default;
  TransactionTable(const TransactionTable&) = delete;
  TransactionTable& operator=(const TransactionTable&) = delete;

  // A half record seen in the half queue. Ignored (false) when it was
  // decided or discarded already, or is present.
  bool AddPending(PendingTransaction p);

  // First decision wins (see DecideOutcome). kFirst removes the pending entry.
  DecideResult Decide(QueueOffset half, Decision d);
  // Undoes a kFirst decision whose records could not be written; `restore`
  // (the removed entry) becomes pending again.
  void Undecide(QueueOffset half, std::optional<PendingTransaction> restore);
  // A decision read back from an op record (restart, or our own record).
  void RecordDecision(QueueOffset half, Decision d);
  std::optional<Decision> DecisionOf(QueueOffset half) const;

  // A half message parked in TRANS_CHECK_MAX_TIME_TOPIC: never checked again.
  void MarkDiscarded(QueueOffset half);

  // Takes out up to `max` entries with next_check_ms <= now_ms, earliest
  // first. They are not pending until Reschedule()d; a decision taken
  // meanwhile still wins (Reschedule then drops them).
  std::vector<PendingTransaction> TakeDue(int64_t now_ms, size_t max);
  // Puts a taken entry back with its new next_check_ms / checks, unless
  // it was decided or discarded meanwhile.
  void Reschedule(PendingTransaction p);

  // A check count read back from a check-times record: the pending entry of
  // `half` (if any) takes `checks` and `next_check_ms` when they are ahead of
  // its own (restart; a record we wrote ourselves changes nothing).
  void RestoreChecks(QueueOffset half, int32_t checks, int64_t next_check_ms);

  // Forgets decisions and discards of half offsets below `min` (the half
  // queue's min offset after retention: END_TRANSACTION cannot find them).
  void ForgetBelow(QueueOffset min);

  size_t pending() const;
  size_t decided() const;
  // Entries TakeDue has looked at since construction: the due ones plus at
  // most one not due per call (the proof that a round does not scan).
  int64_t visited() const;
  // The next due time, if any (service thread sleeps until then).
  std::optional<int64_t> NextDueMs() const;
  // Every pending entry, ordered by half offset (recovery).
  std::vector<PendingTransaction> AllPending() const;
  // Pending entries of a group (admin listing), ordered by half offset.
  std::vector<PendingTransaction> PendingOf(const std::string& group) const;
  // Up to `max` pending entries accepted by `keep` (called under the lock; it
  // must not block), ordered by half offset, starting at half offset `from`.
  template <typename Keep>
  std::vector<PendingTransaction> ListPending(int64_t from, size_t max, Keep&& keep) const {
    std::lock_guard lock(mu_);
    std::vector<PendingTransaction> out;
    for (auto it = pending_.lower_bound(from); it != pending_.end() && out.size() < max; ++it) {
      if (keep(it->second)) out.push_back(it->second);
    }
    return out;
  }

 private:
  void EraseLocked(int64_t half);

  mutable std::mutex mu_;
  std::map<int64_t, PendingTransaction> pending_;  // GUARDED_BY(mu_), by half offset
  std::set<std::pair<int64_t, int64_t>> due_;      // GUARDED_BY(mu_), (next check, half)
  std::map<int64_t, Decision> decisions_;          // GUARDED_BY(mu_)
  std::set<int64_t> discarded_;                    // GUARDED_BY(mu_)
  int64_t visited_ = 0;                            // GUARDED_BY(mu_)
};

}  // namespace tern::transaction
