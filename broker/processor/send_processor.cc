#include "broker/processor/send_processor.h"

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <random>
#include <span>
#include <vector>

#include "broker/processor/response_util.h"
#include "broker/retry/send_back.h"
#include "broker/topic/topic_names.h"
#include "src/base/logging.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_batch.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/perm.h"

namespace tern::processor {

using protocol::PropertyKey::kCluster;
using protocol::PropertyKey::kDelayTimeLevel;
using protocol::PropertyKey::kTransactionPrepared;
using protocol::PropertyKey::kUniqClientMessageIdKeyIdx;
using protocol::PropertyKey::kWaitStoreMsgOk;
using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

namespace {

int32_t RandomQueue(int32_t n) {
  thread_local std::minstd_rand rng(std::random_device{}());
  return static_cast<int32_t>(rng() % static_cast<uint32_t>(n));
}

// Java Boolean.parseBoolean.
bool IsTrue(std::string_view v) {
  return v.size() == 4 && (v[0] | 0x20) == 't' && (v[1] | 0x20) == 'r' && (v[2] | 0x20) == 'u' &&
         (v[3] | 0x20) == 'e';
}

int64_t ParseLong(std::string_view v, int64_t fallback) {
  int64_t out = 0;
  bool neg = false;
  size_t i = 0;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    neg = v[0] == '-';
    i = 1;
  }
  if (i >= v.size()) return fallback;
  for (; i < v.size(); ++i) {
    if (v[i] < '0' || v[i] > '9') return fallback;
    out = out * 10 + (v[i] - '0');
  }
  return neg ? -out : out;
}

// Feeds BrokerStats from a send completion (writer or flush thread).
void CountPut(BrokerStats* stats, const store::PutResult& result) {
  if (stats == nullptr) return;
  if (result.stored()) {
    stats->OnPut(result.count, result.bytes);
  } else {
    stats->OnPutFailed();
  }
}

// Completes a send once the store has the put's outcome (runs on the
// commit-log writer or flush thread; Reply posts to the loop). A batch answers
// the comma-separated msgId list (quirk Q17).
void ReplyToPut(const store::PutResult& result, bool batch, int32_t queue_id, int32_t max_size,
                BrokerStats* stats, std::string transaction_id, RemotingCommand response,
                remoting::Responder& responder) {
  CountPut(stats, result);
  SendOutcome outcome = MapPutResult(result, max_size);
  response.code = outcome.code;
  if (!outcome.remark.empty()) response.remark = std::move(outcome.remark);
  if (result.stored()) {
    protocol::SendMessageResponseHeader header;
    header.msg_id = batch ? result.MsgIdList() : result.MsgId();
    header.queue_id = queue_id;
    header.queue_offset = result.queue_offset.value();
    if (!transaction_id.empty()) header.transaction_id = std::move(transaction_id);
    header.Encode(&response.ext_fields);
  }
  responder.Reply(std::move(response));
}

}  // namespace

protocol::MessageRecord OutgoingMessage::AsRecord() const {
  protocol::MessageRecord r;
  r.queue_id = queue_id;
  r.flag = flag;
  r.sys_flag = sys_flag;
  r.born_timestamp = born_timestamp;
  r.born_host = born_host;
  r.reconsume_times = reconsume_times;
  r.body = body;
  r.topic = topic;
  r.properties = properties;
  return r;
}

SendOutcome MapPutResult(const store::PutResult& r, int32_t max_message_size) {
  using store::PutStatus;
  switch (r.status) {
    case PutStatus::kPutOk: return {RC::kSuccess, {}};
    case PutStatus::kFlushDiskTimeout: return {RC::kFlushDiskTimeout, {}};
    case PutStatus::kCreateMappedFileFailed:
      return {RC::kSystemError, "create mapped file failed, server is busy or broken."};
    case PutStatus::kMessageIllegal:
    case PutStatus::kPropertiesSizeExceeded:
      return {RC::kMessageIllegal,
              fmt::format("the message is illegal, maybe msg body or properties length not "
                          "matched. msg body length limit {}B, msg properties length limit 32KB.",
                          max_message_size)};
    case PutStatus::kServiceNotAvailable:
      return {RC::kServiceNotAvailable,
              r.error.ok() ? std::string("service not available now.")
                           : fmt::format("service not available now: {}", r.error.message())};
    case PutStatus::kUnknownError: break;
  }
  return {RC::kSystemError,
          r.error.ok() ? std::string("UNKNOWN_ERROR") : "UNKNOWN_ERROR: " + r.error.message()};
}

