// ReputService ("reput", storage.md §5): the dispatch thread. It follows the
// CommitLog from reput_from() up to its written end and, for every record,
//   * appends a unit to the record's ConsumeQueue (transaction types NOT_TYPE
//     and COMMIT only), which makes the message pullable;
//   * indexes KEYS words and UNIQ_KEY in the key index (all types but ROLLBACK),
//     written in batches at most index_commit_delay_ms after the dispatch;
//   * tells the arrival listener (long polling) about each new queue unit.
// Everything it writes is derived from the log: dispatching a record twice is
// harmless (queues ignore duplicates, index rows are idempotent).
//
//   ReputService reput(log, queues, &index, clock, options);
//   reput.set_reput_from(start);
//   TERN_RETURN_IF_ERROR(reput.RunOnce().status());  // catch up, on this thread
//   reput.Start();                                     // then follow on its own
//
// Threads: dispatching (RunOnce, TryDispatch and the service thread's
// rounds) is serialized by one dispatch lock, so "the dispatcher" is
// whichever thread holds it: the service thread, the caller of RunOnce (tests
// and recovery, before Start / after Stop), or the CommitLog's writer thread,
// which calls TryDispatch when it has nothing else queued (CommitLog::
// SetIdleDispatch) and so saves the service thread a wake-up per message.
// FlushQueues (the service thread's, once a flush interval) holds the
// dispatch lock only to write pending index rows and read the position; its
// syncs run under a flush lock of their own while dispatch goes on.
// Any thread may read reput_from() and error(). Failures (a queue write
// failing, a corrupt record below the written end) are sticky: dispatch stops
// at the failing record and error() reports why.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "broker/meta/key_index.h"
#include "broker/store/commit_log.h"
#include "broker/store/consume_queue_table.h"
#include "src/base/clock.h"
#include "src/base/status.h"
#include "src/base/strong_id.h"

namespace tern::store {

// One message made pullable (the arguments of Java's
// NotifyMessageArrivingListener). Views are valid during the call only.
struct MessageArrival {
  std::string_view topic;
  QueueId queue_id;
  QueueOffset queue_offset;  // the new unit's offset
  QueueOffset max_offset;    // queue_offset + 1: what parked pulls compare with
  int64_t tags_code = 0;
  int64_t store_timestamp = 0;
  std::string_view properties;
};
// Runs on the dispatch thread for every unit appended: must be cheap and must
// not block (e.g. EventLoop::Post a task carrying copies of the values).
using MessageArrivalListener = std::function<void(const MessageArrival&)>;

// The delivery delay of each delay level, level 1 first (features.md §5).
std::vector<int64_t> DefaultDelayLevelsMs();

struct ReputOptions {
  // Records per key-index batch write.
  int index_batch_records = 128;
  // Longest a dispatched record's key-index rows wait for a batch before they
  // are written (QUERY_MESSAGE finds a key at most this much later than the
  // message becomes pullable). One RocksDB write per record cost about a third
  // of the broker's CPU on one-at-a-time sends.
  int index_commit_delay_ms = 10;
  // Longest idle wait of the thread before it re-checks the log.
  int idle_wait_ms = 100;
  // How often the thread flushes the consume queues (storage.md §11: 1 s).
  int flush_interval_ms = 1000;
  // SCHEDULE_TOPIC_XXXX tagsCode = store time + delay of the record's DELAY
  // level (clamped to the table size); empty disables the rule.
  std::vector<int64_t> delay_levels_ms = DefaultDelayLevelsMs();
};

// The tagsCode dispatch writes for a record (hash of TAGS, or the delivery
// time on SCHEDULE_TOPIC_XXXX). Exposed for the delay service and tests.
int64_t DispatchTagsCode(std::string_view topic, std::string_view properties,
                         int64_t store_timestamp, const std::vector<int64_t>& delay_levels_ms);

class ReputService {
 public:
  // `log`, `queues`, `index` (nullable: no key index), `checkpoint` (nullable)
  // and `clock` must outlive the service.
  ReputService(const CommitLog& log, ConsumeQueueTable& queues, meta::KeyIndex* index,
               Checkpoint* checkpoint, const Clock& clock, ReputOptions options);
  ~ReputService();  // Stop()s
  ReputService(const ReputService&) = delete;
  ReputService& operator=(const ReputService&) = delete;

