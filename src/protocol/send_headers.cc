#include "src/protocol/send_headers.h"

#include "src/protocol/codes.h"

namespace tern::protocol {
namespace {

// The wire names of each field, in V1 and V2 spelling.
struct SendFieldNames {
  const char* producer_group;
  const char* topic;
  const char* default_topic;
  const char* default_topic_queue_nums;
  const char* queue_id;
  const char* sys_flag;
  const char* born_timestamp;
  const char* flag;
  const char* properties;
  const char* reconsume_times;
  const char* unit_mode;
  const char* max_reconsume_times;
  const char* batch;
  const char* broker_name;
};

constexpr SendFieldNames kV1 = {
    "producerGroup", "topic",          "defaultTopic",  "defaultTopicQueueNums",
    "queueId",       "sysFlag",        "bornTimestamp", "flag",
    "properties",    "reconsumeTimes", "unitMode",      "maxReconsumeTimes",
    "batch",         "bname"};
constexpr SendFieldNames kV2 = {"a", "b", "c", "d", "e", "f", "g",
                                "h", "i", "j", "k", "l", "m", "n"};

Result<SendMessageRequestHeader> ParseWith(const SendFieldNames& n, const HeaderFields& f) {
  SendMessageRequestHeader h;
  TERN_ASSIGN_OR_RETURN(h.producer_group, HeaderRequiredString(f, n.producer_group));
  TERN_ASSIGN_OR_RETURN(h.topic, HeaderRequiredString(f, n.topic));
  TERN_ASSIGN_OR_RETURN(h.default_topic, HeaderRequiredString(f, n.default_topic));
  TERN_ASSIGN_OR_RETURN(h.default_topic_queue_nums,
                        HeaderRequiredInt32(f, n.default_topic_queue_nums));
  TERN_ASSIGN_OR_RETURN(h.queue_id, HeaderRequiredInt32(f, n.queue_id));
  TERN_ASSIGN_OR_RETURN(h.sys_flag, HeaderRequiredInt32(f, n.sys_flag));
  TERN_ASSIGN_OR_RETURN(h.born_timestamp, HeaderRequiredInt64(f, n.born_timestamp));
  TERN_ASSIGN_OR_RETURN(h.flag, HeaderRequiredInt32(f, n.flag));
  h.properties = HeaderOptionalString(f, n.properties);
  TERN_ASSIGN_OR_RETURN(h.reconsume_times, HeaderOptionalInt32(f, n.reconsume_times));
  h.unit_mode = HeaderBool(f, n.unit_mode, false);
  TERN_ASSIGN_OR_RETURN(h.max_reconsume_times, HeaderOptionalInt32(f, n.max_reconsume_times));
  h.batch = HeaderBool(f, n.batch, false);
  h.broker_name = HeaderOptionalString(f, n.broker_name);
  return h;
}

void EncodeWith(const SendFieldNames& n, const SendMessageRequestHeader& h, HeaderFields* f) {
  (*f)[n.producer_group] = h.producer_group;
  (*f)[n.topic] = h.topic;
  (*f)[n.default_topic] = h.default_topic;
  (*f)[n.default_topic_queue_nums] = std::to_string(h.default_topic_queue_nums);
  (*f)[n.queue_id] = std::to_string(h.queue_id);
  (*f)[n.sys_flag] = std::to_string(h.sys_flag);
  (*f)[n.born_timestamp] = std::to_string(h.born_timestamp);
  (*f)[n.flag] = std::to_string(h.flag);
  if (h.properties) (*f)[n.properties] = *h.properties;
  if (h.reconsume_times) (*f)[n.reconsume_times] = std::to_string(*h.reconsume_times);
  (*f)[n.unit_mode] = h.unit_mode ? "true" : "false";
  if (h.max_reconsume_times) (*f)[n.max_reconsume_times] = std::to_string(*h.max_reconsume_times);
  (*f)[n.batch] = h.batch ? "true" : "false";
  if (h.broker_name) (*f)[n.broker_name] = *h.broker_name;
}

}  // namespace

Result<SendMessageRequestHeader> SendMessageRequestHeader::Parse(int32_t request_code,
                                                                 const HeaderFields& fields) {
  if (request_code == RequestCode::kSendMessageV2 ||
      request_code == RequestCode::kSendBatchMessage) {
    return ParseV2(fields);
  }
  return ParseV1(fields);
}

Result<SendMessageRequestHeader> SendMessageRequestHeader::ParseV1(const HeaderFields& fields) {
  return ParseWith(kV1, fields);
}

Result<SendMessageRequestHeader> SendMessageRequestHeader::ParseV2(const HeaderFields& fields) {
  return ParseWith(kV2, fields);
}

void SendMessageRequestHeader::EncodeV1(HeaderFields* fields) const {
  EncodeWith(kV1, *this, fields);
}
void SendMessageRequestHeader::EncodeV2(HeaderFields* fields) const {
  EncodeWith(kV2, *this, fields);
}

void SendMessageResponseHeader::Encode(HeaderFields* f) const {
  (*f)["msgId"] = msg_id;
  (*f)["queueId"] = std::to_string(queue_id);
  (*f)["queueOffset"] = std::to_string(queue_offset);
  if (transaction_id) (*f)["transactionId"] = *transaction_id;
  if (batch_uniq_id) (*f)["batchUniqId"] = *batch_uniq_id;
}

Result<SendMessageResponseHeader> SendMessageResponseHeader::Parse(const HeaderFields& f) {
  SendMessageResponseHeader h;
  TERN_ASSIGN_OR_RETURN(h.msg_id, HeaderRequiredString(f, "msgId"));
  TERN_ASSIGN_OR_RETURN(h.queue_id, HeaderRequiredInt32(f, "queueId"));
  TERN_ASSIGN_OR_RETURN(h.queue_offset, HeaderRequiredInt64(f, "queueOffset"));
  h.transaction_id = HeaderOptionalString(f, "transactionId");
  h.batch_uniq_id = HeaderOptionalString(f, "batchUniqId");
  return h;
}

}  // namespace tern::protocol
