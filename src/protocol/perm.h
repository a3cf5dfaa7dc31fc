// Permission bits and topic system flags (shared/spec/features.md §1.1).
//
// Used on topic configs, on QueueData in routes and on a broker's own
// `brokerPermission`. Values are fixed by the wire protocol.
#pragma once

#include <cstdint>

namespace tern::protocol {

inline constexpr int32_t kPermPriority = 0x8;  // unused
inline constexpr int32_t kPermRead = 0x4;      // consumers may pull
inline constexpr int32_t kPermWrite = 0x2;     // producers may send
inline constexpr int32_t kPermInherit = 0x1;   // template for auto-creation (TBW102)
inline constexpr int32_t kPermReadWrite = kPermRead | kPermWrite;

inline constexpr bool IsReadable(int32_t perm) { return (perm & kPermRead) != 0; }
inline constexpr bool IsWriteable(int32_t perm) { return (perm & kPermWrite) != 0; }
inline constexpr bool IsInherited(int32_t perm) { return (perm & kPermInherit) != 0; }

// TopicSysFlag bits (unit mode, Alibaba-internal; routes carry them as-is).
inline constexpr int32_t kTopicSysFlagUnit = 0x1;
inline constexpr int32_t kTopicSysFlagUnitSub = 0x2;

inline constexpr bool HasUnitFlag(int32_t sys_flag) { return (sys_flag & kTopicSysFlagUnit) != 0; }
inline constexpr bool HasUnitSubFlag(int32_t sys_flag) {
  return (sys_flag & kTopicSysFlagUnitSub) != 0;
}

// Broker id of a master in BrokerData.brokerAddrs.
inline constexpr int64_t kMasterId = 0;

}  // namespace tern::protocol
