#include "src/client/send_request.h"

#include <algorithm>
#include <array>

#include "src/client/status_convert.h"
#include "src/protocol/codes.h"
#include "src/protocol/header_fields.h"
#include "src/protocol/message_batch.h"
#include "src/protocol/message_compression.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/send_headers.h"

namespace tern::client {
namespace {

namespace PK = protocol::PropertyKey;
namespace Code = protocol::ResponseCode;
using ternmq::StatusCode;

ternmq::Status Invalid(std::string msg) {
  return ternmq::Status(StatusCode::kInvalidArgument, std::move(msg));
}

bool ValidNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '%' || c == '|' || c == '-' || c == '_';
}

// Topics the broker refuses sends to (features.md §1.2).
constexpr std::array<std::string_view, 6> kNotAllowedSendTopics = {
    "SCHEDULE_TOPIC_XXXX",        "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC",
    "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC",          "OFFSET_MOVED_EVENT"};

// Property names the SDK or the broker set; applications may not.
constexpr std::string_view kReservedProperties[] = {
    PK::kKeys, PK::kTags, PK::kWaitStoreMsgOk, PK::kDelayTimeLevel, PK::kRetryTopic,
    PK::kRealTopic, PK::kRealQueueId, PK::kTransactionPrepared, PK::kProducerGroup,
    PK::kMinOffset, PK::kMaxOffset, PK::kBuyerId, PK::kOriginMessageId, PK::kTransferFlag,
    PK::kCorrectionFlag, PK::kMq2Flag, PK::kReconsumeTime, PK::kMsgRegion, PK::kTraceSwitch,
    PK::kUniqClientMessageIdKeyIdx, PK::kExtendUniqInfo, PK::kMaxReconsumeTimes,
    PK::kConsumeStartTimestamp, PK::kInnerNum, PK::kInnerBase, PK::kDupInfo,
    PK::kCheckImmunityTimeInSeconds, PK::kTransactionPreparedQueueOffset, PK::kTransactionId,
    PK::kTransactionCheckTimes, PK::kInstanceId, PK::kCorrelationId, PK::kReplyToClient,
    PK::kTtl, PK::kArriveTime, PK::kPushReplyTime, PK::kMessageType, PK::kCluster,
    PK::kShardingKey, PK::kTimerDeliverMs, PK::kTimerDelaySec, PK::kTimerDelayMs,
    PK::kTimerOutMs, PK::kTimerEnqueueMs, PK::kTimerDequeueMs, PK::kTimerRollTimes,
    PK::kTimerDelUniqKey};

bool HasSeparator(std::string_view s) {
  return s.find(protocol::kNameValueSeparator) != std::string_view::npos ||
         s.find(protocol::kPropertySeparator) != std::string_view::npos;
}

// Checks everything but the body size and builds the properties (without UNIQ_KEY).
ternmq::Status BuildProperties(const ternmq::Message& m, std::string_view sharding_key,
                               std::string* out) {
  if (auto st = ValidateTopic(m.topic); !st.ok()) return st;
  if (m.body.empty()) return Invalid("message body is empty");
  if (m.delay_level < 0) return Invalid("delay_level must be >= 0");
  if (m.delivery_time_ms < 0) return Invalid("delivery_time_ms must be >= 0");
  if (m.delay_level > 0 && m.delivery_time_ms > 0)
    return Invalid("set either delay_level or delivery_time_ms, not both");
  if (HasSeparator(m.tags)) return Invalid("tags contain U+0001 or U+0002");
  std::string keys;
  for (const auto& k : m.keys) {
    if (k.empty()) continue;
    if (HasSeparator(k)) return Invalid("a key contains U+0001 or U+0002");
    if (!keys.empty()) keys += ' ';
    keys += k;
  }
  if (!m.tags.empty()) protocol::AppendProperty(out, PK::kTags, m.tags);
  if (!keys.empty()) protocol::AppendProperty(out, PK::kKeys, keys);
  protocol::AppendProperty(out, PK::kWaitStoreMsgOk, m.wait_store_ok ? "true" : "false");
  if (m.delay_level > 0)
    protocol::AppendProperty(out, PK::kDelayTimeLevel, std::to_string(m.delay_level));
  if (m.delivery_time_ms > 0)
    protocol::AppendProperty(out, PK::kTimerDeliverMs, std::to_string(m.delivery_time_ms));
  if (!sharding_key.empty()) {
    if (HasSeparator(sharding_key)) return Invalid("sharding key contains U+0001 or U+0002");
    protocol::AppendProperty(out, PK::kShardingKey, sharding_key);
  }
  for (const auto& [name, value] : m.properties) {
    if (name.empty() || value.empty())
      return Invalid("property names and values must not be empty (property \"" + name + "\")");
    if (HasSeparator(name) || HasSeparator(value))
      return Invalid("property \"" + name + "\" contains U+0001 or U+0002");
    if (std::find(std::begin(kReservedProperties), std::end(kReservedProperties), name) !=
        std::end(kReservedProperties)) {
      return Invalid("property name \"" + name + "\" is reserved by RocketMQ; use the Message field");
    }
    protocol::AppendProperty(out, name, value);
  }
  return ternmq::Status::Ok();
}

ternmq::Status CheckPropertiesSize(const std::string& properties) {
  if (properties.size() > static_cast<size_t>(protocol::kMaxPropertiesSize)) {
    return Invalid("properties are " + std::to_string(properties.size()) +
                   " bytes, more than the broker's limit of " +
                   std::to_string(protocol::kMaxPropertiesSize));
  }
  return ternmq::Status::Ok();
}

}  // namespace

