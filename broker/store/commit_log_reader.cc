// CommitLog reads (any thread) and CommitLogScanner.
#include <fmt/format.h>

#include "broker/store/commit_log.h"
#include "broker/store/store_format.h"

namespace tern::store {

SegmentRef CommitLog::SegmentFor(int64_t offset) const {
  std::lock_guard<std::mutex> l(segments_mu_);
  if (segments_.empty()) return nullptr;
  int64_t first = segments_.front()->start_offset();
  if (offset < first) return nullptr;
  size_t idx = static_cast<size_t>((offset - first) / options_.segment_size);
  if (idx >= segments_.size()) return nullptr;
  return segments_[idx];
}

int64_t CommitLog::NextSegmentStart(PhysicalOffset offset) const {
  return (offset.value() / options_.segment_size + 1) * options_.segment_size;
}

Result<LogView> CommitLog::ReadRange(PhysicalOffset offset, int64_t size) const {
  int64_t written = written_end_.load(std::memory_order_acquire);
  if (size <= 0 || offset.value() + size > written) {
    return Status::NotFound(fmt::format("[{}, +{}) is past the written end {}", offset.value(),
                                        size, written));
  }
  SegmentRef seg = SegmentFor(offset.value());
  if (!seg) return Status::NotFound(fmt::format("offset {} was deleted", offset.value()));
  int64_t pos = offset.value() - seg->start_offset();
  if (pos + size > seg->size()) {
    return Status::InvalidArgument(fmt::format("[{}, +{}) spans two segments", offset.value(), size));
  }
  std::string_view data(seg->data() + pos, static_cast<size_t>(size));
  return LogView(std::move(seg), offset, data);
}

Result<LogView> CommitLog::ReadRecord(PhysicalOffset offset) const {
  int64_t written = written_end_.load(std::memory_order_acquire);
  if (offset.value() + kBlankRecordSize > written) {
    return Status::NotFound(fmt::format("offset {} is at or past the written end {}",
                                        offset.value(), written));
  }
  SegmentRef seg = SegmentFor(offset.value());
  if (!seg) return Status::NotFound(fmt::format("offset {} was deleted", offset.value()));
  int64_t pos = offset.value() - seg->start_offset();
  if (seg->size() - pos < kBlankRecordSize) {
    return Status::Corruption(fmt::format("no record header fits at {}", offset.value()));
  }
  const char* p = seg->data() + pos;
  uint32_t size = GetBE32(p);
  uint32_t magic = GetBE32(p + 4);
  if (magic != protocol::kMessageMagicV1 && magic != protocol::kMessageMagicV2) {
    return Status::Corruption(fmt::format("no message record at {} (magic 0x{:08X})",
                                          offset.value(), magic));
  }
  if (size < static_cast<uint32_t>(protocol::RecordLayout::kMinRecordSize) ||
      pos + size > seg->size() || offset.value() + size > written) {
    return Status::Corruption(fmt::format("record at {} has a bad size {}", offset.value(), size));
  }
  return LogView(std::move(seg), offset, std::string_view(p, size));
}

bool CommitLog::WaitForData(PhysicalOffset offset, std::chrono::milliseconds timeout,
                            const std::atomic<bool>* cancel) const {
  if (written_end_.load() > offset.value()) return true;
  uint64_t epoch = wake_epoch_.load();
  data_waiters_.fetch_add(1);
  {
    std::unique_lock<std::mutex> l(data_mu_);
    data_cv_.wait_for(l, timeout, [&] {
      return written_end_.load() > offset.value() || wake_epoch_.load() != epoch ||
             (cancel != nullptr && cancel->load());
    });
  }
  data_waiters_.fetch_sub(1);
  return written_end_.load() > offset.value();
}

void CommitLog::WakeReaders() const {
  {
    std::lock_guard<std::mutex> l(data_mu_);
    wake_epoch_.fetch_add(1);
  }
  data_cv_.notify_all();
}

Result<CommitLogScanner::Step> CommitLogScanner::Next(LogView* out) {
  while (true) {
    int64_t pos = position_.value();
    if (pos >= log_.WrittenEnd().value()) return Step::kEnd;
    if (pos < log_.MinOffset().value()) {
      return Status::NotFound(fmt::format("scan position {} is below the min offset {}", pos,
                                          log_.MinOffset().value()));
    }
    int64_t seg_size = log_.segment_size();
    int64_t in_seg = pos % seg_size;
    if (seg_size - in_seg < kBlankRecordSize) {
      if (in_seg != 0) {
        return Status::Corruption(fmt::format("scan position {} is inside a segment's tail", pos));
      }
    }
    TERN_ASSIGN_OR_RETURN(LogView head, log_.ReadRange(position_, kBlankRecordSize));
    uint32_t size = GetBE32(head.data().data());
    uint32_t magic = GetBE32(head.data().data() + 4);
    if (magic == kBlankMagic) {
      position_ = PhysicalOffset(log_.NextSegmentStart(position_));
      continue;
    }
    (void)size;
    auto rec = log_.ReadRecord(position_);
    if (!rec.ok()) return rec.status();
    *out = std::move(*rec);
    position_ = out->end();
    return Step::kRecord;
  }
}

}  // namespace tern::store
