#include "broker/delay/message_rebuild.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "src/base/properties.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_properties.h"

namespace tern::delay {
namespace {

namespace PK = protocol::PropertyKey;

processor::OutgoingMessage CopyFields(const protocol::MessageRecord& r) {
  processor::OutgoingMessage m;
  m.flag = r.flag;
  // The v6 bits are recomputed from the hosts when the record is encoded.
  m.sys_flag = r.sys_flag & ~(protocol::MessageSysFlag::kBornHostV6 |
                              protocol::MessageSysFlag::kStoreHostV6);
  m.born_timestamp = r.born_timestamp;
  m.born_host = r.born_host;
  m.reconsume_times = r.reconsume_times;
  m.body = std::string(r.body);
  return m;
}

void RemoveScheduleProperties(protocol::MessageProperties* props) {
  for (std::string_view k : {PK::kDelayTimeLevel, PK::kTimerDeliverMs, PK::kTimerDelaySec,
                             PK::kTimerDelayMs, PK::kTimerOutMs, PK::kStartDeliverTime,
                             PK::kTimerRollTimes, kEntryProperty}) {
    props->Remove(k);
  }
}

}  // namespace

std::optional<uint8_t> SourceOf(std::string_view topic, QueueId queue_id, size_t level_count) {
  if (topic == kScheduleTopic) {
    if (queue_id.value() < 0 || static_cast<size_t>(queue_id.value()) >= level_count) {
      return std::nullopt;
    }
    return static_cast<uint8_t>(queue_id.value());
  }
  if (topic == kTimerTopic && queue_id.value() == kTimerQueueId) return kTimerSource;
  return std::nullopt;
}

std::optional<EntryId> EntryIdOf(const protocol::MessageRecord& scheduled, size_t level_count) {
  auto source = SourceOf(scheduled.topic, scheduled.queue_id, level_count);
  if (!source) return std::nullopt;
  return EntryId{*source, scheduled.queue_offset.value()};
}

Result<int64_t> DueTimeOf(const protocol::MessageRecord& scheduled,
                          const std::vector<int64_t>& delay_levels_ms) {
  if (scheduled.topic == kScheduleTopic) {
    auto text = protocol::FindProperty(scheduled.properties, PK::kDelayTimeLevel);
    auto level = text ? ParseInt64(*text) : Result<int64_t>(Status::InvalidArgument("no DELAY"));
    if (!level.ok() || *level <= 0 || delay_levels_ms.empty()) {
      return Status::InvalidArgument("schedule record without a valid DELAY level");
    }
    const size_t idx = static_cast<size_t>(
        std::min<int64_t>(*level, static_cast<int64_t>(delay_levels_ms.size())) - 1);
    return scheduled.store_timestamp + delay_levels_ms[idx];
  }
  auto text = protocol::FindProperty(scheduled.properties, PK::kTimerOutMs);
  if (!text) return Status::InvalidArgument("timer record without TIMER_OUT_MS");
  auto due = ParseInt64(*text);
  if (!due.ok()) return due.status().WithContext("TIMER_OUT_MS");
  return *due;
}

std::string FormatEntry(EntryId id) { return fmt::format("{}:{}", id.source, id.queue_offset); }

std::optional<EntryId> ParseEntry(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  unsigned source = 0;
  int64_t offset = 0;
  auto a = std::from_chars(text.data(), text.data() + colon, source);
  auto b = std::from_chars(text.data() + colon + 1, text.data() + text.size(), offset);
  if (a.ec != std::errc() || a.ptr != text.data() + colon || b.ec != std::errc() ||
      b.ptr != text.data() + text.size() || source > 0xFF || offset < 0) {
    return std::nullopt;
  }
  return EntryId{static_cast<uint8_t>(source), offset};
}

Result<processor::OutgoingMessage> BuildDelivery(const protocol::MessageRecord& scheduled,
                                                 EntryId id) {
  protocol::MessageProperties props = protocol::MessageProperties::Parse(scheduled.properties);
  auto real_topic = props.Get(PK::kRealTopic);
  auto real_qid = props.Get(PK::kRealQueueId);
  if (!real_topic || !real_qid) {
    return Status::InvalidArgument("scheduled record without REAL_TOPIC / REAL_QID");
  }
  auto qid = ParseInt64(*real_qid);
  if (!qid.ok() || *qid < 0 || *qid > INT32_MAX) {
    return Status::InvalidArgument(fmt::format("bad REAL_QID '{}'", *real_qid));
  }
  processor::OutgoingMessage m = CopyFields(scheduled);
  m.topic = std::string(*real_topic);
  m.queue_id = QueueId(static_cast<int32_t>(*qid));
  RemoveScheduleProperties(&props);
  if (scheduled.topic != kScheduleTopic) {  // timer form (5.x): REAL_* removed
    props.Remove(PK::kRealTopic);
    props.Remove(PK::kRealQueueId);
  }
  props.Set(kEntryProperty, FormatEntry(id));
  m.properties = props.Serialize();
  return m;
}

processor::OutgoingMessage BuildRoll(const protocol::MessageRecord& scheduled, int64_t due_ms,
                                     EntryId id) {
  protocol::MessageProperties props = protocol::MessageProperties::Parse(scheduled.properties);
  int64_t rolls = 0;
  if (auto t = props.Get(PK::kTimerRollTimes)) {
    auto v = ParseInt64(*t);
    if (v.ok()) rolls = *v;
  }
  props.Remove(PK::kDelayTimeLevel);
  props.Set(PK::kTimerOutMs, std::to_string(due_ms));
  props.Set(PK::kTimerRollTimes, std::to_string(rolls + 1));
  props.Set(kEntryProperty, FormatEntry(id));
  processor::OutgoingMessage m = CopyFields(scheduled);
  m.topic = std::string(kTimerTopic);
  m.queue_id = QueueId(kTimerQueueId);
  m.properties = props.Serialize();
  return m;
}

}  // namespace tern::delay
