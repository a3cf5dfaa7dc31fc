// The CommitLog: every message of every topic, appended to one sequence of
// fixed-size memory-mapped segments (storage.md §2-3, §8, §11). Start here.
//
// Threads and locks (design comment; details in broker/store/README.md):
//   * Appends are serialized by one short "put lock" that covers only: choose
//     position, assign queue offset(s), patch offset/time fields, one memcpy into
//     the staging ring, publish the staged end. Records are encoded (and their
//     CRC computed) before the lock, on the caller's thread.
//   * Append()/AppendBatch() run on the calling thread and block until the
//     record is durable in SYNC_FLUSH mode: call them from worker threads, never
//     from an I/O loop.
//   * Submit()/SubmitBatch() never block: they hand the encoded record to the
//     commit-log writer thread, which appends and (in SYNC_FLUSH) parks the
//     request with the flush thread; the callback fires on one of those threads.
//     This is the path for the broker's I/O loop.
//   * The flush thread runs async flushes every flush_interval_ms and group
//     commits: it swaps the waiter list under a lock, fdatasyncs outside it and
//     completes every waiter the flush covers.
//   * Nothing writes through the mapping: the put lock copies the record into
//     a staging ring (anonymous memory) and CommitStaged() writes what is
//     staged to the segment file with a few large pwrite()s, then publishes it
//     to readers (WrittenEnd). Writing through a shared mapping costs a page
//     fault per new page (the kernel zero-fills it first: ~10x the CPU of
//     pwrite for the same bytes) and, when msynced, a TLB shootdown per page
//     (docs/benchmarks.md). Who commits: in ASYNC_FLUSH the appender itself,
//     before it answers (the writer thread once per drained batch), so an
//     acknowledged message is in the page cache; in SYNC_FLUSH the flush
//     thread, right before its fdatasync (group commit). Either way a record
//     becomes readable only once it is written to the file.
//   * The segment allocator thread creates (fallocates and maps) the next
//     segment while the current one fills, so a roll does not wait for the disk.
//   * Reads (ReadRecord, ReadRange, CommitLogScanner) are any-thread: they see
//     only bytes below WrittenEnd(), and the returned LogView pins its segment.
//
// Failures are sticky: after a failed write or sync every later append answers
// SERVICE_NOT_AVAILABLE with that Status in PutResult::error.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "broker/store/checkpoint.h"
#include "broker/store/file_io.h"
#include "broker/store/mapped_file.h"
#include "broker/store/put_result.h"
#include "src/base/clock.h"
#include "src/base/status.h"
#include "src/base/strong_id.h"
#include "src/protocol/message_batch.h"
#include "src/protocol/message_codec.h"

namespace tern::store {

class FlushService;
class SegmentAllocator;

enum class FlushMode : uint8_t { kAsync, kSync };

struct CommitLogOptions {
  std::string dir;  // the commitlog directory, e.g. <root>/commitlog
  int64_t segment_size = 1024LL * 1024 * 1024;
  FlushMode flush_mode = FlushMode::kAsync;
  int flush_interval_ms = 500;              // async flush period (flushIntervalCommitLog)
  int flush_least_pages = 4;                // async: flush when this many pages are dirty...
  int flush_thorough_interval_ms = 10000;   // ...or unconditionally this often
  int sync_flush_timeout_ms = 5000;         // SYNC_FLUSH waiters answer FLUSH_DISK_TIMEOUT after
  int checkpoint_interval_ms = 1000;        // how often the flush thread writes the checkpoint
  double disk_full_ratio = 0.90;            // diskSpaceWarningLevelRatio: refuse appends above
  int disk_check_interval_ms = 10000;       // how often the flush thread checks disk usage
  int32_t max_body_size = 4 * 1024 * 1024;  // maxMessageSize (body)
  // Staging ring size; 0 = max(8 MiB, 2 x max_body_size + 1 MiB).
  int64_t stage_bytes = 0;
  protocol::HostAddress store_host;         // brokerIP1:listenPort, written into every record
  // Pages of the log more than this far behind the written end are dropped
  // from the process's page tables after each flush (they stay in the page
  // cache; a reader maps them again on access), so resident memory does not
  // grow with the bytes written. 0 = never.
  int64_t resident_window_bytes = 16LL * 1024 * 1024;
  bool check_crc_on_recover = true;
};

// Bytes of the log pinned in memory: valid while this object (or a copy) lives,
// even if retention deletes the segment meanwhile.
class LogView {
 public:
  LogView() = default;
  LogView(SegmentRef segment, PhysicalOffset offset, std::string_view data)
      : segment_(std::move(segment)), offset_(offset), data_(data) {}
  PhysicalOffset offset() const { return offset_; }
  std::string_view data() const { return data_; }
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  // The record's end offset (offset + size).
  PhysicalOffset end() const { return offset_ + static_cast<int64_t>(data_.size()); }