ternmq::Status ValidateTopic(std::string_view topic) {
  if (topic.empty()) return Invalid("topic is empty");
  if (topic.size() > static_cast<size_t>(protocol::kMaxTopicLength))
    return Invalid("topic is longer than 127 characters");
  for (char c : topic) {
    if (!ValidNameChar(c))
      return Invalid("topic \"" + std::string(topic) +
                     "\" has a character other than letters, digits, '%', '|', '-', '_'");
  }
  if (std::find(kNotAllowedSendTopics.begin(), kNotAllowedSendTopics.end(), topic) !=
      kNotAllowedSendTopics.end()) {
    return Invalid("sending to system topic " + std::string(topic) + " is not allowed");
  }
  return ternmq::Status::Ok();
}

ternmq::Status ValidateGroup(std::string_view group, std::string_view what) {
  if (group.empty()) return Invalid(std::string(what) + " is empty");
  if (group.size() > static_cast<size_t>(protocol::kMaxGroupLength))
    return Invalid(std::string(what) + " is longer than 255 characters");
  for (char c : group) {
    if (!ValidNameChar(c))
      return Invalid(std::string(what) + " \"" + std::string(group) +
                     "\" has a character other than letters, digits, '%', '|', '-', '_'");
  }
  return ternmq::Status::Ok();
}

ternmq::Result<PreparedSend> PrepareMessage(const ternmq::Message& message,
                                            const SendLimits& limits,
                                            protocol::UniqueIdGenerator& ids,
                                            std::string_view sharding_key) {
  PreparedSend p;
  if (auto st = BuildProperties(message, sharding_key, &p.properties); !st.ok()) return st;
  if (message.body.size() > static_cast<size_t>(limits.max_message_bytes)) {
    return Invalid("message body is " + std::to_string(message.body.size()) +
                   " bytes, more than max_message_bytes " +
                   std::to_string(limits.max_message_bytes));
  }
  p.msg_id = ids.Next();
  protocol::AppendProperty(&p.properties, PK::kUniqClientMessageIdKeyIdx, p.msg_id);
  if (auto st = CheckPropertiesSize(p.properties); !st.ok()) return st;
  p.topic = message.topic;
  p.flag = message.flag;
  if (message.body.size() > static_cast<size_t>(limits.compress_over_bytes)) {
    std::string compressed = protocol::ZlibCompress(message.body, limits.compress_level);
    if (compressed.size() < message.body.size()) {
      p.body = std::move(compressed);
      // Type bits 0 (legacy zlib): readable by every client (message-format.md §5).
      p.sys_flag = protocol::SetCompression(p.sys_flag, protocol::CompressionType::kLegacyZlib);
    }
  }
  if (p.body.empty()) p.body = message.body;
  return p;
}

