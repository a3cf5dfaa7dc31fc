// Turning a scheduled record back into messages: the delivered original
// (real topic and queue, original properties) and the rolled-forward copy.
// Also the small codecs the service needs to identify entries.
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/delay/delay_format.h"
#include "broker/processor/send_processor.h"
#include "src/base/status.h"
#include "src/protocol/message_codec.h"

namespace tern::delay {

// The source a schedule record belongs to: SCHEDULE_TOPIC_XXXX queue q -> q,
// the timer topic's queue 0 -> kTimerSource; nullopt for anything else.
std::optional<uint8_t> SourceOf(std::string_view topic, QueueId queue_id, size_t level_count);

// The entry a scheduled record is (its source and its own queue offset).
std::optional<EntryId> EntryIdOf(const protocol::MessageRecord& scheduled, size_t level_count);

// When a scheduled record is due: store time + level delay (DELAY clamped to
// the table) on SCHEDULE_TOPIC_XXXX, TIMER_OUT_MS on the timer topic.
// InvalidArgument when neither can be read.
Result<int64_t> DueTimeOf(const protocol::MessageRecord& scheduled,
                          const std::vector<int64_t>& delay_levels_ms);

// When the wheel should look at an entry: its due time, or, when that is more
// than roll_after_ms past the copy's store time, the moment the copy must be
// rolled forward.
inline int64_t FireTimeOf(int64_t due_ms, int64_t copy_store_ms, int64_t roll_after_ms) {
  return due_ms - copy_store_ms > roll_after_ms ? copy_store_ms + roll_after_ms : due_ms;
}

// "<source>:<queue offset>" (kEntryProperty) and back.
std::string FormatEntry(EntryId id);
std::optional<EntryId> ParseEntry(std::string_view text);

// The original message: topic = REAL_TOPIC, queue = REAL_QID, same body,
// flag, sysFlag, born data and reconsume times; DELAY, TIMER_* and
// __STARTDELIVERTIME removed; REAL_TOPIC/REAL_QID removed for timer records
// and kept for level records (as RocketMQ 4.x and 5.x do); kEntryProperty set
// to `id`. InvalidArgument when REAL_TOPIC/REAL_QID are missing or bad.
Result<processor::OutgoingMessage> BuildDelivery(const protocol::MessageRecord& scheduled,
                                                 EntryId id);

// A fresh copy on the timer topic, due at `due_ms` (TIMER_OUT_MS), with
// TIMER_ROLL_TIMES incremented, DELAY removed and kEntryProperty = `id` (the
// entry it replaces).
processor::OutgoingMessage BuildRoll(const protocol::MessageRecord& scheduled, int64_t due_ms,
                                     EntryId id);

}  // namespace tern::delay