  // Before Start / RunOnce.
  void set_listener(MessageArrivalListener listener) { listener_ = std::move(listener); }
  void set_reput_from(PhysicalOffset offset) {
    std::lock_guard lock(dispatch_mu_);
    reput_from_.store(offset.value());
    index_pending_.clear();  // they describe records before the jump
    index_pending_records_ = 0;
  }

  // Where the next record to dispatch starts.
  PhysicalOffset reput_from() const { return PhysicalOffset(reput_from_.load()); }
  // True when everything written to the log so far has been dispatched.
  bool caught_up() const { return reput_from() >= log_.WrittenEnd(); }
  // The sticky failure, OK if none.
  Status error() const;

  // Dispatches every record below the log's current written end and returns
  // how many records it read.
  Result<int64_t> RunOnce();
  // Flushes the consume queues and syncs the key index, then records the
  // progress in the checkpoint.
  Status FlushQueues();
  // While the service thread runs: dispatches what is written on the calling
  // thread if nobody else is dispatching, and returns true. Returns false, so
  // that the caller wakes the thread instead, if the dispatch lock is taken or
  // the thread is not running (nothing done), if more than one batch
  // (index_batch_records) was waiting (the rest is the thread's), or if
  // key-index rows are due or a new batch of them began (dispatched, but the
  // rows are left for the thread to write, by their deadline). Never blocks
  // on the lock.
  bool TryDispatch();

  // Starts / stops the dispatch thread. Stop() returns after the thread exits.
  void Start();
  void Stop();

 private:
  // When RunOnceLocked writes the pending key-index rows: kAll at the end of
  // the call; kDue once IndexDue(); kDefer never (but on a failure), so that
  // the writer thread does not pay for a RocksDB write while a send may wait.
  enum class IndexWrite { kAll, kDue, kDefer };
  // Dispatches up to the written end, or `max_records` records. REQUIRES dispatch_mu_.
  Result<int64_t> RunOnceLocked(IndexWrite index_write,
                                int64_t max_records = std::numeric_limits<int64_t>::max());
  // index_batch_records are pending, or the oldest pending one has waited
  // index_commit_delay_ms. REQUIRES dispatch_mu_.
  bool IndexDue() const;
  // Writes the pending key-index rows with IndexedEnd = reput_from(). REQUIRES dispatch_mu_.
  Status CommitIndexPending();
  Status DispatchRecord(const LogView& view, std::vector<meta::KeyIndexEntry>* index_batch);
  void ThreadMain();
  void SetError(const Status& s);

  const CommitLog& log_;
  ConsumeQueueTable& queues_;
  meta::KeyIndex* const index_;
  Checkpoint* const checkpoint_;
  const Clock& clock_;
  const ReputOptions options_;
  MessageArrivalListener listener_;

  // Serializes FlushQueues calls (taken before dispatch_mu_, never after).
  std::mutex flush_mu_;
  // The dispatch lock: held by whoever dispatches.
  mutable std::mutex dispatch_mu_;
  std::atomic<int64_t> reput_from_{0};  // written under dispatch_mu_; read by anyone
  int64_t last_store_timestamp_ = 0;    // GUARDED_BY(dispatch_mu_): of the last record dispatched
  int64_t last_flush_ms_ = 0;           // service thread (set by Start before it runs)
  bool running_ = false;                // GUARDED_BY(dispatch_mu_): between Start and Stop
  // Key-index rows of dispatched records not yet written, GUARDED_BY(dispatch_mu_).
  std::vector<meta::KeyIndexEntry> index_pending_;
  int64_t index_pending_records_ = 0;   // records dispatched since the last index write
  int64_t index_pending_since_ms_ = 0;  // when the first of them was dispatched

  mutable std::mutex mu_;
  Status error_;  // GUARDED_BY(mu_)
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace tern::store
