#include "broker/processor/send_back_processor.h"

#include <fmt/format.h>

#include <random>

#include "broker/processor/response_util.h"
#include "broker/retry/send_back.h"
#include "broker/topic/topic_names.h"
#include "src/base/logging.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_id.h"
#include "src/protocol/perm.h"

namespace tern::processor {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

namespace {

int32_t RandomQueue(int32_t n) {
  thread_local std::minstd_rand rng(std::random_device{}());
  return static_cast<int32_t>(rng() % static_cast<uint32_t>(n));
}

OutgoingMessage ToOutgoing(retry::SendBackMessage m) {
  OutgoingMessage out;
  out.topic = std::move(m.topic);
  out.queue_id = m.queue_id;
  out.flag = m.flag;
  out.sys_flag = m.sys_flag;
  out.born_timestamp = m.born_timestamp;
  out.born_host = m.born_host;
  out.reconsume_times = m.reconsume_times;
  out.body = std::move(m.body);
  out.properties = std::move(m.properties);
  return out;
}

// The append's completion (commit-log writer thread): PUT_OK -> SUCCESS,
// anything else -> SYSTEM_ERROR with the status name (requests.md §B.11 step 8).
void Complete(RemotingCommand response, remoting::Responder responder, BrokerStats* stats,
              const store::PutResult& result) {
  if (stats != nullptr) {
    if (result.stored()) {
      stats->OnPut(result.count, result.bytes);
    } else {
      stats->OnPutFailed();
    }
  }
  if (result.status != store::PutStatus::kPutOk) {
    response.code = RC::kSystemError;
    std::string remark(store::PutStatusName(result.status));
    if (!result.error.ok()) remark += ": " + result.error.message();
    response.remark = std::move(remark);
  }
  responder.Reply(std::move(response));
}

}  // namespace

SendBackProcessor::SendBackProcessor(topic::TopicConfigManager& topics,
                                     topic::SubscriptionGroupManager& groups,
                                     store::MessageStore& store, SendOptions options,
                                     ScheduleHook schedule)
    : topics_(topics),
      groups_(groups),
      store_(store),
      options_(std::move(options)),
      schedule_(std::move(schedule)) {}

void SendBackProcessor::Register(remoting::RpcServer& server) {
  server.RegisterAsync(protocol::RequestCode::kConsumerSendMsgBack,
                       [this](const remoting::RequestContext& ctx, RemotingCommand request,
                              remoting::Responder responder) {
                         Handle(ctx, std::move(request), std::move(responder));
                       });
}

void SendBackProcessor::Handle(const remoting::RequestContext& /*ctx*/, RemotingCommand request,
                               remoting::Responder responder) {
  auto reply = [&](int32_t code, std::string remark) {
    responder.Reply(MakeResponse(request, code, std::move(remark)));
  };
  auto header = retry::SendBackRequestHeader::Parse(request.ext_fields);
  if (!header.ok()) return reply(RC::kSystemError, header.status().message());
  const std::string& group = header->group;

  auto group_config = groups_.Find(group);
  if (!group_config.ok()) return reply(RC::kSystemError, group_config.status().message());
  if (!*group_config) {
    return reply(RC::kSubscriptionGroupNotExist,
                 fmt::format("subscription group not exist, {}", group));
  }
  if (!protocol::IsWriteable(options_.broker_permission)) {
    return reply(RC::kNoPermission,
                 fmt::format("the broker[{}] sending message is forbidden", options_.broker_ip));
  }
  const int32_t retry_queue_nums = (*group_config)->retry_queue_nums;
  if (retry_queue_nums <= 0) return reply(RC::kSuccess, {});  // retry disabled: dropped

  // The retry topic exists before any copy goes there (and is registered
  // with the nameservers by the change listener, Q24).
  const std::string retry_topic = topic::RetryTopic(group);
  const int32_t topic_sys_flag = header->unit_mode ? protocol::kTopicSysFlagUnitSub : 0;
  auto retry_config = topics_.CreateTopicInSendMessageBackMethod(
      retry_topic, retry_queue_nums, protocol::kPermReadWrite, topic_sys_flag);
  if (!retry_config.ok()) {
    return reply(RC::kSystemError, fmt::format("topic[{}] not exist: {}", retry_topic,
                                               retry_config.status().message()));
  }
  if (!protocol::IsWriteable(retry_config->perm)) {
    return reply(RC::kNoPermission,
                 fmt::format("the topic[{}] sending message is forbidden", retry_topic));
  }

  // Q31: a commit-log offset, which may be any stored record (also a retry copy).
  const std::string lookup_failed =
      fmt::format("look message by offset failed, {}", header->offset);
  if (header->offset < 0) return reply(RC::kSystemError, lookup_failed);
  auto view = store_.LookMessageByOffset(PhysicalOffset(header->offset));
  if (!view.ok()) return reply(RC::kSystemError, lookup_failed);
  auto original = protocol::DecodeMessageRecord(view->data());
  if (!original.ok()) return reply(RC::kSystemError, lookup_failed);

  const int32_t max_times = retry::MaxReconsumeTimes((*group_config)->retry_max_times,
                                                     request.version, header->max_reconsume_times);
  const retry::SendBackPlan plan =
      retry::PlanSendBack(original->reconsume_times, max_times, header->delay_level);
  QueueId queue_id(0);
  if (plan.dead_letter) {
    auto dlq = retry::EnsureDlqTopic(topics_, group);
    if (!dlq.ok()) {
      return reply(RC::kSystemError, fmt::format("topic[{}] not exist: {}", topic::DlqTopic(group),
                                                 dlq.status().message()));
    }
    queue_id = QueueId(RandomQueue(retry::kDlqQueueNums));
  } else {
    queue_id = QueueId(RandomQueue(retry_queue_nums));
  }
  const std::string offset_msg_id =
      protocol::EncodeOffsetMessageId(original->store_host, original->physical_offset);
  OutgoingMessage msg =
      ToOutgoing(retry::BuildSendBackMessage(*original, offset_msg_id, group, plan, queue_id));
  view = store::LogView();  // the copy owns its bytes; release the segment

  // The delay service's interceptor: DELAY > 0 -> SCHEDULE_TOPIC_XXXX. It also
  // strips its own delivery marker, which a once-delivered retry copy carries.
  if (schedule_ && protocol::TakesQueueOffset(msg.sys_flag)) {
    SendHookVerdict verdict = schedule_(msg);
    if (verdict.code != RC::kSuccess) return reply(verdict.code, std::move(verdict.remark));
  }

  TERN_LOG_DEBUG("send back {} of group {} (reconsume {}) to {}, delay level {}", offset_msg_id,
                 group, msg.reconsume_times, plan.dead_letter ? "DLQ" : "retry", plan.delay_level);
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  store_.commit_log().Submit(msg.AsRecord(), /*wait_for_flush=*/false,
                             [response = std::move(response), responder = std::move(responder),
                              stats = options_.stats](store::PutResult result) mutable {
                               Complete(std::move(response), std::move(responder), stats, result);
                             });
}

}  // namespace tern::processor