 private:
  SegmentRef segment_;
  PhysicalOffset offset_{0};
  std::string_view data_;
};

// Filled by Open(): what recovery found.
struct RecoveryInfo {
  bool crashed = false;             // the abort marker was present
  bool scanned = false;             // a validating scan ran
  PhysicalOffset scan_start{0};     // where it started
  PhysicalOffset recovered_end{0};  // the log's end after recovery; drop queue entries >= this
  int64_t records_scanned = 0;
  int64_t truncated_bytes = 0;      // non-zero bytes zeroed past the valid end
  int segments_deleted = 0;         // whole segments removed past the valid end
};

// One segment as retention sees it.
struct SegmentInfo {
  int64_t start = 0;
  int64_t end = 0;
  int64_t last_modified_ms = 0;  // newest store time appended while open, else file mtime
  bool active = false;           // the segment being written; never deleted
};

class CommitLog {
 public:
  // Loads segments from options.dir, recovers (a validating scan if `crashed`
  // or the checkpoint cannot be trusted; none after a clean shutdown) and
  // starts the writer, flush and allocator threads.
  // `io`, `checkpoint` and `clock` must outlive the CommitLog.
  static Result<std::unique_ptr<CommitLog>> Open(const CommitLogOptions& options, FileIo& io,
                                                 Checkpoint& checkpoint, bool crashed,
                                                 const Clock& clock);
  ~CommitLog();  // Close()s
  CommitLog(const CommitLog&) = delete;
  CommitLog& operator=(const CommitLog&) = delete;

  // Stops accepting appends, completes queued submits, flushes everything,
  // writes the checkpoint and stops the threads. Idempotent.
  Status Close();

  // ---- appending ----
  // Appends one record built from `msg` (the store fills total size, magic,
  // body CRC, physical/queue offset, store time and store host). Blocks in
  // SYNC_FLUSH mode until durable (unless wait_for_flush is false, as for a
  // message whose WAIT property is "false"). Not on an I/O loop thread.
  PutResult Append(const protocol::MessageRecord& msg, bool wait_for_flush = true);
  // Appends every entry as one record with `header`'s topic/queue/sysFlag/born
  // data, properties = protocol::MergeBatchProperties(entry, header.properties),
  // consecutive queue offsets, in one go (all in one segment).
  PutResult AppendBatch(const protocol::MessageRecord& header,
                        std::span<const protocol::BatchEntry> entries,
                        bool wait_for_flush = true);
  // Non-blocking variants for the I/O loop: encode now, append on the writer
  // thread, `done` runs on the writer or flush thread (see AppendCallback).
  void Submit(const protocol::MessageRecord& msg, bool wait_for_flush, AppendCallback done);
  void SubmitBatch(const protocol::MessageRecord& header,
                   std::span<const protocol::BatchEntry> entries, bool wait_for_flush,
                   AppendCallback done);
  // Batches the writer's wake-ups. A Submit that finds the queue empty calls
  // `defer` on the submitting thread; when it returns true, the caller has
  // arranged for WakeWriter() to run soon (the broker's I/O loop: once, before
  // it next waits for I/O) and the writer is not woken now. Without it every
  // first Submit wakes the writer at once, which on a busy CPU preempts the loop
  // thread in the middle of the requests it read (docs/benchmarks.md, session 9).
  // Set before the first Submit; `defer` must not call into this CommitLog.
  void SetWakeDeferral(std::function<bool()> defer);
  // Any thread: wakes the writer if anything is queued.
  void WakeWriter();

