// Topic and group names the broker treats specially (shared/spec/features.md
// §1.2, message-format.md §11): system topics, the auto-create template
// TBW102, retry / dead-letter topics, and the name validation rules.
// Pure functions and constants; any thread.
#pragma once

#include <string>
#include <string_view>

#include "src/base/status.h"

namespace tern::topic {

inline constexpr std::string_view kAutoCreateTopicKey = "TBW102";
inline constexpr std::string_view kSelfTestTopic = "SELF_TEST_TOPIC";
inline constexpr std::string_view kBenchmarkTopic = "BenchmarkTest";
inline constexpr std::string_view kOffsetMovedEvent = "OFFSET_MOVED_EVENT";
inline constexpr std::string_view kScheduleTopic = "SCHEDULE_TOPIC_XXXX";
inline constexpr std::string_view kTransHalfTopic = "RMQ_SYS_TRANS_HALF_TOPIC";
inline constexpr std::string_view kTransOpHalfTopic = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
inline constexpr std::string_view kTransCheckMaxTimeTopic = "TRANS_CHECK_MAX_TIME_TOPIC";
inline constexpr std::string_view kTraceTopic = "RMQ_SYS_TRACE_TOPIC";
inline constexpr std::string_view kReplyTopicSuffix = "_REPLY_TOPIC";
inline constexpr std::string_view kSystemTopicPrefix = "rmq_sys_";
inline constexpr std::string_view kRetryGroupTopicPrefix = "%RETRY%";
inline constexpr std::string_view kDlqGroupTopicPrefix = "%DLQ%";
// Queues of SCHEDULE_TOPIC_XXXX: one per delay level.
inline constexpr int kScheduleQueueNums = 18;

// Longest ordinary topic (V1 record magic, 1-byte length) and longest
// %RETRY% / %DLQ% topic (5.x; stored with the V2 magic).
inline constexpr size_t kTopicMaxLength = 127;
inline constexpr size_t kRetryDlqTopicMaxLength = 255;
inline constexpr size_t kGroupMaxLength = 255;

inline bool IsRetryTopic(std::string_view t) { return t.starts_with(kRetryGroupTopicPrefix); }
inline bool IsDlqTopic(std::string_view t) { return t.starts_with(kDlqGroupTopicPrefix); }
std::string RetryTopic(std::string_view group);
std::string DlqTopic(std::string_view group);

// Java TopicValidator: non-blank, only [%|a-zA-Z0-9_-], at most 127 chars
// (255 for %RETRY% / %DLQ% topics). InvalidArgument with Java's wording.
Status ValidateTopicName(std::string_view topic);
// Same character rule for consumer / producer group names, at most 255 chars.
Status ValidateGroupName(std::string_view group);
// True iff every char is one of [%|a-zA-Z0-9_-] (and the name is non-empty).
bool HasOnlyLegalNameChars(std::string_view name);

// The built-in system topics (TBW102, SCHEDULE_TOPIC_XXXX, BenchmarkTest,
// the transaction and trace topics, SELF_TEST_TOPIC, OFFSET_MOVED_EVENT)
// and anything starting with "rmq_sys_". The broker additionally treats its
// cluster-name and broker-name topics as system topics
// (TopicConfigManager::IsSystemTopic).
bool IsBuiltinSystemTopic(std::string_view topic);
// Topics no producer may send to (NO_PERMISSION "Sending message to topic[..] is forbidden.").
bool IsNotAllowedSendTopic(std::string_view topic);

// Consumer / producer groups the broker uses itself or treats as system groups.
bool IsSystemConsumerGroup(std::string_view group);

}  // namespace tern::topic