struct SendProcessor::Checked {
  protocol::TopicConfig topic_config;
  int32_t queue_id = 0;
  protocol::HostAddress born_host;
};

SendProcessor::SendProcessor(topic::TopicConfigManager& topics,
                             topic::SubscriptionGroupManager& groups, store::MessageStore& store,
                             SendOptions options, SendHooks hooks)
    : topics_(topics),
      groups_(groups),
      store_(store),
      options_(std::move(options)),
      hooks_(std::move(hooks)) {}

void SendProcessor::Register(remoting::RpcServer& server) {
  auto handler = [this](const remoting::RequestContext& ctx, RemotingCommand request,
                        remoting::Responder responder) {
    Handle(ctx, std::move(request), std::move(responder));
  };
  server.RegisterAsync(protocol::RequestCode::kSendMessage, handler);
  server.RegisterAsync(protocol::RequestCode::kSendMessageV2, handler);
  server.RegisterAsync(protocol::RequestCode::kSendBatchMessage, handler);
}

RemotingCommand SendProcessor::Response(const RemotingCommand& request, int32_t code,
                                        std::string remark) const {
  RemotingCommand r = MakeResponse(request, code, std::move(remark));
  r.SetField(std::string(protocol::PropertyKey::kMsgRegion), options_.region_id);
  r.SetField(std::string(protocol::PropertyKey::kTraceSwitch), options_.trace_on);
  return r;
}

std::string SendProcessor::IllegalRemark() const {
  return fmt::format(
      "the message is illegal, maybe msg body or properties length not matched. msg body length "
      "limit {}B, msg properties length limit 32KB.",
      options_.max_message_size);
}

void SendProcessor::Handle(const remoting::RequestContext& ctx, RemotingCommand request,
                           remoting::Responder responder) {
  HandleWith(ctx, std::move(request), std::move(responder), nullptr);
}

void SendProcessor::HandleWith(const remoting::RequestContext& ctx, RemotingCommand request,
                               remoting::Responder responder, const AutoCreated* created) {
  auto header = protocol::SendMessageRequestHeader::Parse(request.code, request.ext_fields);
  if (!header.ok()) {
    responder.Reply(Response(request, RC::kSystemError, header.status().message()));
    return;
  }
  Checked checked;
  bool needs_create = false;
  if (auto error = Check(ctx, request, *header, created, &needs_create, &checked)) {
    responder.Reply(std::move(*error));
    return;
  }
  if (needs_create) {  // the fsynced write happens on the worker; back here after it
    const std::string topic = header->topic;
    ++pending_creates_[topic];
    options_.meta_worker->Submit([this, ctx, topic, h = *header, request = std::move(request),
                                  responder = std::move(responder)]() mutable {
      auto outcome = std::make_shared<AutoCreated>(AutoCreate(topic, h));
      const bool created = outcome->ok() && outcome->value().has_value();
      broker::PostAfterAnnounce(
          *options_.loop, created ? options_.announce : broker::AnnounceTopics(),
          options_.announce_wait_ms, "send to auto-created topic " + topic,
          [this, ctx, topic, outcome, request = std::move(request),
           responder = std::move(responder)]() mutable {
            auto it = pending_creates_.find(topic);
            if (it != pending_creates_.end() && --it->second == 0) pending_creates_.erase(it);
            HandleWith(ctx, std::move(request), std::move(responder), outcome.get());
          });
    });
    return;
  }
  if (header->batch) {
    SendBatch(ctx, std::move(request), *header, checked, std::move(responder));
  } else {
    SendSingle(ctx, std::move(request), *header, checked, std::move(responder));
  }
}

