// ReputService ("reput", storage.md §5): the dispatch thread. It follows the
// CommitLog from reput_from() up to its written end and, for every record,
//   * appends a unit to the record's ConsumeQueue (transaction types NOT_TYPE
//     and COMMIT only), which makes the message pullable;
//   * indexes KEYS words and UNIQ_KEY in the key index (all types but ROLLBACK);
//   * tells the arrival listener (long polling) about each new queue unit.
// Everything it writes is derived from the log: dispatching a record twice is
// harmless (queues ignore duplicates, index rows are idempotent).
//
//   ReputService reput(log, queues, &index, clock, options);
//   reput.set_reput_from(start);
//   TERN_RETURN_IF_ERROR(reput.RunOnce().status());  // catch up, on this thread
//   reput.Start();                                     // then follow on its own
//
// Threads: the service thread (after Start) or the caller of RunOnce (before
// Start / after Stop, as tests and recovery do) — never both. Any thread may
// read reput_from() and error(). Failures (a queue write failing, a corrupt
// record below the written end) are sticky: dispatch stops at the failing
// record and error() reports why.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
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
  int index_batch_records = 1024;
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
  void set_reput_from(PhysicalOffset offset) { reput_from_.store(offset.value()); }

  // Where the next record to dispatch starts.
  PhysicalOffset reput_from() const { return PhysicalOffset(reput_from_.load()); }
  // True when everything written to the log so far has been dispatched.
  bool caught_up() const { return reput_from() >= log_.WrittenEnd(); }
  // The sticky failure, OK if none.
  Status error() const;

  // Dispatches every record below the log's current written end and returns
  // how many records it read. Not while the thread runs.
  Result<int64_t> RunOnce();
  // Flushes the consume queues and syncs the key index, then records the
  // progress in the checkpoint. Not while the thread runs.
  Status FlushQueues();

  // Starts / stops the dispatch thread. Stop() returns after the thread exits.
  void Start();
  void Stop();

 private:
  Status DispatchRecord(const LogView& view, std::vector<meta::KeyIndexEntry>* index_batch);
  Status CommitIndexBatch(std::vector<meta::KeyIndexEntry>* batch, PhysicalOffset end);
  void ThreadMain();
  void SetError(const Status& s);

  const CommitLog& log_;
  ConsumeQueueTable& queues_;
  meta::KeyIndex* const index_;
  Checkpoint* const checkpoint_;
  const Clock& clock_;
  const ReputOptions options_;
  MessageArrivalListener listener_;

  std::atomic<int64_t> reput_from_{0};
  int64_t last_store_timestamp_ = 0;  // of the last record dispatched; dispatching thread
  int64_t last_flush_ms_ = 0;         // dispatching thread

  mutable std::mutex mu_;
  Status error_;  // GUARDED_BY(mu_)
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace tern::store
