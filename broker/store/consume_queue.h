// ConsumeQueue: the index of one (topic, queueId) — queue offset n -> the
// n-th message's CommitLog position, size and tag hash (storage.md §4).
// It is derived from the CommitLog: dispatch (reput.h) appends to it, crash
// recovery truncates it back to the log's end, retention deletes its old files.
//
// Files are MappedFiles (mapped_file.h), created lazily when the first unit of
// a file is appended. Readers copy a segment reference under the lock and
// read units without it; the reference keeps a file that retention deletes
// concurrently mapped until the read is done.
//
// Threads: Append/Flush by the dispatch thread (one writer); TruncateFrom and
// CorrectMinOffset during recovery, before dispatch starts; DeleteFilesBelow
// by the retention thread (concurrent with dispatch and reads — it only
// removes whole files before the last one); every const method from any
// thread. Internally synchronized: mu_ guards the file list only, never held
// across I/O (syncs, unlinks, reading units).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "broker/store/consume_queue_format.h"
#include "broker/store/file_io.h"
#include "broker/store/mapped_file.h"
#include "src/base/status.h"
#include "src/base/strong_id.h"

namespace tern::store {

// One 20-byte unit.
struct CqUnit {
  PhysicalOffset offset;
  int32_t size = 0;
  int64_t tags_code = 0;

  bool IsPlaceholder() const {
    return offset.value() == kCqPlaceholderPhysicalOffset && size == kCqPlaceholderSize;
  }
  bool operator==(const CqUnit&) const = default;
};

// SEARCH_OFFSET_BY_TIMESTAMP boundary (storage.md §9.3).
enum class BoundaryType {
  kLower,  // smallest offset whose store time >= timestamp; max offset if none
  kUpper,  // largest offset whose store time <= timestamp; min offset if none
};

class ConsumeQueue {
 public:
  struct Options {
    int64_t units_per_file = kDefaultCqUnitsPerFile;
  };

  // Opens the queue stored in `dir` (which need not exist yet) and recovers
  // it: max offset = one past the last valid unit (physical offset >= 0 and
  // size > 0); the rest of that file is zeroed and later files removed.
  // `io` must outlive the queue.
  static Result<std::unique_ptr<ConsumeQueue>> Open(FileIo& io, std::string dir,
                                                    std::string topic, QueueId queue_id,
                                                    const Options& options);
  ~ConsumeQueue();
  ConsumeQueue(const ConsumeQueue&) = delete;
  ConsumeQueue& operator=(const ConsumeQueue&) = delete;

  const std::string& topic() const { return topic_; }
  QueueId queue_id() const { return queue_id_; }
  int64_t units_per_file() const { return units_per_file_; }

  // First valid offset, and one past the last written unit.
  QueueOffset min_offset() const { return QueueOffset(min_offset_.load(std::memory_order_acquire)); }
  QueueOffset max_offset() const { return QueueOffset(max_offset_.load(std::memory_order_acquire)); }
  // offset + size of the last real unit; 0 when the queue has none.
  PhysicalOffset max_physical_end() const {
    return PhysicalOffset(max_physical_end_.load(std::memory_order_acquire));
  }

  enum class AppendOutcome {
    kAppended,
    kDuplicate,  // offset < max, or the record is not past the last one: ignored
  };
  // Writes `unit` at `offset`. A first unit at k > 0 in an empty queue fills
  // units [file start, k) with placeholders and sets min = k; a gap in a
  // non-empty queue is filled with placeholders too (and logged).
  Result<AppendOutcome> Append(QueueOffset offset, const CqUnit& unit);

  // Units from `from`, at most `max_units`, never past the end of the file
  // holding `from` nor past max. Empty when from >= max or from < min.
  struct ReadResult {
    std::vector<CqUnit> units;
    bool file_missing = false;  // the file holding `from` is gone (retention)
    QueueOffset next_file_start;  // first offset of the following file
  };
  ReadResult Read(QueueOffset from, int max_units) const;
  // The unit at `offset`, or nullopt when outside [min, max) or missing.
  std::optional<CqUnit> ReadUnit(QueueOffset offset) const;
  // First offset of the file after the one holding `offset`.
  QueueOffset NextFileStart(QueueOffset offset) const;

  // Store time of the record a unit points to; nullopt when it cannot be read.
  using StoreTimeLookup = std::function<std::optional<int64_t>(const CqUnit&)>;
  // Binary search by store time over [min, max) (units are in store-time order).
  QueueOffset SearchOffsetByTime(int64_t timestamp_ms, BoundaryType boundary,
                                 const StoreTimeLookup& store_time) const;

  // Crash recovery: drops every unit whose record starts at or after `end`.
  Status TruncateFrom(PhysicalOffset end);
  // Sets min to the first real unit whose record is at or after `log_min`
  // (max when there is none).
  void CorrectMinOffset(PhysicalOffset log_min);
  // Retention: deletes files (never the last one) whose last unit's record is
  // below `log_min`, then corrects the min offset. Returns files deleted.
  Result<int> DeleteFilesBelow(PhysicalOffset log_min);

  // Makes every appended unit durable.
  Status Flush();
  // Removes every file (topic deleted, or rebuild from scratch).
  Status Destroy();

 private:
  ConsumeQueue(FileIo& io, std::string dir, std::string topic, QueueId queue_id,
               const Options& options);
  Status Recover(std::vector<SegmentRef> files);
  // The file holding byte `pos` of the queue's space, creating it (and only
  // it) when absent and `create` is set. Writer thread only.
  Result<SegmentRef> FileFor(int64_t pos, bool create);
  SegmentRef FindFile(int64_t pos) const;  // nullptr if absent
  Status WriteUnits(int64_t first_offset, const std::string& bytes);
  std::string FilePath(int64_t start) const;
  int64_t file_size() const { return units_per_file_ * kCqUnitSize; }

  FileIo& io_;
  const std::string dir_;
  const std::string topic_;
  const QueueId queue_id_;
  const int64_t units_per_file_;

  mutable std::mutex mu_;
  std::vector<SegmentRef> files_;  // GUARDED_BY(mu_); ascending, contiguous

  std::atomic<int64_t> min_offset_{0};
  std::atomic<int64_t> max_offset_{0};
  std::atomic<int64_t> max_physical_end_{0};
  // Byte position synced so far. Flush (one call at a time) advances it;
  // TruncateFrom and Destroy, which may run beside a Flush, lower it.
  std::atomic<int64_t> flushed_pos_{0};
};

// Reads/writes one unit at `p`.
CqUnit DecodeCqUnit(const char* p);
void EncodeCqUnit(const CqUnit& unit, char* p);

}  // namespace tern::store