ternmq::Result<PreparedSend> PrepareBatch(const std::vector<ternmq::Message>& messages,
                                          const SendLimits& limits,
                                          protocol::UniqueIdGenerator& ids) {
  if (messages.empty()) return Invalid("batch is empty");
  PreparedSend p;
  p.batch = true;
  p.topic = messages.front().topic;
  const bool wait = messages.front().wait_store_ok;
  if (p.topic.rfind("%RETRY%", 0) == 0) return Invalid("batches cannot go to retry topics");
  std::string entry_props;
  for (size_t i = 0; i < messages.size(); ++i) {
    const ternmq::Message& m = messages[i];
    std::string where = "batch message " + std::to_string(i) + ": ";
    if (m.topic != p.topic) return Invalid(where + "all messages of a batch need the same topic");
    if (m.wait_store_ok != wait)
      return Invalid(where + "all messages of a batch need the same wait_store_ok");
    if (m.delay_level > 0 || m.delivery_time_ms > 0)
      return Invalid(where + "delayed messages cannot be batched");
    entry_props.clear();
    if (auto st = BuildProperties(m, {}, &entry_props); !st.ok())
      return ternmq::Status(st.code(), where + st.message());
    std::string id = ids.Next();
    protocol::AppendProperty(&entry_props, PK::kUniqClientMessageIdKeyIdx, id);
    if (auto st = CheckPropertiesSize(entry_props); !st.ok())
      return ternmq::Status(st.code(), where + st.message());
    if (!p.msg_id.empty()) p.msg_id += ',';
    p.msg_id += id;
    protocol::AppendBatchEntry({m.flag, m.body, entry_props}, &p.body);
    if (p.body.size() > static_cast<size_t>(limits.max_message_bytes)) {
      return Invalid("batch is larger than max_message_bytes " +
                     std::to_string(limits.max_message_bytes) + " (at message " +
                     std::to_string(i) + ")");
    }
  }
  protocol::AppendProperty(&p.properties, PK::kWaitStoreMsgOk, wait ? "true" : "false");
  return p;
}

remoting::RemotingCommand BuildSendRequest(const PreparedSend& prepared,
                                           const ternmq::MessageQueue& queue,
                                           const std::string& producer_group,
                                           const std::string& template_topic,
                                           int32_t template_queue_nums, int64_t born_ms) {
  protocol::SendMessageRequestHeader h;
  h.producer_group = producer_group;
  h.topic = prepared.topic;
  h.default_topic = template_topic;
  h.default_topic_queue_nums = template_queue_nums;
  h.queue_id = queue.queue_id;
  h.sys_flag = prepared.sys_flag;
  h.born_timestamp = born_ms;
  h.flag = prepared.flag;
  h.properties = prepared.properties;
  h.reconsume_times = 0;
  h.batch = prepared.batch;
  h.broker_name = queue.broker_name;
  remoting::RemotingCommand request = remoting::RemotingCommand::Request(
      prepared.batch ? protocol::RequestCode::kSendBatchMessage
                     : protocol::RequestCode::kSendMessageV2);
  h.EncodeV2(&request.ext_fields);
  request.body = prepared.body;
  return request;
}

ternmq::Result<ternmq::SendResult> ParseSendResponse(const remoting::RemotingCommand& response,
                                                     const ternmq::MessageQueue& queue,
                                                     const PreparedSend& prepared) {
  ternmq::SendResult result;
  switch (response.code) {
    case Code::kSuccess: result.status = ternmq::SendStatus::kSendOk; break;
    case Code::kFlushDiskTimeout: result.status = ternmq::SendStatus::kFlushDiskTimeout; break;
    case Code::kFlushSlaveTimeout: result.status = ternmq::SendStatus::kFlushSlaveTimeout; break;
    case Code::kSlaveNotAvailable: result.status = ternmq::SendStatus::kSlaveNotAvailable; break;
    default: return BrokerError(response.code, response.remark, "broker " + queue.broker_name);
  }
  auto header = protocol::SendMessageResponseHeader::Parse(response.ext_fields);
  if (!header.ok()) {
    return ternmq::Status(StatusCode::kInternal, "broker " + queue.broker_name +
                                                     " sent a bad send response: " +
                                                     header.status().message());
  }
  result.offset_msg_id = header->msg_id;
  result.msg_id = prepared.msg_id.empty() ? header->msg_id : prepared.msg_id;
  result.queue = {queue.topic, queue.broker_name, header->queue_id};
  result.queue_offset = header->queue_offset;
  result.transaction_id = header->transaction_id.value_or("");
  result.region_id = response.StringOr(std::string(PK::kMsgRegion), "DefaultRegion");
  result.trace_on = response.StringOr(std::string(PK::kTraceSwitch), "true") != "false";
  return result;
}

bool IsRetriableResponseCode(int32_t code) {
  switch (code) {
    case Code::kTopicNotExist:
    case Code::kServiceNotAvailable:
    case Code::kSystemError:
    case Code::kNoPermission:
    case 204:  // NO_BUYER_ID
    case 205:  // NOT_IN_CURRENT_UNIT
    case Code::kSystemBusy:
      return true;
    default:
      return false;
  }
}

}  // namespace tern::client
