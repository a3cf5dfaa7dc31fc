// Retention of CommitLog segments (storage.md §12): deletes whole segments
// older than file_reserved_hours at the delete_when hour(s), or at any hour when
// disk usage passes disk_max_used_ratio; above clean_forcibly_ratio even
// unexpired segments go (oldest first). The active segment is never deleted.
// Consume-queue / index cleanup below the new CommitLog::MinOffset() is the
// caller's (the store facade) business.
//
// Timer thread only (RunOnce is not reentrant); the CommitLog must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker/store/commit_log.h"
#include "broker/store/file_io.h"
#include "src/base/clock.h"
#include "src/base/status.h"

namespace tern::store {

struct RetentionOptions {
  int file_reserved_hours = 72;        // fileReservedTime
  std::string delete_when = "04";      // deleteWhen: hours of day, ';'-separated
  double disk_max_used_ratio = 0.75;   // diskMaxUsedSpaceRatio
  double clean_forcibly_ratio = 0.85;  // diskSpaceCleanForciblyRatio
  int delete_batch_max = 10;           // deleteFileBatchMax per run
};

struct RetentionReport {
  int deleted = 0;
  PhysicalOffset min_offset{0};  // CommitLog::MinOffset() after the run
  bool forced = false;           // disk above clean_forcibly_ratio
};

class CommitLogRetention {
 public:
  // `log`, `io` and `clock` must outlive this. `io` is asked for disk usage of
  // the commit log directory.
  CommitLogRetention(CommitLog& log, FileIo& io, const Clock& clock, RetentionOptions options);

  // One pass at wall time now_ms (hour of day in local time).
  Result<RetentionReport> RunOnce(int64_t now_ms);
  // Uses clock.NowMs().
  Result<RetentionReport> RunOnce() { return RunOnce(clock_.NowMs()); }

  // True if the local hour of now_ms is listed in delete_when.
  static bool IsDeleteHour(const std::string& delete_when, int64_t now_ms);

 private:
  CommitLog& log_;
  FileIo& io_;
  const Clock& clock_;
  RetentionOptions options_;
};

}  // namespace tern::store
