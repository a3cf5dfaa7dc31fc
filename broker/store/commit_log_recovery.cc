// CommitLog::Load: find the end of valid data at startup (storage.md §8).
//
// Clean shutdown (no abort marker) with a valid checkpoint: the checkpoint's
// flushed offset is the end - Close() flushed everything - so no scan, only a
// check that nothing non-zero follows it. Otherwise (crash, missing or
// distrusted checkpoint) scan forward from the start of the segment holding the
// checkpointed offset (or the third-last segment), validating magic, size,
// physical offset and body CRC of every record; the first invalid record is
// the torn tail: the rest of its segment is zeroed and later segments deleted.
#include <algorithm>

#include <fmt/format.h>

#include "broker/store/commit_log.h"
#include "broker/store/store_format.h"
#include "src/base/logging.h"

namespace tern::store {

bool CommitLog::TailLooksClean(int64_t offset) const {
  for (const auto& s : segments_) {
    if (offset >= s->start_offset() && offset < s->end_offset()) {
      int64_t pos = offset - s->start_offset();
      int64_t n = std::min<int64_t>(kBlankRecordSize, s->size() - pos);
      for (int64_t i = 0; i < n; ++i) {
        if (s->data()[pos + i] != 0) return false;
      }
      return true;
    }
  }
  return offset == segments_.back()->end_offset();
}

Result<int64_t> CommitLog::ScanForEnd(size_t first_segment, int64_t* last_store_ts) {
  for (size_t i = first_segment; i < segments_.size(); ++i) {
    const SegmentRef& seg = segments_[i];
    const char* base = seg->data();
    int64_t pos = 0;
    while (true) {
      if (pos == seg->size()) break;  // exactly full: continue with the next segment
      if (seg->size() - pos < kBlankRecordSize) return seg->start_offset() + pos;
      uint32_t size = GetBE32(base + pos);
      uint32_t magic = GetBE32(base + pos + 4);
      if (magic == kBlankMagic) {
        if (static_cast<int64_t>(size) != seg->size() - pos) return seg->start_offset() + pos;
        break;  // end-of-segment blank: continue with the next segment
      }
      if (magic != protocol::kMessageMagicV1 && magic != protocol::kMessageMagicV2) {
        return seg->start_offset() + pos;
      }
      std::string_view rest(base + pos, static_cast<size_t>(seg->size() - pos));
      auto rec = protocol::DecodeMessageRecord(rest, options_.check_crc_on_recover);
      if (!rec.ok() || rec->physical_offset.value() != seg->start_offset() + pos) {
        TERN_LOG_WARN("recovery: invalid record at {}: {}", seg->start_offset() + pos,
                      rec.ok() ? "physical offset mismatch" : rec.status().ToString());
        return seg->start_offset() + pos;
      }
      *last_store_ts = rec->store_timestamp;
      ++recovery_.records_scanned;
      pos += rec->total_size;
    }
    if (i + 1 == segments_.size()) return seg->end_offset();
  }
  return segments_.back()->end_offset();
}

Status CommitLog::Load(bool crashed) {
  TERN_RETURN_IF_ERROR(io_.CreateDirs(options_.dir));
  TERN_ASSIGN_OR_RETURN(auto names, io_.ListDirRemovingTemp(options_.dir));
  std::vector<int64_t> starts;
  for (const auto& name : names) {
    int64_t start = 0;
    if (ParseSegmentFileName(name, &start)) starts.push_back(start);
  }
  std::sort(starts.begin(), starts.end());
  for (size_t i = 0; i < starts.size(); ++i) {
    if (starts[i] % options_.segment_size != 0 ||
        (i > 0 && starts[i] != starts[i - 1] + options_.segment_size)) {
      return Status::Corruption(fmt::format(
          "commit log segments in {} are not contiguous {}-byte files (at {})", options_.dir,
          options_.segment_size, SegmentFileName(starts[i])));
    }
    TERN_ASSIGN_OR_RETURN(auto seg, MappedFile::Open(io_, options_.dir + "/" + SegmentFileName(starts[i]),
                                                     starts[i], options_.segment_size));
    segments_.push_back(std::move(seg));
  }
  recovery_.crashed = crashed;
  if (segments_.empty()) {
    TERN_ASSIGN_OR_RETURN(auto seg, MappedFile::Create(io_, options_.dir + "/" + SegmentFileName(0),
                                                       0, options_.segment_size,
                                                       /*prefault=*/false));
    segments_.push_back(seg);
    active_ = seg;
    write_pos_ = 0;
    recovery_.recovered_end = PhysicalOffset(0);
    checkpoint_.SetCommitLogFlushed(PhysicalOffset(0), 0);
    return Status::Ok();
  }

  const int64_t first = segments_.front()->start_offset();
  const int64_t last_end = segments_.back()->end_offset();
  const int64_t ck = checkpoint_.commit_log_flushed().value();
  const bool ck_in_range = checkpoint_.valid() && ck >= first && ck <= last_end;
  int64_t end = 0;
  int64_t last_ts = checkpoint_.physic_msg_timestamp();
  if (!crashed && ck_in_range && TailLooksClean(ck)) {
    end = ck;
  } else {
    if (!crashed) {
      TERN_LOG_WARN("clean shutdown but the checkpoint cannot be trusted: scanning");
    }
    size_t idx = segments_.size() >= 3 ? segments_.size() - 3 : 0;
    if (ck_in_range) {
      idx = static_cast<size_t>((std::min(ck, last_end - 1) - first) / options_.segment_size);
    }
    recovery_.scanned = true;
    recovery_.scan_start = PhysicalOffset(segments_[idx]->start_offset());
    TERN_ASSIGN_OR_RETURN(end, ScanForEnd(idx, &last_ts));
  }

  // Active segment: the one holding `end` (the last one if the log ends exactly
  // at its end). Later segments (torn tails, pre-created empties) go.
  size_t active = static_cast<size_t>((std::min(end, last_end - 1) - first) / options_.segment_size);
  while (segments_.size() > active + 1) {
    SegmentRef extra = segments_.back();
    segments_.pop_back();
    TERN_RETURN_IF_ERROR(extra->MarkDeleted());
    ++recovery_.segments_deleted;
  }
  SegmentRef seg = segments_.back();
  if (recovery_.scanned) {
    TERN_ASSIGN_OR_RETURN(int64_t zeroed, seg->ZeroFrom(end - seg->start_offset()));
    recovery_.truncated_bytes = zeroed;
    // Whatever the scan accepted may sit only in the page cache (the previous
    // process died before flushing it): make it durable before trusting it.
    for (const auto& s : segments_) {
      if (s->end_offset() <= recovery_.scan_start.value()) continue;
      int64_t b = std::max(recovery_.scan_start.value(), s->start_offset()) - s->start_offset();
      int64_t e = std::min(end, s->end_offset()) - s->start_offset();
      TERN_RETURN_IF_ERROR(s->Sync(b, e));
    }
    TERN_LOG_INFO("recovery: scanned {} records from {}, log ends at {} ({} bytes zeroed, {} "
                  "segments deleted)",
                  recovery_.records_scanned, recovery_.scan_start.value(), end,
                  recovery_.truncated_bytes, recovery_.segments_deleted);
  }
  active_ = seg;
  write_pos_ = end;
  trim_kick_pos_ = end;
  written_end_.store(end);
  flushed_end_.store(end);
  min_offset_.store(first);
  last_store_ts_.store(last_ts);
  recovery_.recovered_end = PhysicalOffset(end);
  checkpoint_.SetCommitLogFlushed(PhysicalOffset(end), last_ts);
  return Status::Ok();
}

}  // namespace tern::store
