#include "broker/store/retention.h"

#include <ctime>

#include "src/base/logging.h"

namespace tern::store {

CommitLogRetention::CommitLogRetention(CommitLog& log, FileIo& io, const Clock& clock,
                                       RetentionOptions options)
    : log_(log), io_(io), clock_(clock), options_(std::move(options)) {}

bool CommitLogRetention::IsDeleteHour(const std::string& delete_when, int64_t now_ms) {
  time_t secs = static_cast<time_t>(now_ms / 1000);
  struct tm t{};
  localtime_r(&secs, &t);
  size_t pos = 0;
  while (pos <= delete_when.size()) {
    size_t end = delete_when.find(';', pos);
    if (end == std::string::npos) end = delete_when.size();
    std::string item = delete_when.substr(pos, end - pos);
    if (!item.empty()) {
      char* stop = nullptr;
      long hour = std::strtol(item.c_str(), &stop, 10);
      if (stop != item.c_str() && *stop == '\0' && hour == t.tm_hour) return true;
    }
    pos = end + 1;
  }
  return false;
}

Result<RetentionReport> CommitLogRetention::RunOnce(int64_t now_ms) {
  RetentionReport report;
  double usage = 0;
  auto ratio = io_.DiskUsageRatio(log_.options().dir);
  if (ratio.ok()) {
    usage = *ratio;
  } else {
    TERN_LOG_WARN("retention: disk usage unknown: {}", ratio.status().ToString());
  }
  const bool at_hour = IsDeleteHour(options_.delete_when, now_ms);
  const bool space_pressure = usage > options_.disk_max_used_ratio;
  report.forced = usage > options_.clean_forcibly_ratio;
  const int64_t reserved_ms = static_cast<int64_t>(options_.file_reserved_hours) * 3600 * 1000;
  if (at_hour || space_pressure || report.forced) {
    for (const SegmentInfo& seg : log_.ListSegments()) {
      if (seg.active || report.deleted >= options_.delete_batch_max) break;
      bool expired = now_ms - seg.last_modified_ms >= reserved_ms;
      if (!expired && !report.forced) break;  // oldest first: nothing later is older
      TERN_RETURN_IF_ERROR(log_.DeleteOldestSegment(seg.start));
      ++report.deleted;
    }
  }
  report.min_offset = log_.MinOffset();
  return report;
}

}  // namespace tern::store
