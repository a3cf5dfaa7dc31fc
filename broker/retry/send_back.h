// Consumption retry and dead-letter rules (shared/spec/features.md §3,
// requests.md §B.1 step 6 and §B.11; quirks Q31, Q32), as pure functions:
//
//   * MaxReconsumeTimes / ReconsumeExhausted: when a message has failed often
//     enough to go to the group's dead-letter topic. Shared by
//     CONSUMER_SEND_MSG_BACK and by SEND_MESSAGE to a %RETRY% topic.
//   * EnsureDlqTopic: %DLQ%<group>, created on demand (1 queue, RW: Q32).
//   * SendBackRequestHeader: the CONSUMER_SEND_MSG_BACK header.
//   * BuildSendBackMessage: the copy of a consumed record that goes back to
//     %RETRY%<group> (with DELAY = level, for the delay service) or to
//     %DLQ%<group> (DELAY = 0), as RocketMQ 4.9's
//     SendMessageProcessor.asyncConsumerSendMsgBack builds it.
//
// Pure functions over values, except EnsureDlqTopic (a durable topic write
// on the calling thread, the first time only). Any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "broker/topic/topic_config_manager.h"
#include "src/base/status.h"
#include "src/base/strong_id.h"
#include "src/protocol/header_fields.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/topic_config.h"

namespace tern::retry {

// MQVersion V3_4_9: from this request version on, a header's
// maxReconsumeTimes replaces the group's retryMaxTimes (Q31).
inline constexpr int32_t kVersionV3_4_9 = 121;
// MixAll.DLQ_NUMS_PER_GROUP: a dead-letter topic has one queue.
inline constexpr int32_t kDlqQueueNums = 1;
// delayLevel 0 in a send-back means "kFirstRetryLevel + reconsumeTimes"
// (10 s, 30 s, 1 m, ... with the default levels).
inline constexpr int32_t kFirstRetryLevel = 3;

// The group's retryMaxTimes, or the request's maxReconsumeTimes when the
// request version is >= V3_4_9 and the header carries it.
int32_t MaxReconsumeTimes(int32_t group_retry_max_times, int32_t request_version,
                          std::optional<int32_t> header_max_reconsume_times);

// RocketMQ 4.9: a message that has been reconsumed `max` times or more goes
// to the dead-letter topic (5.x uses `>`).
inline bool ReconsumeExhausted(int32_t reconsume_times, int32_t max_reconsume_times) {
  return reconsume_times >= max_reconsume_times;
}

// %DLQ%<group>: the existing config, or a new one with one read/write queue
// (4.9+; <= 4.8 made it write-only, Q32). Registered with the nameservers by
// the topic manager's change listener.
Result<protocol::TopicConfig> EnsureDlqTopic(topic::TopicConfigManager& topics,
                                             std::string_view group);

// CONSUMER_SEND_MSG_BACK (36) request header (requests.md §B.11).
struct SendBackRequestHeader {
  int64_t offset = 0;  // commit-log offset of the consumed record (Q31)
  std::string group;
  int32_t delay_level = 0;  // 0: broker decides; < 0: dead-letter now; n: level n
  std::optional<std::string> origin_msg_id;
  std::optional<std::string> origin_topic;
  bool unit_mode = false;
  std::optional<int32_t> max_reconsume_times;
  std::optional<std::string> broker_name;  // "bname"

  // offset, group and delayLevel are required; InvalidArgument naming a
  // missing or malformed field.
  static Result<SendBackRequestHeader> Parse(const protocol::HeaderFields& fields);
  void Encode(protocol::HeaderFields* fields) const;
};

// Where a send-back goes and with which delay level.
struct SendBackPlan {
  bool dead_letter = false;
  int32_t delay_level = 0;  // DELAY property of the copy; 0 for the dead-letter topic
};

// delayLevel < 0 or reconsumeTimes >= max: dead letter (level 0); else level
// `delay_level`, or kFirstRetryLevel + reconsumeTimes when it is 0. The
// level is not clamped here: the delay service clamps to its last level.
SendBackPlan PlanSendBack(int32_t reconsume_times, int32_t max_reconsume_times,
                          int32_t delay_level);

// The record to store for a send-back, owning its strings.
struct SendBackMessage {
  std::string topic;  // %RETRY%<group> or %DLQ%<group>
  QueueId queue_id{0};
  int32_t flag = 0;
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  protocol::HostAddress born_host;
  int32_t reconsume_times = 0;
  std::string body;
  std::string properties;  // serialized
};

// The copy of `original` (a decoded stored record) for `plan`: same body,
// flag, sysFlag, born time and host, every property, plus
//   RETRY_TOPIC        = the record's topic, if not set yet (the client
//                        restores the topic from it on delivery)
//   ORIGIN_MESSAGE_ID  = the existing value, else `original_offset_msg_id`
//   WAIT               = false
//   DELAY              = plan.delay_level
// and reconsumeTimes + 1. `queue_id` is the target queue (random among the
// retry queues; 0 for the dead-letter topic, which the caller passes).
SendBackMessage BuildSendBackMessage(const protocol::MessageRecord& original,
                                     std::string_view original_offset_msg_id,
                                     std::string_view group, const SendBackPlan& plan,
                                     QueueId queue_id);

}  // namespace tern::retry
