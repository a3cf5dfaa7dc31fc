#include "broker/retry/send_back.h"

#include "broker/topic/topic_names.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/perm.h"

namespace tern::retry {

namespace PK = protocol::PropertyKey;

int32_t MaxReconsumeTimes(int32_t group_retry_max_times, int32_t request_version,
                          std::optional<int32_t> header_max_reconsume_times) {
  if (request_version >= kVersionV3_4_9 && header_max_reconsume_times) {
    return *header_max_reconsume_times;
  }
  return group_retry_max_times;
}

Result<protocol::TopicConfig> EnsureDlqTopic(topic::TopicConfigManager& topics,
                                             std::string_view group) {
  return topics.CreateTopicInSendMessageBackMethod(topic::DlqTopic(group), kDlqQueueNums,
                                                   protocol::kPermReadWrite, 0);
}

Result<SendBackRequestHeader> SendBackRequestHeader::Parse(const protocol::HeaderFields& f) {
  SendBackRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.offset, protocol::HeaderRequiredInt64(f, "offset"));
  TERN_ASSIGN_OR_RETURN(h.group, protocol::HeaderRequiredString(f, "group"));
  TERN_ASSIGN_OR_RETURN(h.delay_level, protocol::HeaderRequiredInt32(f, "delayLevel"));
  h.origin_msg_id = protocol::HeaderOptionalString(f, "originMsgId");
  h.origin_topic = protocol::HeaderOptionalString(f, "originTopic");
  h.unit_mode = protocol::HeaderBool(f, "unitMode", false);
  TERN_ASSIGN_OR_RETURN(h.max_reconsume_times,
                        protocol::HeaderOptionalInt32(f, "maxReconsumeTimes"));
  h.broker_name = protocol::HeaderOptionalString(f, "bname");
  return h;
}

void SendBackRequestHeader::Encode(protocol::HeaderFields* f) const {
  (*f)["offset"] = std::to_string(offset);
  (*f)["group"] = group;
  (*f)["delayLevel"] = std::to_string(delay_level);
  if (origin_msg_id) (*f)["originMsgId"] = *origin_msg_id;
  if (origin_topic) (*f)["originTopic"] = *origin_topic;
  (*f)["unitMode"] = unit_mode ? "true" : "false";
  if (max_reconsume_times) (*f)["maxReconsumeTimes"] = std::to_string(*max_reconsume_times);
  if (broker_name) (*f)["bname"] = *broker_name;
}

SendBackPlan PlanSendBack(int32_t reconsume_times, int32_t max_reconsume_times,
                          int32_t delay_level) {
  SendBackPlan plan;
  if (delay_level < 0 || ReconsumeExhausted(reconsume_times, max_reconsume_times)) {
    plan.dead_letter = true;
    plan.delay_level = 0;
    return plan;
  }
  plan.delay_level = delay_level == 0 ? kFirstRetryLevel + reconsume_times : delay_level;
  return plan;
}

SendBackMessage BuildSendBackMessage(const protocol::MessageRecord& original,
                                     std::string_view original_offset_msg_id,
                                     std::string_view group, const SendBackPlan& plan,
                                     QueueId queue_id) {
  protocol::MessageProperties props = protocol::MessageProperties::Parse(original.properties);
  if (!props.Has(PK::kRetryTopic)) props.Set(PK::kRetryTopic, original.topic);
  // Set once: the first failure's offset msgId identifies the message for good.
  std::optional<std::string_view> origin = props.Get(PK::kOriginMessageId);
  if (!origin || origin->empty()) props.Set(PK::kOriginMessageId, original_offset_msg_id);
  props.Set(PK::kWaitStoreMsgOk, "false");
  props.Set(PK::kDelayTimeLevel, std::to_string(plan.delay_level));

  SendBackMessage msg;
  msg.topic = plan.dead_letter ? topic::DlqTopic(group) : topic::RetryTopic(group);
  msg.queue_id = queue_id;
  msg.flag = original.flag;
  msg.sys_flag = original.sys_flag;
  msg.born_timestamp = original.born_timestamp;
  msg.born_host = original.born_host;
  msg.reconsume_times = original.reconsume_times + 1;
  msg.body = std::string(original.body);
  msg.properties = props.Serialize();
  return msg;
}

}  // namespace tern::retry
