#include "broker/store/consume_queue.h"

#include <algorithm>

#include "broker/store/store_format.h"
#include "src/base/byte_coding.h"
#include "src/base/logging.h"

namespace tern::store {

CqUnit DecodeCqUnit(const char* p) {
  return {PhysicalOffset(static_cast<int64_t>(GetBE64(p + kCqUnitPhysicalOffsetPos))),
          static_cast<int32_t>(GetBE32(p + kCqUnitSizePos)),
          static_cast<int64_t>(GetBE64(p + kCqUnitTagsCodePos))};
}

void EncodeCqUnit(const CqUnit& unit, char* p) {
  PutBE64(p + kCqUnitPhysicalOffsetPos, static_cast<uint64_t>(unit.offset.value()));
  PutBE32(p + kCqUnitSizePos, static_cast<uint32_t>(unit.size));
  PutBE64(p + kCqUnitTagsCodePos, static_cast<uint64_t>(unit.tags_code));
}

namespace {

// Java's recovery rule for a unit: offset >= 0 and size > 0.
bool IsValidUnit(const CqUnit& u) { return u.offset.value() >= 0 && u.size > 0; }

bool AllZero(const char* p, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}

}  // namespace

ConsumeQueue::ConsumeQueue(FileIo& io, std::string dir, std::string topic, QueueId queue_id,
                           const Options& options)
    : io_(io),
      dir_(std::move(dir)),
      topic_(std::move(topic)),
      queue_id_(queue_id),
      units_per_file_(options.units_per_file) {
  TERN_CHECK(units_per_file_ > 0) << "units_per_file must be positive";
}

ConsumeQueue::~ConsumeQueue() = default;

std::string ConsumeQueue::FilePath(int64_t start) const {
  return dir_ + "/" + SegmentFileName(start);
}

Result<std::unique_ptr<ConsumeQueue>> ConsumeQueue::Open(FileIo& io, std::string dir,
                                                         std::string topic, QueueId queue_id,
                                                         const Options& options) {
  std::unique_ptr<ConsumeQueue> cq(
      new ConsumeQueue(io, std::move(dir), std::move(topic), queue_id, options));
  std::vector<SegmentRef> files;
  if (io.Exists(cq->dir_)) {
    TERN_ASSIGN_OR_RETURN(auto names, io.ListDirRemovingTemp(cq->dir_));
    std::vector<int64_t> starts;
    for (const auto& name : names) {
      int64_t start = 0;
      if (ParseSegmentFileName(name, &start)) starts.push_back(start);
    }
    std::sort(starts.begin(), starts.end());
    for (int64_t start : starts) {
      if (start % cq->file_size() != 0 ||
          (!files.empty() && start != files.back()->end_offset())) {
        return Status::Corruption(fmt::format("consume queue {}: file {} is misplaced",
                                              cq->dir_, SegmentFileName(start)));
      }
      TERN_ASSIGN_OR_RETURN(auto file,
                            MappedFile::Open(io, cq->FilePath(start), start, cq->file_size()));
      files.push_back(std::move(file));
    }
  }
  TERN_RETURN_IF_ERROR(cq->Recover(std::move(files)));
  return cq;
}

// Single-threaded (called from Open).
Status ConsumeQueue::Recover(std::vector<SegmentRef> files) {
  // The last file holding a valid unit, and its number of valid units.
  int last = -1;
  int64_t valid = 0;
  for (int i = static_cast<int>(files.size()) - 1; i >= 0 && last < 0; --i) {
    const char* data = files[i]->data();
    int64_t n = 0;
    while (n < units_per_file_ && IsValidUnit(DecodeCqUnit(data + n * kCqUnitSize))) ++n;
    if (n > 0) {
      last = i;
      valid = n;
    }
  }
  // Files after the last valid unit's file hold nothing reachable.
  int keep = last + 1;
  if (last >= 0 && valid == units_per_file_ && keep < static_cast<int>(files.size())) {
    ++keep;  // a full file may be followed by the (empty) next one
  }
  for (size_t i = keep; i < files.size(); ++i) {
    TERN_RETURN_IF_ERROR(files[i]->MarkDeleted());
  }
  files.resize(keep);
  if (files.empty()) return Status::Ok();

  int64_t max = 0;
  if (last >= 0) {
    const SegmentRef& f = files[last];
    int64_t tail = valid * kCqUnitSize;
    // A torn unit or stale units after the first invalid one must not be found
    // by a later recovery once new units are written in front of them.
    if (tail < f->size() && !AllZero(f->data() + tail, f->size() - tail)) {
      TERN_LOG_WARN("consume queue {}: zeroing {} bytes after the last valid unit", dir_,
                    f->size() - tail);
      TERN_RETURN_IF_ERROR(f->ZeroFrom(tail).status());
    }
    max = (f->start_offset() + tail) / kCqUnitSize;
    for (int64_t n = valid - 1; n >= 0; --n) {
      CqUnit u = DecodeCqUnit(f->data() + n * kCqUnitSize);
      if (!u.IsPlaceholder()) {
        max_physical_end_.store(u.offset.value() + u.size);
        break;
      }
    }
  } else {
    max = files.back()->start_offset() / kCqUnitSize;
  }
  int64_t min = files.front()->start_offset() / kCqUnitSize;
  flushed_pos_.store(max * kCqUnitSize);
  {
    std::lock_guard lock(mu_);
    files_ = std::move(files);
  }
  min_offset_.store(min);
  max_offset_.store(max);
  CorrectMinOffset(PhysicalOffset(0));  // skips leading placeholders
  return Status::Ok();
}

SegmentRef ConsumeQueue::FindFile(int64_t pos) const {
  std::lock_guard lock(mu_);
  if (files_.empty() || pos < files_.front()->start_offset() ||
      pos >= files_.back()->end_offset()) {
    return nullptr;
  }
  size_t index = static_cast<size_t>((pos - files_.front()->start_offset()) / file_size());
  return files_[index];
}

Result<SegmentRef> ConsumeQueue::FileFor(int64_t pos, bool create) {
  bool empty;
  int64_t next_start;
  {
    std::lock_guard lock(mu_);
    empty = files_.empty();
    if (!empty && pos >= files_.front()->start_offset() && pos < files_.back()->end_offset()) {
      return files_[static_cast<size_t>((pos - files_.front()->start_offset()) / file_size())];
    }
    next_start = empty ? pos - pos % file_size() : files_.back()->end_offset();
  }
  if (!create) return SegmentRef();
  TERN_CHECK(pos >= next_start && pos < next_start + file_size())
      << "consume queue " << dir_ << " write at " << pos << " skips past file " << next_start;
  if (empty) TERN_RETURN_IF_ERROR(io_.CreateDirs(dir_));
  // Creating (fallocate + mmap) happens outside the lock; only this writer
  // thread appends files, so nobody else can add this one meanwhile.
  TERN_ASSIGN_OR_RETURN(SegmentRef file, MappedFile::Create(io_, FilePath(next_start), next_start,
                                                            file_size(), /*prefault=*/false));
  std::lock_guard lock(mu_);
  files_.push_back(file);
  return file;
}

Status ConsumeQueue::WriteUnits(int64_t first_offset, const std::string& bytes) {
  int64_t pos = first_offset * kCqUnitSize;
  size_t done = 0;
  while (done < bytes.size()) {
    TERN_ASSIGN_OR_RETURN(SegmentRef file, FileFor(pos, /*create=*/true));
    int64_t in_file = pos - file->start_offset();
    size_t chunk = std::min<size_t>(bytes.size() - done, file->size() - in_file);
    TERN_RETURN_IF_ERROR(file->Write(in_file, std::string_view(bytes).substr(done, chunk)));
    done += chunk;
    pos += static_cast<int64_t>(chunk);
  }
  return Status::Ok();
}

Result<ConsumeQueue::AppendOutcome> ConsumeQueue::Append(QueueOffset offset, const CqUnit& unit) {
  const int64_t max = max_offset_.load(std::memory_order_acquire);
  if (offset.value() < max) return AppendOutcome::kDuplicate;
  const int64_t phys_end = max_physical_end_.load(std::memory_order_relaxed);
  if (phys_end > 0 && unit.offset.value() + unit.size <= phys_end) {
    return AppendOutcome::kDuplicate;
  }
  std::string bytes;
  int64_t first = offset.value();
  if (offset.value() > max) {
    bool empty;
    {
      std::lock_guard lock(mu_);
      empty = files_.empty();
    }
    if (empty) {
      // A brand-new queue starting at k: fill its first file up to k (fillPreBlank).
      first = offset.value() - offset.value() % units_per_file_;
      min_offset_.store(offset.value(), std::memory_order_release);
    } else {
      TERN_LOG_WARN("consume queue {}-{}: gap {}..{} filled with placeholders", topic_,
                    queue_id_, max, offset.value());
      first = max;
    }
    bytes.resize(static_cast<size_t>(offset.value() - first) * kCqUnitSize);
    for (size_t p = 0; p < bytes.size(); p += kCqUnitSize) {
      EncodeCqUnit({PhysicalOffset(kCqPlaceholderPhysicalOffset), kCqPlaceholderSize, 0},
                   bytes.data() + p);
    }
  }
  char unit_bytes[kCqUnitSize];
  EncodeCqUnit(unit, unit_bytes);
  bytes.append(unit_bytes, kCqUnitSize);
  TERN_RETURN_IF_ERROR(WriteUnits(first, bytes));
  max_physical_end_.store(unit.offset.value() + unit.size, std::memory_order_release);
  max_offset_.store(offset.value() + 1, std::memory_order_release);
  return AppendOutcome::kAppended;
}

QueueOffset ConsumeQueue::NextFileStart(QueueOffset offset) const {
  return QueueOffset(offset.value() + units_per_file_ - offset.value() % units_per_file_);
}

ConsumeQueue::ReadResult ConsumeQueue::Read(QueueOffset from, int max_units) const {
  ReadResult result;
  const int64_t max = max_offset_.load(std::memory_order_acquire);
  const int64_t min = min_offset_.load(std::memory_order_acquire);
  if (max_units <= 0 || from.value() < min || from.value() >= max) return result;
  SegmentRef file = FindFile(from.value() * kCqUnitSize);
  if (!file) {
    result.file_missing = true;
    result.next_file_start = NextFileStart(from);
    return result;
  }
  int64_t n = std::min<int64_t>({max_units, max - from.value(),
                                 units_per_file_ - from.value() % units_per_file_});
  const char* p = file->data() + (from.value() * kCqUnitSize - file->start_offset());
  result.units.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) result.units.push_back(DecodeCqUnit(p + i * kCqUnitSize));
  return result;
}