void SendProcessor::UpdateLiveOptions(const SendOptions& live) {
  options_.broker_permission = live.broker_permission;
  options_.max_message_size = live.max_message_size;
  options_.reject_transaction_message = live.reject_transaction_message;
  options_.region_id = live.region_id;
  options_.trace_on = live.trace_on;
}

SendProcessor::AutoCreated SendProcessor::AutoCreate(const std::string& topic,
                                                    const protocol::SendMessageRequestHeader& h) {
  int32_t topic_sys_flag = 0;
  if (h.unit_mode) {
    topic_sys_flag =
        topic::IsRetryTopic(topic) ? protocol::kTopicSysFlagUnitSub : protocol::kTopicSysFlagUnit;
  }
  auto created = topics_.CreateTopicInSendMessageMethod(topic, h.default_topic,
                                                        h.default_topic_queue_nums, topic_sys_flag);
  if (!created.ok() || created->has_value() || !topic::IsRetryTopic(topic)) return created;
  auto retry = topics_.CreateTopicInSendMessageBackMethod(topic, 1, protocol::kPermReadWrite,
                                                          topic_sys_flag);
  if (!retry.ok()) return retry.status();
  return std::optional<protocol::TopicConfig>(std::move(retry).value());
}

std::optional<RemotingCommand> SendProcessor::Check(const remoting::RequestContext& ctx,
                                                    const RemotingCommand& request,
                                                    const protocol::SendMessageRequestHeader& h,
                                                    const AutoCreated* created, bool* needs_create,
                                                    Checked* out) {
  const std::string& topic = h.topic;
  if (!protocol::IsWriteable(options_.broker_permission)) {
    return Response(request, RC::kNoPermission,
                    fmt::format("the broker[{}] sending message is forbidden", options_.broker_ip));
  }
  if (Status s = topic::ValidateTopicName(topic); !s.ok()) {
    return Response(request, RC::kSystemError, s.message());
  }
  if (topic::IsNotAllowedSendTopic(topic)) {
    return Response(request, RC::kNoPermission,
                    fmt::format("Sending message to topic[{}] is forbidden.", topic));
  }
  if (static_cast<int64_t>(request.body.size()) > options_.max_message_size ||
      (h.properties && h.properties->size() > static_cast<size_t>(protocol::kMaxPropertiesSize))) {
    return Response(request, RC::kMessageIllegal, IllegalRemark());
  }

  std::optional<protocol::TopicConfig> config = topics_.Select(topic);
  const bool offload = options_.meta_worker != nullptr && options_.loop != nullptr;
  if (offload && created == nullptr && (!config || pending_creates_.count(topic) != 0)) {
    if (!config) TERN_LOG_WARN("the topic {} does not exist, producer: {}", topic, ctx.peer);
    *needs_create = true;  // or queue behind the creation in flight (order)
    return std::nullopt;
  }
  if (!config) {
    if (!offload) TERN_LOG_WARN("the topic {} does not exist, producer: {}", topic, ctx.peer);
    AutoCreated outcome = created != nullptr ? *created : AutoCreate(topic, h);
    if (!outcome.ok()) return Response(request, RC::kSystemError, outcome.status().message());
    config = std::move(outcome).value();
    if (!config) {
      return Response(request, RC::kTopicNotExist,
                      fmt::format("topic[{}] not exist, apply first please!", topic));
    }
  }
  if (!protocol::IsWriteable(config->perm)) {
    return Response(request, RC::kNoPermission,
                    fmt::format("the topic[{}] sending message is forbidden", topic));
  }
  const int32_t valid = std::max(config->write_queue_nums, config->read_queue_nums);
  if (h.queue_id >= valid) {
    return Response(request, RC::kSystemError,
                    fmt::format("request queueId[{}] is illegal, {} Producer: {}", h.queue_id,
                                config->Encode(), ctx.peer));
  }
  int32_t queue_id = h.queue_id;
  if (queue_id < 0) {
    if (config->write_queue_nums <= 0) {
      return Response(request, RC::kSystemError,
                      fmt::format("topic[{}] has no writable queue", topic));
    }
    queue_id = RandomQueue(config->write_queue_nums);
  }
  auto born = protocol::HostAddress::Parse(ctx.peer);
  out->born_host = born.ok() ? *born : protocol::HostAddress();
  out->queue_id = queue_id;
  out->topic_config = std::move(*config);
  return std::nullopt;
}

