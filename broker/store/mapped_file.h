// One fixed-size, memory-mapped segment file of a mapped-file queue (storage.md §2).
//
// The mapping lives as long as the object; segments are shared through
// std::shared_ptr<MappedFile> so that a read view (SegmentView) keeps a deleted
// segment's mapping valid until the last reader drops it (the file itself is
// unlinked at deletion time). That reference count is the only reason for
// shared ownership here.
//
// Thread rules: Write() by the single writer only; data() may be read by any
// thread for bytes below the owner's published written end; Sync() from the
// flush thread. The object itself has no lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "broker/store/file_io.h"
#include "src/base/status.h"

namespace tern::store {

class MappedFile {
 public:
  // Creates a new zero-filled file of `size` bytes and maps it read-write.
  // prefault: populate the page tables now (done off the hot path by the allocator).
  static Result<std::shared_ptr<MappedFile>> Create(FileIo& io, const std::string& path,
                                                    int64_t start_offset, int64_t size,
                                                    bool prefault);
  // Maps an existing file, which must be exactly `size` bytes.
  static Result<std::shared_ptr<MappedFile>> Open(FileIo& io, const std::string& path,
                                                  int64_t start_offset, int64_t size);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  int64_t start_offset() const { return start_offset_; }
  int64_t end_offset() const { return start_offset_ + size_; }
  int64_t size() const { return size_; }
  char* data() const { return addr_; }

  // Copies `data` to position `pos` (file-relative) via io.BeforeWrite + memcpy.
  // REQUIRES: pos + data.size() <= size().
  Status Write(int64_t pos, std::string_view data);
  // Writes `data` at position `pos` through the file descriptor (io.BeforeWrite +
  // pwrite), not through the mapping; the mapping sees it at once (one page cache).
  // REQUIRES: pos + data.size() <= size().
  Status PWrite(int64_t pos, std::string_view data);
  // Durably syncs file positions [begin, end) (rounded out to pages).
  Status Sync(int64_t begin, int64_t end);
  // fdatasync of the whole file: what PWrite() wrote becomes durable.
  Status DataSync();
  // Unmaps the pages of [begin, end) (rounded in to whole pages) from this
  // process's page tables; the data stays in the page cache and in the file.
  void DropResident(int64_t begin, int64_t end);
  // Zeroes [pos, size()) and syncs it (torn-tail truncation during recovery).
  // Returns how many bytes had to be rewritten (64 KiB chunks holding non-zero data).
  Result<int64_t> ZeroFrom(int64_t pos);

  // Store timestamp of the newest record appended to this segment while open,
  // 0 if none (retention falls back to the file mtime). Any thread.
  int64_t last_store_timestamp() const { return last_store_ts_.load(std::memory_order_relaxed); }
  void set_last_store_timestamp(int64_t ms) { last_store_ts_.store(ms, std::memory_order_relaxed); }

  // Unlinks the file now; the mapping stays valid until the object dies.
  Status MarkDeleted();
  bool deleted() const { return deleted_.load(); }

 private:
  MappedFile(FileIo& io, std::string path, int fd, char* addr, int64_t start, int64_t size);

  FileIo& io_;
  const std::string path_;
  const int fd_;
  char* const addr_;
  const int64_t start_offset_;
  const int64_t size_;
  std::atomic<int64_t> last_store_ts_{0};
  std::atomic<bool> deleted_{false};
};

using SegmentRef = std::shared_ptr<MappedFile>;

}  // namespace tern::store
