#include "src/client/retry_send.h"

#include <chrono>

#include "src/client/send_request.h"
#include "src/client/status_convert.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/send_headers.h"

namespace tern::client {
namespace {

namespace PK = protocol::PropertyKey;
using ternmq::StatusCode;

// Java MixAll.RETRY_GROUP_TOPIC_PREFIX.
constexpr char kRetryPrefix[] = "%RETRY%";
// Java: delay level 3 + reconsumeTimes for a copy sent back by the client.
constexpr int32_t kFirstRetryLevel = 3;

}  // namespace

remoting::RemotingCommand BuildRetryTopicSend(const std::string& group,
                                              const ternmq::MessageView& message,
                                              const ternmq::MessageQueue& queue,
                                              int32_t reconsume_times,
                                              int32_t max_reconsume_times, int64_t born_ms) {
  protocol::MessageProperties props;
  for (const auto& [k, v] : message.properties) props.Set(k, v);
  props.Set(PK::kRetryTopic, message.topic);
  if (!props.Has(PK::kOriginMessageId)) props.Set(PK::kOriginMessageId, message.msg_id);
  props.Remove(PK::kTransactionPrepared);
  props.Remove(PK::kReconsumeTime);
  props.Remove(PK::kMaxReconsumeTimes);
  props.Set(PK::kDelayTimeLevel, std::to_string(kFirstRetryLevel + message.reconsume_times));

  protocol::SendMessageRequestHeader h;
  h.producer_group = kClientInnerProducerGroup;
  h.topic = std::string(kRetryPrefix) + group;
  h.default_topic = "TBW102";
  h.default_topic_queue_nums = 4;
  h.queue_id = queue.queue_id;
  h.sys_flag = 0;
  h.born_timestamp = born_ms;
  h.flag = message.flag;
  h.properties = props.Serialize();
  h.reconsume_times = reconsume_times;
  h.max_reconsume_times = max_reconsume_times;
  h.broker_name = queue.broker_name;
  remoting::RemotingCommand request =
      remoting::RemotingCommand::Request(protocol::RequestCode::kSendMessageV2);
  h.EncodeV2(&request.ext_fields);
  request.body = message.body;
  return request;
}

ternmq::Status SendToRetryTopic(ClientInstance& instance, const std::string& group,
                                const ternmq::MessageView& message, int32_t reconsume_times,
                                int32_t max_reconsume_times, int64_t timeout_ms) {
  const std::string topic = std::string(kRetryPrefix) + group;
  ternmq::MessageQueue queue{topic, message.broker_name, 0};
  // The retry topic exists once the group's heartbeat reached a broker; its
  // route may not be at the nameserver yet, then the message's own broker
  // takes the copy (it creates the retry topic on demand).
  auto info = instance.GetPublishInfo(topic, AutoCreateTopic{}, timeout_ms);
  if (info.ok() && !(*info)->from_default_topic) {
    if (auto q = SelectQueue(**info, {}, nullptr, 0)) queue = *q;  // round-robin
  }
  auto addr = instance.MasterAddress(queue.broker_name);
  if (!addr) {
    return ternmq::Status(StatusCode::kNetworkError,
                          "no master address known for broker " + queue.broker_name);
  }
  const int64_t born_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  auto response = instance.rpc().InvokeSync(
      *addr,
      BuildRetryTopicSend(group, message, queue, reconsume_times, max_reconsume_times, born_ms),
      timeout_ms);
  if (!response.ok()) return FromTern(response.status());
  namespace Code = protocol::ResponseCode;
  switch (response->code) {
    case Code::kSuccess:
    case Code::kFlushDiskTimeout:
    case Code::kFlushSlaveTimeout:
    case Code::kSlaveNotAvailable:
      return ternmq::Status::Ok();
    default:
      return BrokerError(response->code, response->remark, "broker " + queue.broker_name);
  }
}

}  // namespace tern::client