void SendProcessor::SendSingle(const remoting::RequestContext& /*ctx*/, RemotingCommand request,
                               const protocol::SendMessageRequestHeader& h, Checked& checked,
                               remoting::Responder responder) {
  OutgoingMessage msg;
  msg.topic = h.topic;
  msg.queue_id = QueueId(checked.queue_id);
  msg.flag = h.flag;
  msg.sys_flag = h.sys_flag;
  msg.born_timestamp = h.born_timestamp;
  msg.born_host = checked.born_host;
  msg.reconsume_times = h.reconsume_times.value_or(0);

  protocol::MessageProperties props =
      protocol::MessageProperties::Parse(h.properties ? std::string_view(*h.properties) : "");

  // Retry topics (requests.md §B.1 step 6): past the max reconsume times the
  // message goes to the group's dead-letter queue.
  if (topic::IsRetryTopic(h.topic)) {
    const std::string group = h.topic.substr(topic::kRetryGroupTopicPrefix.size());
    auto group_config = groups_.Find(group);
    if (!group_config.ok()) {
      responder.Reply(Response(request, RC::kSystemError, group_config.status().message()));
      return;
    }
    if (!*group_config) {
      responder.Reply(Response(request, RC::kSubscriptionGroupNotExist,
                               fmt::format("subscription group not exist, {}", group)));
      return;
    }
    const int32_t max_times = retry::MaxReconsumeTimes((*group_config)->retry_max_times,
                                                       request.version, h.max_reconsume_times);
    if (retry::ReconsumeExhausted(msg.reconsume_times, max_times)) {
      auto dlq_config = retry::EnsureDlqTopic(topics_, group);
      if (!dlq_config.ok()) {
        responder.Reply(Response(request, RC::kSystemError, dlq_config.status().message()));
        return;
      }
      msg.topic = dlq_config->topic_name;
      msg.queue_id = QueueId(0);
      props.Remove(kDelayTimeLevel);
    }
  }

  if (checked.topic_config.topic_filter_type == protocol::TopicFilterType::kMultiTag) {
    msg.sys_flag |= protocol::MessageSysFlag::kMultiTags;
  }
  // WAIT is not stored (4.9) but decides whether a sync flush is awaited.
  bool wait = true;
  if (auto w = props.Get(kWaitStoreMsgOk)) {
    wait = IsTrue(*w);
    props.Remove(kWaitStoreMsgOk);
  }
  props.Set(kCluster, options_.cluster_name);
  std::string uniq_key;
  if (auto u = props.Get(kUniqClientMessageIdKeyIdx)) {
    uniq_key = std::string(*u);
  } else if (options_.generate_uniq_key) {
    uniq_key = protocol::UniqueIdGenerator::ForThisProcess().Next();
    props.Set(kUniqClientMessageIdKeyIdx, uniq_key);
  }
  const bool transactional = props.Get(kTransactionPrepared).has_value() &&
                             IsTrue(*props.Get(kTransactionPrepared));
  const int64_t delay_level =
      props.Get(kDelayTimeLevel) ? ParseLong(*props.Get(kDelayTimeLevel), 0) : 0;
  msg.properties = props.Serialize();
  msg.body = std::move(request.body);

  const int32_t response_queue_id = msg.queue_id.value();
  if (transactional) {
    if (options_.reject_transaction_message) {
      responder.Reply(Response(request, RC::kNoPermission,
                               fmt::format("the broker[{}] sending transaction message is forbidden",
                                           options_.broker_ip)));
      return;
    }
    if (hooks_.half_message) {
      if (Status s = hooks_.half_message(msg); !s.ok()) {
        responder.Reply(Response(request, RC::kSystemError, s.message()));
        return;
      }
    }
  } else if (hooks_.schedule && protocol::TakesQueueOffset(msg.sys_flag)) {
    SendHookVerdict verdict = hooks_.schedule(msg);
    if (verdict.code != RC::kSuccess) {
      responder.Reply(Response(request, verdict.code, std::move(verdict.remark)));
      return;
    }
  } else if (delay_level > 0 && hooks_.delay_level &&
             protocol::TakesQueueOffset(msg.sys_flag)) {
    if (Status s = hooks_.delay_level(msg); !s.ok()) {
      responder.Reply(Response(request, RC::kSystemError, s.message()));
      return;
    }
  }

  RemotingCommand response = Response(request, RC::kSuccess);
  const int32_t max_size = options_.max_message_size;
  store_.commit_log().Submit(
      msg.AsRecord(), wait,
      [response = std::move(response), responder = std::move(responder), uniq_key = std::move(uniq_key),
       response_queue_id, max_size, stats = options_.stats](store::PutResult result) mutable {
        ReplyToPut(result, /*batch=*/false, response_queue_id, max_size, stats,
                   std::move(uniq_key), std::move(response), responder);
      });
}

