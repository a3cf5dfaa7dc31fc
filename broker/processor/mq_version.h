// Java MQVersion names for the `version` ordinals clients send
// (shared/spec/remoting.md §7), for remarks such as "version=V3_0_6". Any thread.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>

namespace tern::processor {

// V3_0_7_SNAPSHOT: clients below it cannot take RESET_CONSUMER_CLIENT_OFFSET
// or GET_CONSUMER_STATUS_FROM_CLIENT.
inline constexpr int32_t kVersionV3_0_7_Snapshot = 28;
// V3_1_8_SNAPSHOT: clients below it cannot answer GET_CONSUMER_RUNNING_INFO
// or CONSUME_MESSAGE_DIRECTLY.
inline constexpr int32_t kVersionV3_1_8_Snapshot = 62;

// "V4_9_4", "V5_0_0_SNAPSHOT"; ordinals of the irregular 3.x region as
// "version <n>".
inline std::string MqVersionDesc(int32_t ordinal) {
  constexpr int32_t kV4_0_0_Snapshot = 212;
  if (ordinal < kV4_0_0_Snapshot) return fmt::format("version {}", ordinal);
  const int32_t n = (ordinal - kV4_0_0_Snapshot) / 2;  // (a-4)*100 + b*10 + c
  const bool snapshot = (ordinal - kV4_0_0_Snapshot) % 2 == 0;
  return fmt::format("V{}_{}_{}{}", 4 + n / 100, (n / 10) % 10, n % 10,
                     snapshot ? "_SNAPSHOT" : "");
}

}  // namespace tern::processor
