// The store root's `lock` file (exclusive flock: one process per store) and
// `abort` marker (exists while a process runs; absent after a clean shutdown).
//
// Startup:   Acquire(root) -> previous_run_crashed() decides recovery mode ->
//            recover -> CreateAbortMarker() -> serve.
// Shutdown:  stop, flush, write checkpoint -> RemoveAbortMarker() -> destroy (unlock).
//
// Owned by the store's opener; not thread-safe (startup/shutdown thread only).
#pragma once

#include <memory>
#include <string>

#include "src/base/status.h"

namespace tern::store {

class StoreLock {
 public:
  // Creates `root_dir` if needed and takes an exclusive non-blocking flock on
  // <root>/lock. Fails with kUnavailable if another process holds it.
  static Result<std::unique_ptr<StoreLock>> Acquire(const std::string& root_dir);
  ~StoreLock();  // releases the lock (the file stays)

  // True if <root>/abort existed when the lock was taken.
  bool previous_run_crashed() const { return crashed_; }
  const std::string& root_dir() const { return root_; }

  // Creates <root>/abort (fsyncing the directory).
  Status CreateAbortMarker();
  // Removes <root>/abort: the last step of a clean shutdown.
  Status RemoveAbortMarker();

 private:
  StoreLock(std::string root, int fd, bool crashed) : root_(std::move(root)), fd_(fd), crashed_(crashed) {}
  std::string root_;
  int fd_;
  bool crashed_;
};

}  // namespace tern::store
