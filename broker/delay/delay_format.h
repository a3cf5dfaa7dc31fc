// The names and persisted formats of scheduled delivery (broker/delay): the
// schedule topics, the property that ties a delivered copy to its schedule
// entry, the metadata keys (cursors column) and the cancel request. Prose in
// broker/delay/README.md ("On-disk state").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/base/byte_coding.h"

namespace tern::delay {

// ---- topics -------------------------------------------------------------------------------

// Delay levels (RocketMQ 4.x layout): queue id = level - 1, consume-queue
// tagsCode = store time + level delay (written by dispatch, storage.md §5).
inline constexpr std::string_view kScheduleTopic = "SCHEDULE_TOPIC_XXXX";
// Arbitrary delivery times (RocketMQ 5.x name): queue 0, TIMER_OUT_MS = due ms.
// Rolled-forward copies of either kind are appended here too.
inline constexpr std::string_view kTimerTopic = "rmq_sys_wheel_timer";
inline constexpr int kTimerQueueId = 0;

inline bool IsScheduleTopic(std::string_view topic) {
  return topic == kScheduleTopic || topic == kTimerTopic;
}

// ---- entries ------------------------------------------------------------------------------

// A schedule entry is one consume-queue unit of a *source* queue: source
// byte 0..253 = SCHEDULE_TOPIC_XXXX queue (level - 1), kTimerSource = the
// timer topic's queue 0. EntryId packs (source, queue offset) in 64 bits.
inline constexpr uint8_t kTimerSource = 0xFF;
inline constexpr int kMaxDelayLevels = 254;
inline constexpr int kQueueOffsetBits = 56;

struct EntryId {
  uint8_t source = 0;
  int64_t queue_offset = 0;

  uint64_t Packed() const {
    return (static_cast<uint64_t>(source) << kQueueOffsetBits) |
           (static_cast<uint64_t>(queue_offset) & ((uint64_t{1} << kQueueOffsetBits) - 1));
  }
  static EntryId Unpack(uint64_t v) {
    return EntryId{static_cast<uint8_t>(v >> kQueueOffsetBits),
                   static_cast<int64_t>(v & ((uint64_t{1} << kQueueOffsetBits) - 1))};
  }
  bool operator==(const EntryId&) const = default;
};

// Set on every record the service appends for an entry (the delivered
// message, or a rolled-forward copy): "<source>:<queue offset>". After a
// crash, the records appended since the last checkpoint are found by this
// property, so an entry is never delivered twice. Stripped from incoming
// messages by the interceptor. Consumers see it on delivered messages.
inline constexpr std::string_view kEntryProperty = "__TERN_SCHED_ENTRY";

// ---- metadata (column `cursors`) ----------------------------------------------------------

// "delay/state": kStateMagic, BE32 version, BE64 journal position, BE32 n,
// then n x (u8 source, BE64 low). `low` = every entry of the source below it
// is resolved; `journal position` = every record appended for an entry
// whose resolution is not yet marked starts at or after it.
inline constexpr std::string_view kStateKey = "delay/state";
inline constexpr uint32_t kStateMagic = 0x54445331;  // "TDS1"
inline constexpr uint32_t kStateVersion = 1;

// "delay/done/" u8 source, BE64 queue offset -> one MarkerKind byte: the
// entry (at or above its source's low) is resolved. Deleted once low passes.
inline constexpr std::string_view kMarkerPrefix = "delay/done/";

enum class MarkerKind : uint8_t {
  kDelivered = 1,  // the original message was appended to its real topic
  kRolled = 2,     // a fresh copy was appended to the timer topic
  kCancelled = 3,  // CANCEL_SCHEDULED_MESSAGE
  kLost = 4,       // the scheduled record could not be read (deleted / corrupt)
};

inline std::string MarkerKey(EntryId id) {
  std::string k(kMarkerPrefix);
  k.push_back(static_cast<char>(id.source));
  AppendBE64(&k, static_cast<uint64_t>(id.queue_offset));
  return k;
}
// The first key past every marker of `source`.
inline std::string MarkerEndKey(uint8_t source) {
  std::string k(kMarkerPrefix);
  k.push_back(static_cast<char>(source));
  k.append(8, '\xff');
  return k;
}

// "delay/cancelled/" u8 source, BE64 queue offset -> BE64 due ms: a cancelled
// entry, kept after its marker is compacted so that a repeated cancel still
// answers CANCELLED; pruned once the due time is roll_after_ms in the past.
inline constexpr std::string_view kCancelledPrefix = "delay/cancelled/";

inline std::string CancelledKey(EntryId id) {
  std::string k(kCancelledPrefix);
  k.push_back(static_cast<char>(id.source));
  AppendBE64(&k, static_cast<uint64_t>(id.queue_offset));
  return k;
}

// ---- CANCEL_SCHEDULED_MESSAGE -------------------------------------------------------------

// TernMQ request codes live in 5000..5099 (no RocketMQ code is there).
inline constexpr int32_t kCancelScheduledMessage = 5001;
// Request header fields.
inline constexpr std::string_view kCancelTopicField = "topic";
inline constexpr std::string_view kCancelUniqKeyField = "uniqKey";
// Response field "result": one of the values below (response code SUCCESS).
inline constexpr std::string_view kCancelResultField = "result";
inline constexpr std::string_view kResultCancelled = "CANCELLED";
inline constexpr std::string_view kResultAlreadyDelivered = "ALREADY_DELIVERED";
inline constexpr std::string_view kResultNotFound = "NOT_FOUND";

}  // namespace tern::delay