  // ---- queue offsets (storage.md §3.2) ----
  // The next queue offset (topic, queue) will get; 0 if unknown. Any thread.
  QueueOffset NextQueueOffset(std::string_view topic, QueueId queue) const;
  // Set at startup from the consume queues' max offsets, or by admin actions.
  void SetNextQueueOffset(std::string_view topic, QueueId queue, QueueOffset next);
  // Forgets every queue of `topic` (topic deletion).
  void RemoveTopicQueueOffsets(std::string_view topic);

  // ---- reading (any thread) ----
  // End of the bytes fully written (every record below it is complete and visible).
  PhysicalOffset WrittenEnd() const { return PhysicalOffset(written_end_.load(std::memory_order_acquire)); }
  // End of the bytes known durable.
  PhysicalOffset FlushedEnd() const { return PhysicalOffset(flushed_end_.load(std::memory_order_acquire)); }
  // First offset still stored (start of the oldest segment).
  PhysicalOffset MinOffset() const { return PhysicalOffset(min_offset_.load(std::memory_order_acquire)); }
  int64_t segment_size() const { return options_.segment_size; }
  // Start offset of the segment after the one containing `offset`.
  int64_t NextSegmentStart(PhysicalOffset offset) const;

  // The whole record at `offset`. kNotFound below MinOffset() (deleted) or at /
  // past WrittenEnd(); kCorruption if no valid record header is there.
  Result<LogView> ReadRecord(PhysicalOffset offset) const;
  // [offset, offset+size) within one segment and below WrittenEnd().
  Result<LogView> ReadRange(PhysicalOffset offset, int64_t size) const;

  // Blocks until WrittenEnd() > offset, the timeout passes, or WakeReaders().
  // True if data past `offset` is available. For the dispatch thread. A
  // `cancel` flag set before a WakeReaders() call ends the wait even when that
  // call came before this one (checked under the same lock).
  bool WaitForData(PhysicalOffset offset, std::chrono::milliseconds timeout,
                   const std::atomic<bool>* cancel = nullptr) const;
  // Wakes every WaitForData caller (shutdown).
  void WakeReaders() const;
  // ASYNC_FLUSH writer thread: after it answered a batch and found no further
  // submit queued, it calls `dispatch` (on the writer thread) instead of waking
  // WaitForData callers; `dispatch` returns true if it dispatched everything
  // written (then nobody is woken), false to have the readers woken as usual.
  // This saves the dispatch thread's wake-up per message at moderate rates,
  // the largest single cost of a one-at-a-time send (docs/benchmarks.md); under
  // load the queue is rarely empty and the dispatch thread keeps the work.
  // Any thread; set(nullptr) returns once no call of the old one is running.
  void SetIdleDispatch(std::function<bool()> dispatch);

  // ---- flush / health ----
  // Flushes everything written so far (any thread except the flush thread; blocks).
  Status Flush();
  // The first write/sync failure, OK if none (sticky).
  Status sticky_error() const;
  // Re-reads disk usage now (the flush thread also does it every
  // disk_check_interval_ms); returns whether appends are refused for a full disk.
  bool CheckDiskSpace();
  bool disk_full() const { return disk_full_.load(); }

  const RecoveryInfo& recovery_info() const { return recovery_; }
  const CommitLogOptions& options() const { return options_; }

