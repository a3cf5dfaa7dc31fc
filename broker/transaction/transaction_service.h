// TransactionService: follows the transaction queues of the log and asks
// producers about half messages left without a decision (features.md §4.5,
// with TernMQ's in-memory pending table instead of RocketMQ's op-queue scan).
//
//   auto svc = TransactionService::Open(store, clock, notifier, options);  // rebuilds
//   svc->Start();   // the "broker-tx-check" thread
//   ...             // EndTransactionProcessor decides through svc->table()
//   svc->Stop();    // before the store closes
//
// Each RunOnce(now):
//   1. follow: reads what dispatch added to the op queue
//      (RMQ_SYS_TRANS_OP_HALF_TOPIC: decisions), to TRANS_CHECK_MAX_TIME_TOPIC
//      (discarded half messages), to the half queue (RMQ_SYS_TRANS_HALF_TOPIC
//      queue 0: new half messages, pending unless decided) and to the
//      check-times queue (kCheckTimesTopic: check counts), from where it
//      stopped;
//   2. check: takes the pending entries due at `now` (first due at store time
//      + max(transactionTimeOut, CHECK_IMMUNITY_TIME_IN_SECONDS × 1000), then
//      every transactionCheckInterval) and for each either sends
//      CHECK_TRANSACTION_STATE to a live producer of its group (a check that
//      finds no producer online is not counted), or, after transactionCheckMax
//      checks, parks a copy in TRANS_CHECK_MAX_TIME_TOPIC and stops checking it;
//   3. record: appends the counts and next check times of the entries checked
//      in this round (one check-times record per 20,000), so that they
//      survive a restart.
// A round costs the due entries plus the newly dispatched records.
//
// Restart: Open() follows the four queues from their min offsets, so the
// pending table is again "half records minus op records minus discarded".
// A commit whose op record was lost (crash between the two appends) is found
// through the key index: a COMMIT record of the real topic with the half's
// UNIQ_KEY and prepared-transaction offset; its op record is written then, so
// the producer is not asked again and the message is not delivered twice
// (needs messageIndexEnable).
// Check counts and next check times come back from the check-times records
// (a check sent but not yet recorded when the broker died is sent again).
//
// Threads: RunOnce and the service thread own the follower state (never
// both: tests call RunOnce without Start). table() and the counters are any
// thread. `store`, `clock` and `notifier` must outlive the service; Stop() it
// before closing the store.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/store/message_store.h"
#include "broker/transaction/check_notifier.h"
#include "broker/transaction/transaction_table.h"
#include "src/base/clock.h"
#include "src/base/status.h"

namespace tern::transaction {

struct TransactionOptions {
  int64_t timeout_ms = 6000;             // transactionTimeOut
  int64_t check_interval_ms = 60'000;    // transactionCheckInterval (at least 1000)
  int32_t check_max = 15;                // transactionCheckMax
  std::string broker_name = "broker-a";  // `bname` of CHECK_TRANSACTION_STATE
  int64_t poll_interval_ms = 1000;       // how often the thread runs a round
  size_t max_checks_per_round = 100'000;
};

// What one RunOnce did.
struct CheckStats {
  int64_t due = 0;          // pending entries taken because they were due (visited)
  int64_t loaded = 0;       // half messages that became pending
  int64_t decisions = 0;    // op records read
  int64_t checked = 0;      // CHECK_TRANSACTION_STATE sent
  int64_t no_producer = 0;  // due, but no producer of the group online
  int64_t discarded = 0;    // moved to TRANS_CHECK_MAX_TIME_TOPIC
  int64_t lost = 0;         // half records that could not be read or parsed
};

// Totals since Open (GET_BROKER_RUNTIME_INFO material). Any thread.
struct TransactionCounters {
  std::atomic<int64_t> committed{0};
  std::atomic<int64_t> rolled_back{0};
  std::atomic<int64_t> checked{0};
  std::atomic<int64_t> discarded{0};
  std::atomic<int64_t> refused{0};  // contradicting decisions
};

class TransactionService {
 public:
  static Result<std::unique_ptr<TransactionService>> Open(store::MessageStore& store,
                                                          const Clock& clock,
                                                          CheckNotifier& notifier,
                                                          TransactionOptions options);
  ~TransactionService();  // Stop()s
  TransactionService(const TransactionService&) = delete;
  TransactionService& operator=(const TransactionService&) = delete;

  // Starts the service thread: a round every poll_interval_ms.
  void Start();
  // Idempotent.
  void Stop();

  // One round at wall time now_ms. Not while the thread runs.
  Result<CheckStats> RunOnce(int64_t now_ms);

  TransactionTable& table() { return table_; }
  TransactionCounters& counters() { return counters_; }
  // GET_BROKER_RUNTIME_INFO figures: transactionPending (gauge) and the
  // totals since start transactionCommitted, transactionRolledBack,
  // transactionChecked (checks sent), transactionDiscarded (parked in
  // TRANS_CHECK_MAX_TIME_TOPIC), transactionRefused. Any thread.
  std::map<std::string, std::string> RuntimeFigures() const;
  store::MessageStore& store() { return store_; }
  const Clock& clock() const { return clock_; }
  const TransactionOptions& options() const { return options_; }

 private:
  TransactionService(store::MessageStore& store, const Clock& clock, CheckNotifier& notifier,
                     TransactionOptions options);
  // Reads [*read, max) of (topic, 0); calls on_record for each decodable record.
  template <typename F>
  void Follow(std::string_view topic, int64_t* read, F&& on_record);
  void FollowAll(CheckStats* stats);
  // Open(): records the decision of pending half messages already committed.
  Status RepairCommitsWithoutOp();
  // Checks or parks one due entry; a sent check is added to `checked`.
  void Check(PendingTransaction p, int64_t now_ms, CheckStats* stats,
             std::vector<CheckTimes>* checked);
  Status WriteCheckTimes(const std::vector<CheckTimes>& checked, int64_t now_ms);
  void ThreadMain();

  store::MessageStore& store_;
  const Clock& clock_;
  CheckNotifier& notifier_;
  const TransactionOptions options_;
  TransactionTable table_;
  TransactionCounters counters_;

  // Follower state (service thread / RunOnce).
  int64_t half_read_ = -1;  // -1: start at the queue's min offset
  int64_t op_read_ = -1;
  int64_t discard_read_ = -1;
  int64_t check_times_read_ = -1;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace tern::transaction
