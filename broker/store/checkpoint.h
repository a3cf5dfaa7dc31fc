// StoreCheckpoint (storage.md §7; layout in store_format.h): how far the
// CommitLog, the consume queues and the key index are known durable.
//
// The CommitLog's flush thread sets the commit-log fields and calls Flush()
// periodically and at shutdown; dispatch / consume queue / index code sets its
// own fields with the setters and may call Flush() too. A checkpoint whose CRC
// or magic does not match is treated as absent (valid() == false).
//
// Any thread; internally synchronized (atomics for fields, a mutex around the
// file write).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "broker/store/file_io.h"
#include "src/base/status.h"
#include "src/base/strong_id.h"

namespace tern::store {

class Checkpoint {
 public:
  // Opens `path` (creating a zeroed file if absent) and loads it. `io` must outlive this.
  static Result<std::unique_ptr<Checkpoint>> Open(FileIo& io, const std::string& path);
  ~Checkpoint();

  // True if the file existed with a good magic and CRC when opened.
  bool valid() const { return valid_; }

  // CommitLog: offset and store time of the last flushed record end.
  void SetCommitLogFlushed(PhysicalOffset offset, int64_t store_timestamp);
  PhysicalOffset commit_log_flushed() const { return PhysicalOffset(cl_offset_.load()); }
  int64_t physic_msg_timestamp() const { return physic_ts_.load(); }

  // Consume queues: every record below `offset` (store time ≤ ts) is durably in its queue.
  void SetConsumeQueueProgress(PhysicalOffset offset, int64_t store_timestamp);
  PhysicalOffset consume_queue_offset() const { return PhysicalOffset(cq_offset_.load()); }
  int64_t logics_msg_timestamp() const { return logics_ts_.load(); }

  // Key index: every record below `offset` (store time ≤ ts) is durably indexed.
  void SetIndexProgress(PhysicalOffset offset, int64_t store_timestamp);
  PhysicalOffset index_offset() const { return PhysicalOffset(index_offset_.load()); }
  int64_t index_msg_timestamp() const { return index_ts_.load(); }

  // Java's minTimestamp: min(physic, logics) - 3000 ms, not below 0.
  int64_t MinTimestamp() const;

  // Writes the 4096-byte page in place and fdatasyncs it.
  Status Flush();

 private:
  Checkpoint(FileIo& io, std::string path, int fd);
  void Load(const std::string& page);

  FileIo& io_;
  const std::string path_;
  const int fd_;
  bool valid_ = false;
  std::mutex flush_mu_;  // serialises Flush()
  std::atomic<int64_t> physic_ts_{0};
  std::atomic<int64_t> logics_ts_{0};
  std::atomic<int64_t> index_ts_{0};
  std::atomic<int64_t> cl_offset_{0};
  std::atomic<int64_t> cq_offset_{0};
  std::atomic<int64_t> index_offset_{0};
};

}  // namespace tern::store
