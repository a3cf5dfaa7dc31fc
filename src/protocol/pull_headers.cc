#include "src/protocol/pull_headers.h"

namespace tern::protocol {

Result<PullMessageRequestHeader> PullMessageRequestHeader::Parse(const HeaderFields& f) {
  PullMessageRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.consumer_group, HeaderRequiredString(f, "consumerGroup"));
  TERN_ASSIGN_OR_RETURN(h.topic, HeaderRequiredString(f, "topic"));
  TERN_ASSIGN_OR_RETURN(h.queue_id, HeaderRequiredInt32(f, "queueId"));
  TERN_ASSIGN_OR_RETURN(h.queue_offset, HeaderRequiredInt64(f, "queueOffset"));
  TERN_ASSIGN_OR_RETURN(h.max_msg_nums, HeaderRequiredInt32(f, "maxMsgNums"));
  TERN_ASSIGN_OR_RETURN(h.sys_flag, HeaderRequiredInt32(f, "sysFlag"));
  TERN_ASSIGN_OR_RETURN(h.commit_offset, HeaderRequiredInt64(f, "commitOffset"));
  TERN_ASSIGN_OR_RETURN(h.suspend_timeout_millis, HeaderRequiredInt64(f, "suspendTimeoutMillis"));
  h.subscription = HeaderOptionalString(f, "subscription");
  TERN_ASSIGN_OR_RETURN(h.sub_version, HeaderRequiredInt64(f, "subVersion"));
  h.expression_type = HeaderOptionalString(f, "expressionType");
  TERN_ASSIGN_OR_RETURN(h.max_msg_bytes, HeaderOptionalInt32(f, "maxMsgBytes"));
  h.broker_name = HeaderOptionalString(f, "bname");
  return h;
}

void PullMessageRequestHeader::Encode(HeaderFields* f) const {
  (*f)["consumerGroup"] = consumer_group;
  (*f)["topic"] = topic;
  (*f)["queueId"] = std::to_string(queue_id);
  (*f)["queueOffset"] = std::to_string(queue_offset);
  (*f)["maxMsgNums"] = std::to_string(max_msg_nums);
  (*f)["sysFlag"] = std::to_string(sys_flag);
  (*f)["commitOffset"] = std::to_string(commit_offset);
  (*f)["suspendTimeoutMillis"] = std::to_string(suspend_timeout_millis);
  if (subscription) (*f)["subscription"] = *subscription;
  (*f)["subVersion"] = std::to_string(sub_version);
  if (expression_type) (*f)["expressionType"] = *expression_type;
  if (max_msg_bytes) (*f)["maxMsgBytes"] = std::to_string(*max_msg_bytes);
  if (broker_name) (*f)["bname"] = *broker_name;
}

void PullMessageResponseHeader::Encode(HeaderFields* f) const {
  (*f)["suggestWhichBrokerId"] = std::to_string(suggest_which_broker_id);
  (*f)["nextBeginOffset"] = std::to_string(next_begin_offset);
  (*f)["minOffset"] = std::to_string(min_offset);
  (*f)["maxOffset"] = std::to_string(max_offset);
  if (offset_delta) (*f)["offsetDelta"] = std::to_string(*offset_delta);
  if (topic_sys_flag) (*f)["topicSysFlag"] = std::to_string(*topic_sys_flag);
  if (group_sys_flag) (*f)["groupSysFlag"] = std::to_string(*group_sys_flag);
  if (forbidden_type) (*f)["forbiddenType"] = std::to_string(*forbidden_type);
}

Result<PullMessageResponseHeader> PullMessageResponseHeader::Parse(const HeaderFields& f) {
  PullMessageResponseHeader h;
  TERN_ASSIGN_OR_RETURN(h.suggest_which_broker_id, HeaderRequiredInt64(f, "suggestWhichBrokerId"));
  TERN_ASSIGN_OR_RETURN(h.next_begin_offset, HeaderRequiredInt64(f, "nextBeginOffset"));
  TERN_ASSIGN_OR_RETURN(h.min_offset, HeaderRequiredInt64(f, "minOffset"));
  TERN_ASSIGN_OR_RETURN(h.max_offset, HeaderRequiredInt64(f, "maxOffset"));
  TERN_ASSIGN_OR_RETURN(h.offset_delta, HeaderOptionalInt64(f, "offsetDelta"));
  TERN_ASSIGN_OR_RETURN(h.topic_sys_flag, HeaderOptionalInt32(f, "topicSysFlag"));
  TERN_ASSIGN_OR_RETURN(h.group_sys_flag, HeaderOptionalInt32(f, "groupSysFlag"));
  TERN_ASSIGN_OR_RETURN(h.forbidden_type, HeaderOptionalInt32(f, "forbiddenType"));
  return h;
}

}  // namespace tern::protocol
