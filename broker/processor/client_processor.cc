#include "broker/processor/client_processor.h"

#include <fmt/format.h>

#include "src/base/logging.h"
#include "src/protocol/codes.h"
#include "src/protocol/connection_body.h"
#include "src/protocol/heartbeat_data.h"
#include "src/protocol/lock_batch_body.h"
#include "src/protocol/perm.h"

namespace tern::broker {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;
using remoting::RemotingCommand;
using remoting::RequestContext;

namespace {

constexpr std::string_view kRetryGroupTopicPrefix = "%RETRY%";

RemotingCommand Success(const RemotingCommand& request) {
  return RemotingCommand::ResponseTo(request, Code::kSuccess);
}

std::vector<protocol::Connection> ToConnections(const std::vector<ClientChannel>& channels) {
  std::vector<protocol::Connection> out;
  out.reserve(channels.size());
  for (const ClientChannel& ch : channels) {
    out.push_back({ch.client_id, ch.client_addr, ch.language, ch.version});
  }
  return out;
}

}  // namespace

ClientProcessor::ClientProcessor(ProducerManager& producers, ConsumerManager& consumers,
                                 RebalanceLockManager& locks, SubscriptionGroupSource& groups,
                                 RetryTopicCreator& retry_topics, const Clock& clock,
                                 ClientProcessorOptions options)
    : producers_(producers),
      consumers_(consumers),
      locks_(locks),
      groups_(groups),
      retry_topics_(retry_topics),
      clock_(clock),
      options_(std::move(options)) {}

const std::vector<ClientProcessor::Entry>& ClientProcessor::Handlers() {
  static const std::vector<Entry> kHandlers = {
      {RC::kHeartBeat, "HEART_BEAT", &ClientProcessor::HeartBeat},
      {RC::kUnregisterClient, "UNREGISTER_CLIENT", &ClientProcessor::UnregisterClient},
      {RC::kGetConsumerListByGroup, "GET_CONSUMER_LIST_BY_GROUP",
       &ClientProcessor::GetConsumerListByGroup},
      {RC::kCheckClientConfig, "CHECK_CLIENT_CONFIG", &ClientProcessor::CheckClientConfig},
      {RC::kLockBatchMq, "LOCK_BATCH_MQ", &ClientProcessor::LockBatchMq},
      {RC::kUnlockBatchMq, "UNLOCK_BATCH_MQ", &ClientProcessor::UnlockBatchMq},
      {RC::kGetConsumerConnectionList, "GET_CONSUMER_CONNECTION_LIST",
       &ClientProcessor::GetConsumerConnectionList},
      {RC::kGetProducerConnectionList, "GET_PRODUCER_CONNECTION_LIST",
       &ClientProcessor::GetProducerConnectionList},
  };
  return kHandlers;
}

ClientChannel ClientProcessor::ChannelOf(const RequestContext& ctx, const RemotingCommand& request,
                                         std::string client_id) const {
  ClientChannel ch;
  ch.connection = ctx.connection;
  ch.client_id = std::move(client_id);
  ch.client_addr = ctx.peer;
  ch.language = request.language;
  ch.version = request.version;
  ch.last_update_ms = clock_.MonotonicMs();
  return ch;
}

Result<RemotingCommand> ClientProcessor::HeartBeat(const RequestContext& ctx,
                                                   const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(protocol::HeartbeatData data,
                        protocol::HeartbeatData::Decode(request.body));
  ClientChannel channel = ChannelOf(ctx, request, data.client_id);
  Status first_error;
  for (const protocol::ConsumerData& consumer : data.consumer_data_set) {
    bool notify_group = true;
    auto settings = groups_.FindOrCreateGroup(consumer.group_name);
    if (!settings.ok()) {
      TERN_LOG_WARN("heartbeat from {}: creating consumer group {} failed: {}", ctx.peer,
                    consumer.group_name, settings.status().ToString());
      if (first_error.ok()) first_error = settings.status();
    } else if (settings->has_value()) {
      const ConsumerGroupSettings& s = **settings;
      notify_group = s.notify_consumer_ids_changed_enable;
      int32_t sys_flag = consumer.unit_mode ? protocol::kTopicSysFlagUnitSub : 0;
      std::string retry_topic = std::string(kRetryGroupTopicPrefix) + consumer.group_name;
      Status st = retry_topics_.EnsureRetryTopic(retry_topic, s.retry_queue_nums,
                                                 protocol::kPermReadWrite, sys_flag);
      if (!st.ok()) {
        TERN_LOG_WARN("heartbeat from {}: creating retry topic {} failed: {}", ctx.peer,
                      retry_topic, st.ToString());
        if (first_error.ok()) first_error = st;
      }
    }
    ConsumerManager::Registration r;
    r.group = consumer.group_name;
    r.channel = channel;
    r.consume_type = consumer.consume_type;
    r.message_model = consumer.message_model;
    r.consume_from_where = consumer.consume_from_where;
    r.subscriptions = consumer.subscription_data_set;
    if (consumers_.RegisterConsumer(r, notify_group)) {
      TERN_LOG_INFO("registerConsumer info changed, group {} client {} from {}", r.group,
                    channel.client_id, ctx.peer);
    }
  }
  for (const protocol::ProducerData& producer : data.producer_data_set) {
    producers_.RegisterProducer(producer.group_name, channel);
  }
  // No IS_SUPPORT_HEART_BEAT_V2 / IS_SUB_CHANGE: 5.x clients stay on v1 (quirks Q37).
  if (!first_error.ok()) {
    return RemotingCommand::ResponseTo(request, Code::kSystemError, first_error.message());
  }
  return Success(request);
}

void ClientProcessor::HeartBeatAsync(const RequestContext& ctx, RemotingCommand request,
                                     remoting::Responder responder) {
  auto data = protocol::HeartbeatData::Decode(request.body);
  bool prepare = false;
  if (data.ok() && options_.meta_worker != nullptr && options_.loop != nullptr) {
    prepare = pending_heartbeats_.count(ctx.connection) != 0;
    for (const protocol::ConsumerData& consumer : data->consumer_data_set) {
      if (prepare) break;
      prepare = !groups_.FindGroup(consumer.group_name) ||
                !retry_topics_.RetryTopicExists(std::string(kRetryGroupTopicPrefix) +
                                                consumer.group_name);
    }
  }
  if (!prepare) return responder.ReplyResult(HeartBeat(ctx, request));
  ++pending_heartbeats_[ctx.connection];
  options_.meta_worker->Submit([this, ctx, consumers = std::move(data->consumer_data_set),
                                request = std::move(request),
                                responder = std::move(responder)]() mutable {
    // The durable part, as HeartBeat does it; errors are reported by HeartBeat.
    for (const protocol::ConsumerData& consumer : consumers) {
      auto settings = groups_.FindOrCreateGroup(consumer.group_name);
      if (!settings.ok() || !settings->has_value()) continue;
      int32_t sys_flag = consumer.unit_mode ? protocol::kTopicSysFlagUnitSub : 0;
      retry_topics_
          .EnsureRetryTopic(std::string(kRetryGroupTopicPrefix) + consumer.group_name,
                            (*settings)->retry_queue_nums, protocol::kPermReadWrite, sys_flag)
          .IgnoreError();
    }
    PostAfterAnnounce(
        *options_.loop, options_.announce, options_.announce_wait_ms, "heartbeat from " + ctx.peer,
        [this, ctx, request = std::move(request), responder = std::move(responder)]() mutable {
          auto it = pending_heartbeats_.find(ctx.connection);
          if (it != pending_heartbeats_.end() && --it->second == 0) {
            pending_heartbeats_.erase(it);
          }
          responder.ReplyResult(HeartBeat(ctx, request));
        });
  });
}

Result<RemotingCommand> ClientProcessor::UnregisterClient(const RequestContext& ctx,
                                                          const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string client_id, request.RequiredString("clientID"));
  if (auto group = request.Field("producerGroup")) {
    producers_.UnregisterProducer(*group, ctx.connection);
  }
  if (auto group = request.Field("consumerGroup")) {
    auto settings = groups_.FindGroup(std::string(*group));
    bool notify_group = !settings || settings->notify_consumer_ids_changed_enable;
    consumers_.UnregisterConsumer(*group, ctx.connection, notify_group);
  }
  TERN_LOG_DEBUG("unregister client {} from {}", client_id, ctx.peer);
  return Success(request);
}