std::optional<CqUnit> ConsumeQueue::ReadUnit(QueueOffset offset) const {
  ReadResult r = Read(offset, 1);
  if (r.units.empty()) return std::nullopt;
  return r.units.front();
}

QueueOffset ConsumeQueue::SearchOffsetByTime(int64_t timestamp_ms, BoundaryType boundary,
                                             const StoreTimeLookup& store_time) const {
  const int64_t min = min_offset_.load(std::memory_order_acquire);
  const int64_t max = max_offset_.load(std::memory_order_acquire);
  // A unit whose record cannot be read (removed, or a placeholder) counts as
  // older than any timestamp: removed records are the oldest ones.
  auto time_at = [&](int64_t offset) -> int64_t {
    auto unit = ReadUnit(QueueOffset(offset));
    if (!unit || unit->IsPlaceholder()) return INT64_MIN;
    return store_time(*unit).value_or(INT64_MIN);
  };
  // First offset in [min, max) for which `after(time)` holds.
  auto partition = [&](auto after) {
    int64_t lo = min, hi = max;
    while (lo < hi) {
      int64_t mid = lo + (hi - lo) / 2;
      if (after(time_at(mid))) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  };
  if (boundary == BoundaryType::kLower) {
    return QueueOffset(partition([&](int64_t t) { return t >= timestamp_ms; }));
  }
  int64_t first_after = partition([&](int64_t t) { return t > timestamp_ms; });
  return QueueOffset(first_after > min ? first_after - 1 : min);
}

Status ConsumeQueue::TruncateFrom(PhysicalOffset end) {
  const int64_t old_max = max_offset_.load();
  const int64_t min = min_offset_.load();
  int64_t new_max = old_max;
  int64_t phys_end = 0;
  while (new_max > 0) {
    SegmentRef file = FindFile((new_max - 1) * kCqUnitSize);
    if (!file) break;
    CqUnit u = DecodeCqUnit(file->data() + ((new_max - 1) * kCqUnitSize - file->start_offset()));
    if (u.IsPlaceholder()) break;
    if (u.offset < end) {
      phys_end = u.offset.value() + u.size;
      break;
    }
    --new_max;
  }
  if (new_max == old_max) return Status::Ok();
  TERN_LOG_INFO("consume queue {}-{}: truncating offsets {}..{} past the log end {}", topic_,
                queue_id_, new_max, old_max, end);
  // Remove whole files after the one holding new_max, then zero its tail.
  const int64_t cut = new_max * kCqUnitSize;
  std::vector<SegmentRef> doomed;
  SegmentRef holder;
  {
    std::lock_guard lock(mu_);
    while (!files_.empty() && files_.back()->start_offset() > cut) {
      doomed.push_back(files_.back());
      files_.pop_back();
    }
    if (!files_.empty() && cut < files_.back()->end_offset()) holder = files_.back();
  }
  for (auto& f : doomed) TERN_RETURN_IF_ERROR(f->MarkDeleted());
  if (holder) TERN_RETURN_IF_ERROR(holder->ZeroFrom(cut - holder->start_offset()).status());
  max_offset_.store(new_max, std::memory_order_release);
  max_physical_end_.store(phys_end, std::memory_order_release);
  if (min > new_max) min_offset_.store(new_max, std::memory_order_release);
  if (flushed_pos_.load() > cut) flushed_pos_.store(cut);
  return Status::Ok();
}

void ConsumeQueue::CorrectMinOffset(PhysicalOffset log_min) {
  const int64_t max = max_offset_.load(std::memory_order_acquire);
  int64_t offset = min_offset_.load(std::memory_order_acquire);
  while (offset < max) {
    ReadResult r = Read(QueueOffset(offset), static_cast<int>(std::min<int64_t>(
                                                 units_per_file_, 1 << 16)));
    if (r.file_missing) {
      offset = r.next_file_start.value();
      continue;
    }
    if (r.units.empty()) break;
    for (const CqUnit& u : r.units) {
      if (!u.IsPlaceholder() && u.offset >= log_min) {
        min_offset_.store(offset, std::memory_order_release);
        return;
      }
      ++offset;
    }
  }
  min_offset_.store(max, std::memory_order_release);  // nothing left at or after log_min
}

Result<int> ConsumeQueue::DeleteFilesBelow(PhysicalOffset log_min) {
  std::vector<SegmentRef> candidates;
  {
    std::lock_guard lock(mu_);
    if (files_.size() > 1) candidates.assign(files_.begin(), files_.end() - 1);
  }
  // Non-last files are full: their last unit is at size - 20.
  size_t expired = 0;
  while (expired < candidates.size()) {
    const SegmentRef& f = candidates[expired];
    CqUnit last = DecodeCqUnit(f->data() + f->size() - kCqUnitSize);
    if (last.IsPlaceholder() || last.offset >= log_min) break;
    ++expired;
  }
  if (expired > 0) {
    std::lock_guard lock(mu_);
    // Only this thread removes files from the front, so they are still there.
    TERN_CHECK(files_.size() > expired && files_.front() == candidates.front());
    files_.erase(files_.begin(), files_.begin() + static_cast<ptrdiff_t>(expired));
  }
  for (size_t i = 0; i < expired; ++i) TERN_RETURN_IF_ERROR(candidates[i]->MarkDeleted());
  if (expired > 0) {
    int64_t first = candidates[expired - 1]->end_offset() / kCqUnitSize;
    if (min_offset_.load() < first) min_offset_.store(first, std::memory_order_release);
  }
  CorrectMinOffset(log_min);
  return static_cast<int>(expired);
}

Status ConsumeQueue::Flush() {
  const int64_t written = max_offset_.load(std::memory_order_acquire) * kCqUnitSize;
  const int64_t flushed = flushed_pos_.load();
  if (written <= flushed) return Status::Ok();
  std::vector<SegmentRef> files;
  {
    std::lock_guard lock(mu_);
    files = files_;
  }
  for (const SegmentRef& f : files) {
    int64_t begin = std::max(flushed, f->start_offset());
    int64_t end = std::min(written, f->end_offset());
    if (begin >= end) continue;
    TERN_RETURN_IF_ERROR(f->Sync(begin - f->start_offset(), end - f->start_offset()));
  }
  // Unless a Destroy or TruncateFrom lowered it meanwhile: theirs stands.
  int64_t expected = flushed;
  flushed_pos_.compare_exchange_strong(expected, written);
  return Status::Ok();
}

Status ConsumeQueue::Destroy() {
  std::vector<SegmentRef> files;
  {
    std::lock_guard lock(mu_);
    files.swap(files_);
  }
  max_offset_.store(0, std::memory_order_release);
  min_offset_.store(0, std::memory_order_release);
  max_physical_end_.store(0, std::memory_order_release);
  flushed_pos_.store(0);
  for (auto& f : files) TERN_RETURN_IF_ERROR(f->MarkDeleted());
  return Status::Ok();
}

}  // namespace tern::store
