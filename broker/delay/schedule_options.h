// Settings of scheduled delivery (broker/delay). Plain struct; the wiring
// derives it from BrokerConfig (messageDelayLevel, the timer horizon).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "broker/store/reput.h"

namespace tern::delay {

struct ScheduleOptions {
  // messageDelayLevel in ms, level 1 first. MUST equal the store's
  // ReputOptions::delay_levels_ms (dispatch computes the SCHEDULE_TOPIC_XXXX
  // tagsCode from it). At most kMaxDelayLevels entries.
  std::vector<int64_t> delay_levels_ms = store::DefaultDelayLevelsMs();
  // Longest accepted timer delay (TernMQ default 40 days; RocketMQ 5's
  // timerMaxDelaySec is 3 days). Beyond it a send answers MESSAGE_ILLEGAL.
  int64_t max_delay_ms = 40LL * 24 * 3600 * 1000;
  // A scheduled copy older than this whose due time is still ahead is
  // re-appended ("rolled forward") so that CommitLog retention cannot delete
  // it. Must be well below fileReservedTime (72 h by default).
  int64_t roll_after_ms = 24LL * 3600 * 1000;

  // The wheel: `wheel_slots` buckets of `tick_ms` (a window of 81.92 s by
  // default); later entries wait in coarse overflow buckets.
  int64_t tick_ms = 10;
  int wheel_slots = 8192;

  // Service thread: how often it looks for new entries and due ones (the
  // arrival doorbell, ScheduleService::Wake, makes new entries immediate).
  int poll_interval_ms = 10;
  // Work per RunOnce, so that a backlog cannot starve cancels or checkpoints.
  int max_deliveries_per_run = 20000;
  int max_loads_per_run = 200000;
  // A failed append is retried after this long (RocketMQ: 100 ms).
  int64_t retry_delay_ms = 100;
  // The state is rewritten at least this often when only the journal
  // position moved (markers and low advances are written every run).
  int64_t checkpoint_interval_ms = 1000;
  // A cancel whose entry is between copies (rolled, the copy not yet
  // dispatched) is retried on later runs, at most this many times.
  int cancel_retry_runs = 300;

  // Tests only: called at named points ("after_appends", "before_checkpoint")
  // on the service thread, to crash a child process at an exact step.
  std::function<void(std::string_view point)> sync_point;
};

}  // namespace tern::delay
