// Creates the CommitLog's next segment ahead of time on its own thread
// (fallocate + mmap + MAP_POPULATE), so that a roll only swaps a pointer.
// If the prepared segment is not ready, Take() waits for it; if nothing was
// prepared (or preparing failed), Take() creates the segment itself.
//
// Any thread; internally synchronized. One background thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "broker/store/file_io.h"
#include "broker/store/mapped_file.h"

namespace tern::store {

class SegmentAllocator {
 public:
  // `io` must outlive this. Segments are created as <dir>/<20-digit start>.
  SegmentAllocator(FileIo& io, std::string dir, int64_t segment_size, bool prefault);
  ~SegmentAllocator();  // Stop()s

  void Start();
  // Stops the thread. A prepared, untaken segment stays on disk (empty); the
  // next Open deletes segments past the log's end.
  void Stop();

  // Asks for segment `start` to be created in the background (replaces an
  // older request that has not started yet).
  void Prepare(int64_t start);
  // Segment `start`: the prepared one, else created now.
  Result<SegmentRef> Take(int64_t start);

 private:
  void Run();
  Result<SegmentRef> CreateNow(int64_t start);

  FileIo& io_;
  const std::string dir_;
  const int64_t segment_size_;
  const bool prefault_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<int64_t> requested_;  // GUARDED_BY(mu_): waiting to be built
  std::optional<int64_t> building_;   // GUARDED_BY(mu_): being built now
  std::optional<int64_t> ready_start_;  // GUARDED_BY(mu_)
  SegmentRef ready_;                    // GUARDED_BY(mu_)
  bool stop_ = false;                   // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace tern::store
