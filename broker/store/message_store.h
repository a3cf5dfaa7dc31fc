// MessageStore: the store as the broker sees it — wiring of the CommitLog,
// the consume queues, dispatch (reput), the key index and the metadata
// cursors, plus the few operations that need more than one of them (reads by
// queue offset, by time, by key). Everything else is reached through the
// accessors; this class stays thin on purpose (no DefaultMessageStore).
//
// Lifecycle (startup / shutdown thread):
//   auto store = MessageStore::Open(options, meta_db, io, clock);  // recovers, catches up
//   store->set_arrival_listener(...);   // long polling, before Start
//   store->Start();                     // dispatch thread
//   ...
//   store->Close();                     // or the destructor
//
// Open's recovery order: lock + abort marker -> CommitLog recovery (truncates
// a torn tail) -> consume queues and key index truncated to the log's end ->
// queue min offsets corrected to the log's min -> dispatch catches up from
// the furthest point every derived structure has reached -> next queue
// offsets set from the queues -> abort marker created.
//
// Reads are any thread. Puts are any thread but the I/O loop in sync-flush
// mode (see CommitLog::Append); the loop uses commit_log().Submit().
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker/meta/cursor_table.h"
#include "broker/meta/key_index.h"
#include "broker/meta/meta_db.h"
#include "broker/store/checkpoint.h"
#include "broker/store/commit_log.h"
#include "broker/store/consume_queue_table.h"
#include "broker/store/get_message.h"
#include "broker/store/reput.h"
#include "broker/store/store_lock.h"
#include "src/base/clock.h"
#include "src/base/status.h"

namespace tern::store {

struct MessageStoreOptions {
  std::string root_dir;
  CommitLogOptions commit_log;  // an empty dir means <root>/commitlog
  ConsumeQueue::Options consume_queue;
  ReputOptions reput;
  ReadLimits read;
  bool key_index = true;  // messageIndexEnable
  // QUERY_MESSAGE caps (maxMsgsNumBatch, defaultQueryMaxNum).
  int max_query_messages = 64;
  int unique_key_query_max = 32;
};

struct QueryMessageResult {
  std::vector<LogView> messages;  // newest first
  int64_t index_last_update_timestamp = 0;
  PhysicalOffset index_last_update_phy_offset;
};

class MessageStore {
 public:
  // `meta` (for the key index and cursors), `io` and `clock` must outlive the store.
  static Result<std::unique_ptr<MessageStore>> Open(const MessageStoreOptions& options,
                                                    meta::MetaDb& meta, FileIo& io,
                                                    const Clock& clock);
  ~MessageStore();
  MessageStore(const MessageStore&) = delete;
  MessageStore& operator=(const MessageStore&) = delete;

  // Before Start(): called on the dispatch thread for every new queue unit.
  void set_arrival_listener(MessageArrivalListener listener);
  // Starts the dispatch thread. Without it, tests dispatch with dispatch().RunOnce().
  void Start();
  // Stops dispatch, closes the log, dispatches and flushes what is left, and
  // removes the abort marker (a clean shutdown). Idempotent.
  Status Close();

  // ---- writes (delegated to the CommitLog) ----
  PutResult PutMessage(const protocol::MessageRecord& msg, bool wait_for_flush = true);
  PutResult PutMessages(const protocol::MessageRecord& header,
                        std::span<const protocol::BatchEntry> entries,
                        bool wait_for_flush = true);

  // ---- reads by queue ----
  GetMessageResult GetMessage(std::string_view group, std::string_view topic, QueueId queue_id,
                              QueueOffset offset, int32_t max_msg_nums, int32_t max_bytes,
                              const MessageFilter* filter) const;
  // 0 for an unknown queue.
  QueueOffset GetMinOffset(std::string_view topic, QueueId queue_id) const;
  QueueOffset GetMaxOffset(std::string_view topic, QueueId queue_id) const;
  // SEARCH_OFFSET_BY_TIMESTAMP (storage.md §9.3); 0 for an unknown queue.
  QueueOffset GetOffsetByTime(std::string_view topic, QueueId queue_id, int64_t timestamp_ms,
                              BoundaryType boundary = BoundaryType::kLower) const;
  // Store time of the message at the min offset; -1 if none.
  int64_t GetEarliestMessageTime(std::string_view topic, QueueId queue_id) const;
  // Store time of the message at `offset`; -1 if none.
  int64_t GetMessageStoreTime(std::string_view topic, QueueId queue_id, QueueOffset offset) const;

  // ---- reads by position / key ----
  // VIEW_MESSAGE_BY_ID: the record at a physical offset.
  Result<LogView> LookMessageByOffset(PhysicalOffset offset) const;
  // QUERY_MESSAGE: records whose KEYS word or UNIQ_KEY is `key`, store time in
  // [begin_ms, end_ms], newest first, at most min(max_num, max_query_messages).
  QueryMessageResult QueryMessage(std::string_view topic, std::string_view key, int max_num,
                                  int64_t begin_ms, int64_t end_ms) const;
  // QUERY_MESSAGE with _UNIQUE_KEY_QUERY: max_num is unique_key_query_max.
  QueryMessageResult QueryMessageByUniqueKey(std::string_view topic, std::string_view uniq_key,
                                             int64_t begin_ms, int64_t end_ms) const;

  // ---- maintenance ----
  // After CommitLog retention raised the log's min offset: deletes consume
  // queue files and key index rows below it and moves queue min offsets.
  // Returns consume-queue files deleted. Retention/timer thread.
  Result<int> CleanQueuesBelowLogMin();
  // Removes the topic's consume queues and next queue offsets. The caller stops
  // sends to the topic first (a unit dispatched meanwhile may survive).
  Status DeleteTopic(std::string_view topic);
  // Drops every consume queue and the key index and rebuilds them from the log
  // (the dispatch thread is paused meanwhile).
  Status RebuildDerived();

  // ---- the parts ----
  CommitLog& commit_log() { return *log_; }
  const CommitLog& commit_log() const { return *log_; }
  ConsumeQueueTable& consume_queues() { return *queues_; }
  const ConsumeQueueTable& consume_queues() const { return *queues_; }
  ReputService& dispatch() { return *reput_; }
  meta::KeyIndex* key_index() { return key_index_.get(); }
  meta::CursorTable& cursors() { return *cursors_; }
  Checkpoint& checkpoint() { return *checkpoint_; }
  const RecoveryInfo& recovery_info() const { return log_->recovery_info(); }
  bool previous_run_crashed() const { return lock_->previous_run_crashed(); }

 private:
  MessageStore(const MessageStoreOptions& options, const Clock& clock);
  Status Recover(meta::MetaDb& meta, FileIo& io);
  Status CatchUp();
  void SyncNextQueueOffsets();
  QueryMessageResult Query(std::string_view topic, std::string_view key, int max_num,
                           int64_t begin_ms, int64_t end_ms) const;

  MessageStoreOptions options_;
  const Clock& clock_;
  std::unique_ptr<StoreLock> lock_;
  std::unique_ptr<Checkpoint> checkpoint_;
  std::unique_ptr<CommitLog> log_;
  std::unique_ptr<ConsumeQueueTable> queues_;
  std::unique_ptr<meta::KeyIndex> key_index_;
  std::unique_ptr<meta::CursorTable> cursors_;
  std::unique_ptr<ReputService> reput_;
  bool started_ = false;
  bool closed_ = false;
};

}  // namespace tern::store
