// The read path behind PULL_MESSAGE (storage.md §9.1-9.2): decide the status
// from the queue's min/max, then scan consume-queue units and collect views of
// the stored records that pass the filter. Nothing is copied: the result holds
// LogViews that pin their segments until the response has been written.
//
// Pure function over a CommitLog and a ConsumeQueueTable; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "broker/store/commit_log.h"
#include "broker/store/consume_queue_table.h"
#include "src/base/strong_id.h"

namespace tern::store {

enum class GetMessageStatus : uint8_t {
  kFound,
  kNoMatchedMessage,
  kMessageWasRemoving,
  kOffsetFoundNull,
  kOffsetOverflowBadly,
  kOffsetOverflowOne,
  kOffsetTooSmall,
  kNoMatchedLogicQueue,
  kNoMessageInQueue,
};
// Java's enum name ("FOUND", "OFFSET_OVERFLOW_ONE", ...): the PULL response remark.
std::string_view GetMessageStatusName(GetMessageStatus s);

// Decides which messages a pull returns. Two stages, as in Java: the cheap
// consume-queue tagsCode test, then a test on the stored record.
class MessageFilter {
 public:
  virtual ~MessageFilter() = default;
  virtual bool MatchTagsCode(int64_t tags_code) const = 0;
  // `record` is the whole stored record.
  virtual bool MatchRecord(std::string_view record) const = 0;
};

// Tag subscription: the unit's tagsCode (low 32 bits) must be the Java hash of
// one of the tags, and the record's TAGS must equal one of them exactly (so a
// hash collision is filtered here rather than by the client). No tags, or a
// "*", match everything. Immutable; any thread.
class TagFilter final : public MessageFilter {
 public:
  static TagFilter All() { return TagFilter({}); }
  // Tags already split and trimmed (SubscriptionData.tagsSet).
  explicit TagFilter(std::vector<std::string> tags);
  bool MatchTagsCode(int64_t tags_code) const override;
  bool MatchRecord(std::string_view record) const override;
  bool matches_all() const { return all_; }

 private:
  bool all_ = true;
  std::unordered_set<int32_t> codes_;
  std::vector<std::string> tags_;
};

// Per-pull limits (MessageStoreConfig defaults).
struct ReadLimits {
  int32_t max_transfer_bytes_in_memory = 256 * 1024;  // maxTransferBytesOnMessageInMemory
  int32_t max_transfer_count_in_memory = 32;
  int32_t max_transfer_bytes_on_disk = 64 * 1024;     // maxTransferBytesOnMessageInDisk
  int32_t max_transfer_count_on_disk = 8;
  int32_t max_filter_message_bytes = 16000;           // CQ bytes examined per pull (at least)
  int32_t access_message_in_memory_max_ratio = 40;    // % of RAM counted as "in memory"
  int64_t memory_bytes = 0;                           // 0: physical RAM of this host
};

struct GetMessageRequest {
  std::string_view group;  // for logs/stats only
  std::string_view topic;
  QueueId queue_id;
  QueueOffset offset;
  int32_t max_msg_nums = 32;
  int32_t max_bytes = INT32_MAX;          // 5.x maxMsgBytes
  const MessageFilter* filter = nullptr;  // nullptr: everything
};

struct GetMessageResult {
  GetMessageStatus status = GetMessageStatus::kNoMatchedLogicQueue;
  QueueOffset next_begin_offset;
  QueueOffset min_offset;
  QueueOffset max_offset;
  std::vector<LogView> messages;          // the stored records, in queue order
  std::vector<QueueOffset> queue_offsets;  // queue offset of each message
  int64_t total_bytes = 0;
  bool suggest_pulling_from_slave = false;
};

GetMessageResult ReadMessages(const CommitLog& log, const ConsumeQueueTable& queues,
                              const ReadLimits& limits, const GetMessageRequest& request);

}  // namespace tern::store