Result<RemotingCommand> ClientProcessor::GetConsumerListByGroup(const RequestContext& ctx,
                                                                const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string group, request.RequiredString("consumerGroup"));
  std::vector<std::string> ids = consumers_.ClientIds(group);
  if (ids.empty()) {
    TERN_LOG_DEBUG("no consumer for group {} (asked by {})", group, ctx.peer);
    return RemotingCommand::ResponseTo(request, Code::kSystemError,
                                       "no consumer for this group, " + group);
  }
  RemotingCommand response = Success(request);
  response.body = protocol::ConsumerIdList{std::move(ids)}.Encode();
  return response;
}

Result<RemotingCommand> ClientProcessor::CheckClientConfig(const RequestContext&,
                                                           const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(auto body, protocol::CheckClientRequestBody::Decode(request.body));
  if (!body.subscription_data) return Success(request);
  const protocol::SubscriptionData& sub = *body.subscription_data;
  if (protocol::IsTagType(sub.expression_type)) return Success(request);
  if (!options_.enable_property_filter) {
    return RemotingCommand::ResponseTo(
        request, Code::kSystemError,
        "The broker does not support consumer to filter message by " + sub.expression_type);
  }
  if (options_.compile_filter) {
    Status st = options_.compile_filter(sub.expression_type, sub.sub_string);
    if (!st.ok()) {
      return RemotingCommand::ResponseTo(request, Code::kSubscriptionParseFailed, st.message());
    }
  }
  return Success(request);
}

