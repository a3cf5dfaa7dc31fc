// ScheduleInterceptor: decides, on put, whether a message is scheduled and
// rewrites it (features.md §5, §6; quirks Q33). One mechanism for both
// interfaces:
//   * DELAY level 1..N (clamped to N; <= 0 = none) -> REAL_TOPIC/REAL_QID,
//     topic SCHEDULE_TOPIC_XXXX, queue level - 1 (RocketMQ 4.x layout);
//     timer properties on the same message are removed (the level wins).
//   * TIMER_DELAY_SEC, then TIMER_DELAY_MS (relative), then TIMER_DELIVER_MS,
//     then __STARTDELIVERTIME (absolute ms) -> REAL_TOPIC/REAL_QID,
//     TIMER_OUT_MS = due ms, topic rmq_sys_wheel_timer, queue 0.
//   * due <= now: delivered now (timer properties removed, topic unchanged);
//     due - now > max_delay_ms or an unparsable value: MESSAGE_ILLEGAL.
// Only NOT_TYPE / COMMIT records (callers check), never a message already on
// a schedule topic or carrying TIMER_OUT_MS (RocketMQ's rule).
//
// Pure logic over const settings: any thread. The send path uses it through
// SendHooks::schedule (MakeSendHook); retry back-off and committed
// transactions can call Intercept() on their own records.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker/delay/schedule_options.h"
#include "broker/processor/send_processor.h"
#include "src/base/clock.h"
#include "src/base/strong_id.h"

namespace tern::delay {

struct InterceptResult {
  enum class Kind : uint8_t {
    kUnchanged,       // no schedule property: store as is
    kScheduledLevel,  // rewritten to SCHEDULE_TOPIC_XXXX
    kScheduledTimer,  // rewritten to the timer topic
    kDeliverNow,      // a time already past: properties stripped, real topic
    kIllegal,         // refuse with MESSAGE_ILLEGAL and `remark`
  };
  Kind kind = Kind::kUnchanged;
  int64_t due_ms = 0;  // scheduled kinds
  std::string remark;  // kIllegal
};

class ScheduleInterceptor {
 public:
  explicit ScheduleInterceptor(const ScheduleOptions& options);

  // Rewrites (topic, queue_id, properties) in place as described above.
  // `properties` is a serialized properties string.
  InterceptResult Intercept(std::string* topic, QueueId* queue_id, std::string* properties,
                            int64_t now_ms) const;

  // Intercept() on an outgoing message; kIllegal -> MESSAGE_ILLEGAL.
  processor::SendHookVerdict OnSend(processor::OutgoingMessage& msg, int64_t now_ms) const;

  const std::vector<int64_t>& delay_levels_ms() const { return levels_; }
  int64_t max_delay_ms() const { return max_delay_ms_; }

 private:
  std::vector<int64_t> levels_;
  int64_t max_delay_ms_;
};

// A SendHooks::schedule that runs `interceptor` at `clock`'s time. Both must
// outlive the hook (the send processor).
std::function<processor::SendHookVerdict(processor::OutgoingMessage&)> MakeSendHook(
    const ScheduleInterceptor& interceptor, const Clock& clock);

}  // namespace tern::delay