void SendProcessor::SendBatch(const remoting::RequestContext& /*ctx*/, RemotingCommand request,
                              const protocol::SendMessageRequestHeader& h, Checked& checked,
                              remoting::Responder responder) {
  if (h.topic.size() > topic::kTopicMaxLength) {
    responder.Reply(Response(request, RC::kMessageIllegal,
                             fmt::format("message topic length too long {}", h.topic.size())));
    return;
  }
  if (topic::IsRetryTopic(h.topic)) {
    responder.Reply(Response(request, RC::kMessageIllegal,
                             fmt::format("batch request does not support retry group {}", h.topic)));
    return;
  }
  auto entries = protocol::DecodeBatchBody(request.body);
  if (!entries.ok()) {
    responder.Reply(Response(request, RC::kMessageIllegal,
                             fmt::format("bad batch body: {}", entries.status().message())));
    return;
  }
  protocol::MessageProperties batch_props =
      protocol::MessageProperties::Parse(h.properties ? std::string_view(*h.properties) : "");
  bool wait = true;
  if (auto w = batch_props.Get(kWaitStoreMsgOk)) {
    wait = IsTrue(*w);
    batch_props.Remove(kWaitStoreMsgOk);
  }
  batch_props.Set(kCluster, options_.cluster_name);
  const std::string batch_properties = batch_props.Serialize();
  // An entry's own WAIT is dropped too (the stored record does not need it).
  std::vector<std::string> entry_props;
  entry_props.reserve(entries->size());
  for (protocol::BatchEntry& e : *entries) {
    if (protocol::FindProperty(e.properties, kWaitStoreMsgOk)) {
      protocol::MessageProperties p = protocol::MessageProperties::Parse(e.properties);
      p.Remove(kWaitStoreMsgOk);
      entry_props.push_back(p.Serialize());
      e.properties = entry_props.back();  // reserve() above keeps this view stable
    }
  }

  protocol::MessageRecord header;
  header.topic = h.topic;
  header.queue_id = QueueId(checked.queue_id);
  header.sys_flag = h.sys_flag;
  if (checked.topic_config.topic_filter_type == protocol::TopicFilterType::kMultiTag) {
    header.sys_flag |= protocol::MessageSysFlag::kMultiTags;
  }
  header.born_timestamp = h.born_timestamp;
  header.born_host = checked.born_host;
  header.reconsume_times = h.reconsume_times.value_or(0);
  header.properties = batch_properties;

  RemotingCommand response = Response(request, RC::kSuccess);
  const int32_t queue_id = checked.queue_id;
  const int32_t max_size = options_.max_message_size;
  store_.commit_log().SubmitBatch(
      header, std::span<const protocol::BatchEntry>(*entries), wait,
      [response = std::move(response), responder = std::move(responder), queue_id,
       max_size, stats = options_.stats](store::PutResult result) mutable {
        ReplyToPut(result, /*batch=*/true, queue_id, max_size, stats, /*transaction_id=*/{},
                   std::move(response), responder);
      });
}

}  // namespace tern::processor
