#include "broker/processor/pull_processor.h"

#include <fmt/format.h>

#include <climits>
#include <utility>

#include "broker/processor/response_util.h"
#include "src/base/logging.h"
#include "src/protocol/codes.h"
#include "src/protocol/perm.h"
#include "src/protocol/subscription_data.h"

namespace tern::processor {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

namespace {

// Read status -> response code (requests.md §B.2 step 6).
int32_t PullCode(store::GetMessageStatus s, int64_t request_offset) {
  using store::GetMessageStatus;
  switch (s) {
    case GetMessageStatus::kFound: return RC::kSuccess;
    case GetMessageStatus::kNoMatchedMessage:
    case GetMessageStatus::kMessageWasRemoving: return RC::kPullRetryImmediately;
    case GetMessageStatus::kNoMatchedLogicQueue:
    case GetMessageStatus::kNoMessageInQueue:
      return request_offset != 0 ? RC::kPullOffsetMoved : RC::kPullNotFound;
    case GetMessageStatus::kOffsetFoundNull:
    case GetMessageStatus::kOffsetOverflowOne: return RC::kPullNotFound;
    case GetMessageStatus::kOffsetOverflowBadly:
    case GetMessageStatus::kOffsetTooSmall: return RC::kPullOffsetMoved;
  }
  return RC::kPullRetryImmediately;
}

}  // namespace

PullProcessor::PullProcessor(store::MessageStore& store, topic::TopicConfigManager& topics,
                             topic::SubscriptionGroupManager& groups,
                             meta::ConsumerOffsetTable& offsets,
                             const SubscriptionLookup* subscriptions, const Clock& clock,
                             PullOptions options)
    : store_(store),
      topics_(topics),
      groups_(groups),
      offsets_(offsets),
      subscriptions_(subscriptions),
      options_(std::move(options)),
      hold_(
          clock, options_.hold,
          [this](std::string_view topic, QueueId queue_id) {
            return store_.GetMaxOffset(topic, queue_id);
          },
          [this](longpoll::ParkedPull pull) { Rerun(std::move(pull)); }) {}

void PullProcessor::Register(remoting::RpcServer& server) {
  auto handler = [this](const remoting::RequestContext& ctx, RemotingCommand request,
                        remoting::Responder responder) {
    Handle(ctx, std::move(request), std::move(responder));
  };
  server.RegisterAsync(protocol::RequestCode::kPullMessage, handler);
  server.RegisterAsync(protocol::RequestCode::kLitePullMessage, handler);
}

void PullProcessor::Handle(const remoting::RequestContext& ctx, RemotingCommand request,
                           remoting::Responder responder) {
  std::optional<RemotingCommand> response = Process(ctx, request, responder, true);
  if (response) responder.Reply(std::move(*response));
}

void PullProcessor::Rerun(longpoll::ParkedPull pull) {
  std::optional<RemotingCommand> response =
      Process(pull.ctx, pull.request, pull.responder, false);
  if (response) pull.responder.Reply(std::move(*response));
}

std::optional<RemotingCommand> PullProcessor::Process(const remoting::RequestContext& ctx,
                                                      RemotingCommand& request,
                                                      remoting::Responder& responder,
                                                      bool allow_suspend) {
  auto parsed = protocol::PullMessageRequestHeader::Parse(request.ext_fields);
  if (!parsed.ok()) return MakeResponse(request, RC::kSystemError, parsed.status().message());
  const protocol::PullMessageRequestHeader& h = *parsed;

  if (!protocol::IsReadable(options_.broker_permission)) {
    return MakeResponse(request, RC::kNoPermission,
                        fmt::format("the broker[{}] pulling message is forbidden",
                                    options_.broker_ip));
  }
  auto group = groups_.Find(h.consumer_group);
  if (!group.ok()) return MakeResponse(request, RC::kSystemError, group.status().message());
  if (!*group) {
    return MakeResponse(request, RC::kSubscriptionGroupNotExist,
                        fmt::format("subscription group [{}] does not exist", h.consumer_group));
  }
  if (!(*group)->consume_enable) {
    return MakeResponse(request, RC::kNoPermission,
                        fmt::format("subscription group no permission, {}", h.consumer_group));
  }
  std::optional<protocol::TopicConfig> topic = topics_.Select(h.topic);
  if (!topic) {
    return MakeResponse(request, RC::kTopicNotExist,
                        fmt::format("topic[{}] not exist, apply first please!", h.topic));
  }
  if (!protocol::IsReadable(topic->perm)) {
    return MakeResponse(request, RC::kNoPermission,
                        fmt::format("the topic[{}] pulling message is forbidden", h.topic));
  }
  if (h.queue_id < 0 || h.queue_id >= topic->read_queue_nums) {
    return MakeResponse(
        request, RC::kSystemError,
        fmt::format("queueId[{}] is illegal, topic:[{}] topicConfig.readQueueNums:[{}] "
                    "consumer:[{}]",
                    h.queue_id, h.topic, topic->read_queue_nums, ctx.peer));
  }

  // The subscription: from the request (0x4) or from the heartbeat (Q20).
  protocol::SubscriptionData sub;
  if (protocol::HasSubscriptionFlag(h.sys_flag)) {
    sub = protocol::BuildSubscriptionData(h.topic, h.subscription.value_or("*"),
                                          h.expression_type.value_or("TAG"), h.sub_version);
  } else {
    std::optional<GroupSubscription> registered =
        subscriptions_ ? subscriptions_->Find(h.consumer_group, h.topic) : std::nullopt;
    if (!registered) {
      return MakeResponse(request, RC::kSubscriptionNotExist,
                          "the consumer's group info not exist");
    }
    if (registered->broadcasting && !(*group)->consume_broadcast_enable) {
      return MakeResponse(request, RC::kNoPermission,
                          fmt::format("the consumer group[{}] can not consume by broadcast way",
                                      h.consumer_group));
    }
    if (!registered->subscription) {
      return MakeResponse(request, RC::kSubscriptionNotExist,
                          "the consumer's subscription not exist");
    }
    if (registered->subscription->sub_version < h.sub_version) {
      return MakeResponse(request, RC::kSubscriptionNotLatest,
                          "the consumer's subscription not latest");
    }
    sub = std::move(*registered->subscription);
  }
  if (!protocol::IsTagType(sub.expression_type)) {
    return MakeResponse(request, RC::kSystemError,
                        fmt::format("The broker does not support consumer to filter message by {}",
                                    sub.expression_type));
  }
  auto filter = std::make_unique<store::TagFilter>(sub.tags_set);

  store::GetMessageResult result =
      store_.GetMessage(h.consumer_group, h.topic, QueueId(h.queue_id), QueueOffset(h.queue_offset),
                        h.max_msg_nums, h.max_msg_bytes.value_or(INT32_MAX), filter.get());
  const int32_t code = PullCode(result.status, h.queue_offset);

  // Commit the consumer's offset on the first execution (Java: even when the
  // pull is then suspended).
  if (allow_suspend && protocol::HasCommitOffsetFlag(h.sys_flag) && options_.is_master) {
    offsets_.Commit(h.topic, h.consumer_group, QueueId(h.queue_id), QueueOffset(h.commit_offset));
  }

  if (code == RC::kPullNotFound && allow_suspend && protocol::HasSuspendFlag(h.sys_flag)) {
    longpoll::ParkedPull parked;
    parked.ctx = ctx;
    parked.topic = h.topic;
    parked.queue_id = QueueId(h.queue_id);
    parked.pull_from_offset = QueueOffset(h.queue_offset);
    parked.timeout_ms = h.suspend_timeout_millis;
    parked.filter = std::move(filter);
    parked.request = std::move(request);
    parked.responder = std::move(responder);
    hold_.Park(std::move(parked));
    return std::nullopt;
  }

  RemotingCommand response =
      MakeResponse(request, code, std::string(store::GetMessageStatusName(result.status)));
  protocol::PullMessageResponseHeader header;
  header.suggest_which_broker_id = protocol::kMasterId;
  header.next_begin_offset = result.next_begin_offset.value();
  header.min_offset = result.min_offset.value();
  header.max_offset = result.max_offset.value();
  header.Encode(&response.ext_fields);
  const int64_t found = static_cast<int64_t>(result.messages.size());
  // Zero copy: the records go out as slices of the mapped log (see RecordSlices).
  if (code == RC::kSuccess) response.body_slices = RecordSlices(std::move(result.messages));
  if (options_.stats != nullptr) {
    if (code == RC::kSuccess) {
      options_.stats->OnGet(h.consumer_group, h.topic, found, result.total_bytes);
    } else {
      options_.stats->OnGetMiss();
    }
  }
  return response;
}

}  // namespace tern::processor