Result<RemotingCommand> ClientProcessor::LockBatchMq(const RequestContext&,
                                                     const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(auto body, protocol::LockBatchRequestBody::Decode(request.body));
  protocol::LockBatchResponseBody out;
  out.lock_ok_mq_set = locks_.TryLockBatch(body.consumer_group, body.mq_set, body.client_id);
  RemotingCommand response = Success(request);
  response.body = out.Encode();
  return response;
}

Result<RemotingCommand> ClientProcessor::UnlockBatchMq(const RequestContext&,
                                                       const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(auto body, protocol::UnlockBatchRequestBody::Decode(request.body));
  locks_.UnlockBatch(body.consumer_group, body.mq_set, body.client_id);
  return Success(request);
}

Result<RemotingCommand> ClientProcessor::GetConsumerConnectionList(const RequestContext&,
                                                                   const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string group, request.RequiredString("consumerGroup"));
  std::optional<ConsumerGroupInfo> info = consumers_.GetGroup(group);
  if (!info) {
    return RemotingCommand::ResponseTo(request, Code::kConsumerNotOnline,
                                       fmt::format("the consumer group[{}] not online", group));
  }
  protocol::ConsumerConnection body;
  std::vector<ClientChannel> channels;
  for (const auto& [conn, ch] : info->channels) channels.push_back(ch);
  body.connection_set = ToConnections(channels);
  body.subscription_table = info->subscription_table;
  body.consume_type = info->consume_type;
  body.message_model = info->message_model;
  body.consume_from_where = info->consume_from_where;
  RemotingCommand response = Success(request);
  response.body = body.Encode();
  return response;
}

Result<RemotingCommand> ClientProcessor::GetProducerConnectionList(const RequestContext&,
                                                                   const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string group, request.RequiredString("producerGroup"));
  auto channels = producers_.GroupChannels(group);
  if (!channels) {
    return RemotingCommand::ResponseTo(request, Code::kSystemError,
                                       fmt::format("the producer group[{}] not exist", group));
  }
  protocol::ProducerConnection body;
  body.connection_set = ToConnections(*channels);
  RemotingCommand response = Success(request);
  response.body = body.Encode();
  return response;
}

void RegisterClientHandlers(ClientProcessor& processor, remoting::RpcServer& server) {
  for (const ClientProcessor::Entry& e : ClientProcessor::Handlers()) {
    ClientProcessor::Handler h = e.handler;
    if (e.code == RC::kHeartBeat && processor.has_meta_worker()) {
      server.RegisterAsync(e.code, [&processor](const RequestContext& ctx, RemotingCommand request,
                                                remoting::Responder responder) {
        processor.HeartBeatAsync(ctx, std::move(request), std::move(responder));
      });
      continue;
    }
    server.RegisterSync(e.code,
                        [&processor, h](const RequestContext& ctx, const RemotingCommand& request) {
                          return (processor.*h)(ctx, request);
                        });
  }
}

}  // namespace tern::broker
