#include "broker/delay/schedule_interceptor.h"

#include <fmt/format.h>

#include <limits>

#include "broker/delay/delay_format.h"
#include "src/base/check.h"
#include "src/base/properties.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_properties.h"

namespace tern::delay {
namespace {

namespace PK = protocol::PropertyKey;

// Every request property of the timer interface, in precedence order
// (features.md §6: DELAY_SEC, then DELAY_MS, then DELIVER_MS; then the
// ali-ons absolute time, Q33).
constexpr std::string_view kTimerRequestKeys[] = {PK::kTimerDelaySec, PK::kTimerDelayMs,
                                                  PK::kTimerDeliverMs, PK::kStartDeliverTime};

bool IsInteresting(std::string_view name) {
  if (name == PK::kDelayTimeLevel || name == PK::kTimerOutMs || name == kEntryProperty) return true;
  for (std::string_view k : kTimerRequestKeys) {
    if (name == k) return true;
  }
  return false;
}

void RemoveTimerRequest(protocol::MessageProperties* props) {
  for (std::string_view k : kTimerRequestKeys) props->Remove(k);
}

InterceptResult Illegal(std::string remark) {
  InterceptResult r;
  r.kind = InterceptResult::Kind::kIllegal;
  r.remark = std::move(remark);
  return r;
}

void Reroute(protocol::MessageProperties* props, std::string* topic, QueueId* queue_id,
             std::string_view new_topic, int32_t new_queue) {
  props->Set(PK::kRealTopic, *topic);
  props->Set(PK::kRealQueueId, std::to_string(queue_id->value()));
  *topic = std::string(new_topic);
  *queue_id = QueueId(new_queue);
}

}  // namespace

ScheduleInterceptor::ScheduleInterceptor(const ScheduleOptions& options)
    : levels_(options.delay_levels_ms), max_delay_ms_(options.max_delay_ms) {
  TERN_CHECK(!levels_.empty() && static_cast<int>(levels_.size()) <= kMaxDelayLevels)
      << "messageDelayLevel must have 1.." << kMaxDelayLevels << " levels";
}

InterceptResult ScheduleInterceptor::Intercept(std::string* topic, QueueId* queue_id,
                                               std::string* properties, int64_t now_ms) const {
  // Fast path: one pass over the serialized string, no allocation.
  bool interesting = false;
  protocol::ForEachProperty(*properties, [&](std::string_view name, std::string_view) {
    interesting = interesting || IsInteresting(name);
  });
  if (!interesting || IsScheduleTopic(*topic)) return {};

  protocol::MessageProperties props = protocol::MessageProperties::Parse(*properties);
  InterceptResult result;
  // Our entry marker is never accepted from outside (crash recovery trusts it).
  bool changed = props.Remove(kEntryProperty);
  if (props.Has(PK::kTimerOutMs)) {  // RocketMQ: already a timer record; leave it alone
    if (changed) *properties = props.Serialize();
    return result;
  }

  if (auto level_text = props.Get(PK::kDelayTimeLevel)) {
    auto level = ParseInt64(*level_text);
    if (!level.ok()) {
      return Illegal(fmt::format("the message is illegal: property DELAY '{}' is not a delay level",
                                 *level_text));
    }
    if (*level > 0) {
      const int64_t max_level = static_cast<int64_t>(levels_.size());
      const int64_t clamped = std::min(*level, max_level);
      RemoveTimerRequest(&props);  // the level wins (features.md §6)
      props.Set(PK::kDelayTimeLevel, std::to_string(clamped));
      Reroute(&props, topic, queue_id, kScheduleTopic, static_cast<int32_t>(clamped - 1));
      *properties = props.Serialize();
      result.kind = InterceptResult::Kind::kScheduledLevel;
      result.due_ms = now_ms + levels_[static_cast<size_t>(clamped - 1)];
      return result;
    }
  }

  std::optional<int64_t> due;
  for (std::string_view key : kTimerRequestKeys) {
    auto text = props.Get(key);
    if (!text) continue;
    auto v = ParseInt64(*text);
    if (!v.ok()) {
      return Illegal(fmt::format("the message is illegal: property {} '{}' is not an integer",
                                 key, *text));
    }
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 4;
    if (key == PK::kTimerDelaySec) {
      if (*v > kMax / 1000 || *v < -kMax / 1000) {
        return Illegal(fmt::format("the message is illegal: {} {} is out of range", key, *v));
      }
      due = now_ms + *v * 1000;
    } else if (key == PK::kTimerDelayMs) {
      if (*v > kMax || *v < -kMax) {
        return Illegal(fmt::format("the message is illegal: {} {} is out of range", key, *v));
      }
      due = now_ms + *v;
    } else {
      due = *v;
    }
    break;
  }
  if (!due) {
    if (changed) *properties = props.Serialize();
    return result;  // DELAY <= 0 and no timer property
  }
  if (*due <= now_ms) {
    RemoveTimerRequest(&props);
    *properties = props.Serialize();
    result.kind = InterceptResult::Kind::kDeliverNow;
    result.due_ms = *due;
    return result;
  }
  if (*due - now_ms > max_delay_ms_) {
    return Illegal(fmt::format(
        "the message is illegal: delivery time {} is {} ms away, beyond the maximum delay of {} ms "
        "({} days)",
        *due, *due - now_ms, max_delay_ms_, max_delay_ms_ / (24 * 3600 * 1000)));
  }
  props.Set(PK::kTimerOutMs, std::to_string(*due));
  Reroute(&props, topic, queue_id, kTimerTopic, kTimerQueueId);
  *properties = props.Serialize();
  result.kind = InterceptResult::Kind::kScheduledTimer;
  result.due_ms = *due;
  return result;
}

processor::SendHookVerdict ScheduleInterceptor::OnSend(processor::OutgoingMessage& msg,
                                                       int64_t now_ms) const {
  InterceptResult r = Intercept(&msg.topic, &msg.queue_id, &msg.properties, now_ms);
  processor::SendHookVerdict verdict;
  if (r.kind == InterceptResult::Kind::kIllegal) {
    verdict.code = protocol::ResponseCode::kMessageIllegal;
    verdict.remark = std::move(r.remark);
  }
  return verdict;
}

std::function<processor::SendHookVerdict(processor::OutgoingMessage&)> MakeSendHook(
    const ScheduleInterceptor& interceptor, const Clock& clock) {
  return [&interceptor, &clock](processor::OutgoingMessage& msg) {
    return interceptor.OnSend(msg, clock.NowMs());
  };
}

}  // namespace tern::delay
