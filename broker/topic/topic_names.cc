#include "broker/topic/topic_names.h"

#include <array>

#include <fmt/format.h>

namespace tern::topic {

std::string RetryTopic(std::string_view group) {
  std::string t(kRetryGroupTopicPrefix);
  t.append(group);
  return t;
}

std::string DlqTopic(std::string_view group) {
  std::string t(kDlqGroupTopicPrefix);
  t.append(group);
  return t;
}

bool HasOnlyLegalNameChars(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '%' || c == '|' || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

namespace {
bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
  }
  return true;
}
}  // namespace

Status ValidateTopicName(std::string_view topic) {
  if (IsBlank(topic)) return Status::InvalidArgument("The specified topic is blank.");
  if (!HasOnlyLegalNameChars(topic)) {
    return Status::InvalidArgument(fmt::format(
        "The specified topic[{}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$",
        topic));
  }
  const size_t max = (IsRetryTopic(topic) || IsDlqTopic(topic)) ? kRetryDlqTopicMaxLength
                                                                   : kTopicMaxLength;
  if (topic.size() > max) {
    return Status::InvalidArgument(
        fmt::format("The specified topic is longer than topic max length {}.", max));
  }
  return Status::Ok();
}

Status ValidateGroupName(std::string_view group) {
  if (IsBlank(group)) return Status::InvalidArgument("The specified group is blank.");
  if (!HasOnlyLegalNameChars(group)) {
    return Status::InvalidArgument(fmt::format(
        "The specified group[{}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$",
        group));
  }
  if (group.size() > kGroupMaxLength) {
    return Status::InvalidArgument(
        fmt::format("The specified group is longer than group max length {}.", kGroupMaxLength));
  }
  return Status::Ok();
}

bool IsBuiltinSystemTopic(std::string_view topic) {
  static constexpr std::array<std::string_view, 9> kTopics = {
      kAutoCreateTopicKey, kScheduleTopic,   kBenchmarkTopic,     kTransHalfTopic,
      kTraceTopic,         kTransOpHalfTopic, kTransCheckMaxTimeTopic, kSelfTestTopic,
      kOffsetMovedEvent};
  for (std::string_view t : kTopics) {
    if (t == topic) return true;
  }
  return topic.starts_with(kSystemTopicPrefix);
}

bool IsNotAllowedSendTopic(std::string_view topic) {
  return topic == kScheduleTopic || topic == kTransHalfTopic || topic == kTransOpHalfTopic ||
         topic == kTransCheckMaxTimeTopic || topic == kSelfTestTopic ||
         topic == kOffsetMovedEvent;
}

bool IsSystemConsumerGroup(std::string_view group) {
  return group.starts_with("CID_RMQ_SYS_") || group == "TOOLS_CONSUMER" ||
         group == "FILTERSRV_CONSUMER" || group == "__MONITOR_CONSUMER" ||
         group == "SCHEDULE_CONSUMER" || group == "SELF_TEST_C_GROUP" ||
         group == "CID_ONS-HTTP-PROXY" || group == "CID_ONSAPI_PULL" ||
         group == "CID_ONSAPI_PERMISSION" || group == "CID_ONSAPI_OWNER";
}

}  // namespace tern::topic
