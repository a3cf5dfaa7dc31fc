#include "broker/store/get_message.h"

#include <unistd.h>

#include <algorithm>

#include "src/protocol/message_codec.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"

namespace tern::store {

std::string_view GetMessageStatusName(GetMessageStatus s) {
  switch (s) {
    case GetMessageStatus::kFound: return "FOUND";
    case GetMessageStatus::kNoMatchedMessage: return "NO_MATCHED_MESSAGE";
    case GetMessageStatus::kMessageWasRemoving: return "MESSAGE_WAS_REMOVING";
    case GetMessageStatus::kOffsetFoundNull: return "OFFSET_FOUND_NULL";
    case GetMessageStatus::kOffsetOverflowBadly: return "OFFSET_OVERFLOW_BADLY";
    case GetMessageStatus::kOffsetOverflowOne: return "OFFSET_OVERFLOW_ONE";
    case GetMessageStatus::kOffsetTooSmall: return "OFFSET_TOO_SMALL";
    case GetMessageStatus::kNoMatchedLogicQueue: return "NO_MATCHED_LOGIC_QUEUE";
    case GetMessageStatus::kNoMessageInQueue: return "NO_MESSAGE_IN_QUEUE";
  }
  return "UNKNOWN";
}

TagFilter::TagFilter(std::vector<std::string> tags) {
  for (auto& tag : tags) {
    if (tag == "*") {
      all_ = true;
      codes_.clear();
      tags_.clear();
      return;
    }
    if (tag.empty()) continue;
    codes_.insert(protocol::JavaStringHashCode(tag));
    tags_.push_back(std::move(tag));
  }
  all_ = tags_.empty();
}

bool TagFilter::MatchTagsCode(int64_t tags_code) const {
  return all_ || codes_.count(static_cast<int32_t>(tags_code)) > 0;
}

bool TagFilter::MatchRecord(std::string_view record) const {
  if (all_) return true;
  auto decoded = protocol::DecodeMessageRecord(record);
  if (!decoded.ok()) return false;
  auto tags = protocol::FindProperty(decoded->properties, protocol::PropertyKey::kTags);
  if (!tags) return false;
  return std::find(tags_.begin(), tags_.end(), *tags) != tags_.end();
}

namespace {

int64_t PhysicalMemoryBytes() {
  static const int64_t bytes = [] {
    long pages = sysconf(_SC_PHYS_PAGES);
    long page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : int64_t{8} << 30;
  }();
  return bytes;
}

// Java isTheBatchFull.
bool BatchFull(const ReadLimits& limits, const GetMessageRequest& req, int64_t next_size,
               int64_t bytes, int32_t count, bool on_disk) {
  if (bytes == 0 || count == 0) return false;
  if (count >= req.max_msg_nums) return true;
  if (bytes + next_size > req.max_bytes) return true;
  if (on_disk) {
    return bytes + next_size > limits.max_transfer_bytes_on_disk ||
           count >= limits.max_transfer_count_on_disk;
  }
  return bytes + next_size > limits.max_transfer_bytes_in_memory ||
         count >= limits.max_transfer_count_in_memory;
}

}  // namespace

GetMessageResult ReadMessages(const CommitLog& log, const ConsumeQueueTable& queues,
                              const ReadLimits& limits, const GetMessageRequest& req) {
  GetMessageResult r;
  const int64_t offset = req.offset.value();
  const ConsumeQueue* cq = queues.Find(req.topic, req.queue_id);
  // An unknown queue reads as an empty one (Java creates it on demand).
  const int64_t min = cq ? cq->min_offset().value() : 0;
  const int64_t max = cq ? cq->max_offset().value() : 0;
  r.min_offset = QueueOffset(min);
  r.max_offset = QueueOffset(max);

  if (max == 0) {
    r.status = GetMessageStatus::kNoMessageInQueue;
    r.next_begin_offset = QueueOffset(0);
    return r;
  }
  if (offset < min) {
    r.status = GetMessageStatus::kOffsetTooSmall;
    r.next_begin_offset = QueueOffset(min);
    return r;
  }
  if (offset == max) {
    r.status = GetMessageStatus::kOffsetOverflowOne;
    r.next_begin_offset = QueueOffset(offset);
    return r;
  }
  if (offset > max) {
    // 5.x rule (storage.md §9.1); 4.9 answered min when min == 0.
    r.status = GetMessageStatus::kOffsetOverflowBadly;
    r.next_begin_offset = QueueOffset(max);
    return r;
  }

  const int max_units = std::max(limits.max_filter_message_bytes, req.max_msg_nums * kCqUnitSize) /
                        kCqUnitSize;
  ConsumeQueue::ReadResult units = cq->Read(req.offset, max_units);
  if (units.file_missing || units.units.empty()) {
    r.status = GetMessageStatus::kOffsetFoundNull;
    r.next_begin_offset = units.file_missing ? units.next_file_start : cq->NextFileStart(req.offset);
    return r;
  }

  const int64_t log_end = log.WrittenEnd().value();
  const int64_t memory = limits.memory_bytes > 0 ? limits.memory_bytes : PhysicalMemoryBytes();
  const int64_t in_memory_span = memory * limits.access_message_in_memory_max_ratio / 100;
  int64_t skip_below = INT64_MIN;  // after a removed record: skip the rest of its segment
  int64_t max_pulled_phys = 0;
  r.status = GetMessageStatus::kNoMatchedMessage;
  size_t i = 0;
  for (; i < units.units.size(); ++i) {
    const CqUnit& u = units.units[i];
    if (u.IsPlaceholder()) continue;
    const int64_t phys = u.offset.value();
    max_pulled_phys = std::max(max_pulled_phys, phys);
    if (phys < skip_below) continue;
    const bool on_disk = log_end - phys > in_memory_span;
    if (BatchFull(limits, req, u.size, r.total_bytes, static_cast<int32_t>(r.messages.size()),
                  on_disk)) {
      break;
    }
    if (req.filter && !req.filter->MatchTagsCode(u.tags_code)) continue;
    auto view = log.ReadRange(u.offset, u.size);
    if (!view.ok()) {
      if (r.messages.empty()) r.status = GetMessageStatus::kMessageWasRemoving;
      skip_below = log.NextSegmentStart(u.offset);
      continue;
    }
    if (req.filter && !req.filter->MatchRecord(view->data())) continue;
    r.total_bytes += static_cast<int64_t>(view->size());
    r.messages.push_back(std::move(view).value());
    r.queue_offsets.push_back(QueueOffset(offset + static_cast<int64_t>(i)));
    r.status = GetMessageStatus::kFound;
    skip_below = INT64_MIN;
  }
  r.next_begin_offset = QueueOffset(offset + static_cast<int64_t>(i));
  const int64_t behind = log_end - max_pulled_phys;
  r.suggest_pulling_from_slave =
      behind > memory * (limits.access_message_in_memory_max_ratio - 10) / 100;
  return r;
}

}  // namespace tern::store