  // The dispatch thread, as it moves on: drops the log pages more than
  // resident_window_bytes behind `reader` from the page tables. The writer
  // never maps pages (it writes with pwrite); the dispatch thread maps every
  // record as it reads it, and may lag the written end by far more than the
  // window when appends outrun it, so trimming behind the written end alone
  // would miss its pages. One caller at a time (the dispatcher).
  void TrimBehindReader(PhysicalOffset reader) const;  // not a change of the log: const

  // ---- retention support (retention.h) ----
  std::vector<SegmentInfo> ListSegments() const;
  // Deletes the oldest segment if it starts at `start` and is not active;
  // raises MinOffset(). Views already handed out stay valid.
  Status DeleteOldestSegment(int64_t start);

 private:
  struct PendingAppend;
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  CommitLog(const CommitLogOptions& options, FileIo& io, Checkpoint& checkpoint,
            const Clock& clock);
  Status Load(bool crashed);
  // Recovery helpers (commit_log_recovery.cc).
  bool TailLooksClean(int64_t offset) const;
  Result<int64_t> ScanForEnd(size_t first_segment, int64_t* last_store_ts);
  void Periodic(int64_t now_ms);
  Status Start();
  // Encodes into `p`; returns false (with p->result filled) if the input is illegal.
  bool Encode(const protocol::MessageRecord& msg, PendingAppend* p) const;
  bool EncodeBatch(const protocol::MessageRecord& header,
                   std::span<const protocol::BatchEntry> entries, PendingAppend* p) const;
  // Appends under put_mu_. Fills p->result; returns true if it must wait for a flush.
  bool AppendLocked(PendingAppend* p);
  PutResult AppendAndWait(PendingAppend* p);
  // Queues `p` for the writer (answers it at once when the log is closed).
  void Enqueue(std::unique_ptr<PendingAppend> p);
  void WriterLoop();
  // Flush thread body: writes out what is staged, then syncs
  // [flushed_end_, written end). Sets the sticky error on failure.
  Status FlushToWrittenEnd(int64_t* flushed_to);
  bool sync_flush() const { return options_.flush_mode == FlushMode::kSync; }
  // Copies bytes for global offset `at` into the ring (under put_mu_).
  void StageBytes(int64_t at, std::string_view data);
  // Waits (under put_mu_) until `size` more bytes fit in the ring: in
  // ASYNC_FLUSH by committing, in SYNC_FLUSH by waking the flush thread.
  // False if the log failed meanwhile.
  bool WaitForStageSpace(int64_t size);
  // pwrites [written_end_, staged_end_) and publishes it; wakes WaitForData
  // callers unless `notify_readers` is false (the writer thread then does it
  // after answering, see AfterWriterBatch). REQUIRES stage_commit_mu_.
  Status CommitStaged(bool notify_readers = true);
  // CommitStaged under stage_commit_mu_ (any thread but one holding it).
  Status CommitNow(bool notify_readers = true);
  // Writer thread, after answering an ASYNC_FLUSH batch it committed: runs the
  // idle dispatch if no submit is queued, else (or if that declines) wakes readers.
  void AfterWriterBatch();
  // ASYNC_FLUSH, after an append: commits, and turns a stored result into a
  // failure if the write failed.
  void CommitAppended(PutResult* result);
  void NotifyReaders();
  // Drops log pages more than resident_window_bytes behind the written end
  // from the page tables (every segment below it once every 10 s, else only
  // what is new since the last call). REQUIRES commit_mu_.
  void TrimResidentLocked();
  // Drops [from, upto) of the log from the page tables (any thread).
  void DropResidentRange(int64_t from, int64_t upto) const;
  void SetStickyError(const Status& s);
  SegmentRef SegmentFor(int64_t offset) const;

  CommitLogOptions options_;
  FileIo& io_;
  Checkpoint& checkpoint_;
  const Clock& clock_;
  RecoveryInfo recovery_;

  // Segments, oldest first, contiguous. Guarded by segments_mu_.
  mutable std::mutex segments_mu_;
  std::vector<SegmentRef> segments_;

