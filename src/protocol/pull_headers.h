// Typed headers of PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361)
// (shared/spec/requests.md §B.2), with the PullSysFlag bits.
//
// Conversions as in send_headers.h: decimal strings, Java booleans, missing
// required field or malformed number -> InvalidArgument naming the field.
// Plain value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "src/base/status.h"
#include "src/protocol/header_fields.h"

namespace tern::protocol {

// PullSysFlag bits.
inline constexpr int32_t kPullFlagCommitOffset = 0x1;
inline constexpr int32_t kPullFlagSuspend = 0x2;
inline constexpr int32_t kPullFlagSubscription = 0x4;
inline constexpr int32_t kPullFlagClassFilter = 0x8;
inline constexpr int32_t kPullFlagLitePull = 0x10;

inline constexpr bool HasCommitOffsetFlag(int32_t f) { return (f & kPullFlagCommitOffset) != 0; }
inline constexpr bool HasSuspendFlag(int32_t f) { return (f & kPullFlagSuspend) != 0; }
inline constexpr bool HasSubscriptionFlag(int32_t f) { return (f & kPullFlagSubscription) != 0; }
inline constexpr bool HasClassFilterFlag(int32_t f) { return (f & kPullFlagClassFilter) != 0; }
inline constexpr bool HasLitePullFlag(int32_t f) { return (f & kPullFlagLitePull) != 0; }

struct PullMessageRequestHeader {
  std::string consumer_group;
  std::string topic;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  int32_t max_msg_nums = 32;
  int32_t sys_flag = 0;
  int64_t commit_offset = 0;
  int64_t suspend_timeout_millis = 0;
  std::optional<std::string> subscription;  // with kPullFlagSubscription
  int64_t sub_version = 0;
  std::optional<std::string> expression_type;  // "TAG" (default) or "SQL92"
  std::optional<int32_t> max_msg_bytes;        // 5.x
  std::optional<std::string> broker_name;      // "bname"

  bool operator==(const PullMessageRequestHeader&) const = default;

  static Result<PullMessageRequestHeader> Parse(const HeaderFields& fields);
  void Encode(HeaderFields* fields) const;
};

struct PullMessageResponseHeader {
  int64_t suggest_which_broker_id = 0;
  int64_t next_begin_offset = 0;
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  // 5.x, written only when set.
  std::optional<int64_t> offset_delta;
  std::optional<int32_t> topic_sys_flag;
  std::optional<int32_t> group_sys_flag;
  std::optional<int32_t> forbidden_type;

  bool operator==(const PullMessageResponseHeader&) const = default;

  // The four required fields always (quirks Q11: on codes 0/19/20/21).
  void Encode(HeaderFields* fields) const;
  static Result<PullMessageResponseHeader> Parse(const HeaderFields& fields);
};

}  // namespace tern::protocol