  // The put lock and what it guards.
  std::mutex put_mu_;
  SegmentRef active_;      // GUARDED_BY(put_mu_)
  int64_t write_pos_ = 0;  // GUARDED_BY(put_mu_): global offset of the next byte
  int64_t trim_kick_pos_ = 0;  // GUARDED_BY(put_mu_): write_pos_ when the flush thread was last woken to trim
  mutable std::mutex queue_mu_;  // queue offset table (also taken inside put_mu_)
  // GUARDED_BY(queue_mu_). Key: topic + '\0' + 4-byte big-endian queue id.
  std::unordered_map<std::string, int64_t, KeyHash, std::equal_to<>> queue_offsets_;

  std::atomic<int64_t> written_end_{0};
  // Staging: [written_end_, staged_end_) lives in stage_ (ring index =
  // offset % stage_cap_) until CommitStaged() writes it to the segment files.
  std::unique_ptr<char[]> stage_;
  int64_t stage_cap_ = 0;
  std::atomic<int64_t> staged_end_{0};
  std::mutex stage_mu_;               // only for stage_cv_
  std::condition_variable stage_cv_;  // ring space freed, or the log failed
  std::mutex stage_commit_mu_;        // one CommitStaged at a time (taken inside commit_mu_)
  std::mutex commit_mu_;              // one FlushToWrittenEnd at a time
  int64_t trimmed_to_ = 0;            // GUARDED_BY(commit_mu_)
  mutable int64_t reader_trimmed_to_ = 0;  // TrimBehindReader's caller only
  int64_t last_full_trim_ms_ = 0;     // GUARDED_BY(commit_mu_)
  std::atomic<int64_t> flushed_end_{0};
  std::atomic<int64_t> min_offset_{0};
  std::atomic<int64_t> last_store_ts_{0};
  std::atomic<bool> failed_{false};
  std::atomic<bool> disk_full_{false};
  std::atomic<bool> closed_{false};
  int64_t last_disk_check_ms_ = 0;  // flush thread only
  mutable std::mutex error_mu_;
  Status sticky_error_;  // GUARDED_BY(error_mu_)

  // Readers waiting for data.
  mutable std::mutex data_mu_;
  mutable std::condition_variable data_cv_;
  mutable std::atomic<int> data_waiters_{0};
  mutable std::atomic<uint64_t> wake_epoch_{0};

  // Writer thread (Submit path).
  std::mutex submit_mu_;
  std::condition_variable submit_cv_;
  std::vector<std::unique_ptr<PendingAppend>> submits_;  // GUARDED_BY(submit_mu_)
  bool writer_stop_ = false;                             // GUARDED_BY(submit_mu_)
  std::function<bool()> wake_deferral_;  // set before the first Submit, then read-only
  std::thread writer_;
  std::mutex idle_dispatch_mu_;          // held while idle_dispatch_ runs
  std::function<bool()> idle_dispatch_;  // GUARDED_BY(idle_dispatch_mu_)

  std::unique_ptr<SegmentAllocator> allocator_;
  std::unique_ptr<FlushService> flush_;
  bool started_ = false;
};

// Walks records forward from an offset: jumps over blank end-of-segment
// records, stops (kEnd) at WrittenEnd(). One thread at a time (the dispatch
// thread); the CommitLog must outlive it.
class CommitLogScanner {
 public:
  enum class Step : uint8_t { kRecord, kEnd };
  CommitLogScanner(const CommitLog& log, PhysicalOffset from) : log_(log), position_(from) {}
  // kRecord: *out is the record at the old position(), position() moved past it.
  // kEnd: caught up with the written end (call again after WaitForData).
  // kNotFound: position() is below MinOffset() (deleted) - Seek(MinOffset()).
  // kCorruption: no valid record at position().
  Result<Step> Next(LogView* out);
  PhysicalOffset position() const { return position_; }
  void Seek(PhysicalOffset offset) { position_ = offset; }

 private:
  const CommitLog& log_;
  PhysicalOffset position_;
};

}  // namespace tern::store
