#include "broker/processor/consumer_call_processor.h"

#include <fmt/format.h>

#include <memory>
#include <vector>

#include "broker/processor/mq_version.h"
#include "src/base/logging.h"
#include "src/protocol/admin_bodies.h"
#include "src/protocol/codes.h"

namespace tern::processor {

using remoting::RemotingCommand;
using remoting::Responder;
namespace RC = protocol::ResponseCode;

namespace {

// A response to be stamped by the Responder (opaque, flag, serialization).
RemotingCommand Answer(int32_t code, std::string remark = {}) {
  RemotingCommand r;
  r.code = code;
  if (!remark.empty()) r.remark = std::move(remark);
  return r;
}

// The answers of one INVOKE_BROKER_TO_GET_CONSUMER_STATUS, gathered on the
// loop thread; replies when the last client has answered or failed.
struct StatusGathering {
  Responder responder;
  size_t pending = 0;
  protocol::GetConsumerStatusBody body;

  void Done() {
    if (--pending > 0) return;
    RemotingCommand r = Answer(RC::kSuccess);
    r.body = body.Encode();
    responder.Reply(std::move(r));
  }
};

}  // namespace

ConsumerCallProcessor::ConsumerCallProcessor(broker::ConsumerManager& consumers,
                                             remoting::RpcServer& clients,
                                             ConsumerCallOptions options)
    : consumers_(consumers), clients_(clients), options_(options) {}

void ConsumerCallProcessor::Register(remoting::RpcServer& server) {
  namespace Q = protocol::RequestCode;
  auto call = [this](const remoting::RequestContext&, RemotingCommand request,
                     Responder responder) { CallConsumer(request, std::move(responder)); };
  server.RegisterAsync(Q::kGetConsumerRunningInfo, call);
  server.RegisterAsync(Q::kConsumeMessageDirectly, call);
  server.RegisterAsync(
      Q::kInvokeBrokerToGetConsumerStatus,
      [this](const remoting::RequestContext&, RemotingCommand request, Responder responder) {
        GetConsumerStatus(request, std::move(responder));
      });
}

void ConsumerCallProcessor::CallConsumer(const RemotingCommand& request, Responder responder) {
  auto group = request.RequiredString("consumerGroup");
  auto client_id = request.RequiredString("clientId");
  if (!group.ok() || !client_id.ok()) {
    const Status& st = !group.ok() ? group.status() : client_id.status();
    responder.Reply(Answer(RC::kSystemError, st.message()));
    return;
  }
  std::optional<broker::ClientChannel> channel = consumers_.FindChannel(*group, *client_id);
  if (!channel) {
    responder.Reply(Answer(RC::kSystemError,
                           fmt::format("The Consumer <{}> <{}> not online", *group, *client_id)));
    return;
  }
  if (channel->version < kVersionV3_1_8_Snapshot) {
    responder.Reply(
        Answer(RC::kSystemError,
               fmt::format("The Consumer <{}> Version <{}> too low to finish, please upgrade it to "
                           "V3_1_8_SNAPSHOT",
                           *client_id, MqVersionDesc(channel->version))));
    return;
  }

  RemotingCommand forward = RemotingCommand::Request(request.code);
  forward.ext_fields = request.ext_fields;
  forward.body = request.body;
  clients_.SendRequest(
      channel->connection, std::move(forward), options_.call_timeout_ms,
      [responder, group = *group, client_id = *client_id](Result<RemotingCommand> r) mutable {
        if (r.ok()) {
          RemotingCommand relay = Answer(r->code);
          relay.remark = std::move(r->remark);
          relay.ext_fields = std::move(r->ext_fields);
          relay.body = std::move(r->body);
          responder.Reply(std::move(relay));
          return;
        }
        if (r.status().code() == StatusCode::kTimeout) {
          responder.Reply(
              Answer(RC::kConsumeMsgTimeout, fmt::format("consumer <{}> <{}> Timeout: {}", group,
                                                         client_id, r.status().message())));
          return;
        }
        responder.Reply(
            Answer(RC::kSystemError, fmt::format("invoke consumer <{}> <{}> Exception: {}", group,
                                                 client_id, r.status().ToString())));
      });
}

void ConsumerCallProcessor::GetConsumerStatus(const RemotingCommand& request, Responder responder) {
  auto topic = request.RequiredString("topic");
  auto group = request.RequiredString("group");
  if (!topic.ok() || !group.ok()) {
    const Status& st = !topic.ok() ? topic.status() : group.status();
    responder.Reply(Answer(RC::kSystemError, st.message()));
    return;
  }
  const std::string only_client = request.StringOr("clientAddr", "");
  std::optional<broker::ConsumerGroupInfo> info = consumers_.GetGroup(*group);
  if (!info || info->channels.empty()) {
    responder.Reply(
        Answer(RC::kSystemError,
               fmt::format("No Any Consumer online in the consumer group: [{}]", *group)));
    return;
  }
  std::vector<broker::ClientChannel> targets;
  for (const auto& [connection, channel] : info->channels) {
    if (channel.version < kVersionV3_0_7_Snapshot) {
      responder.Reply(Answer(RC::kSystemError,
                             fmt::format("the client does not support this feature. version={}",
                                         MqVersionDesc(channel.version))));
      return;
    }
    if (only_client.empty() || only_client == channel.client_id) targets.push_back(channel);
  }

  auto gathering = std::make_shared<StatusGathering>();
  gathering->responder = std::move(responder);
  gathering->pending = targets.size() + 1;  // +1: released below, after every send
  RemotingCommand ask =
      RemotingCommand::Request(protocol::RequestCode::kGetConsumerStatusFromClient);
  ask.SetField("topic", *topic);
  ask.SetField("group", *group);
  for (const broker::ClientChannel& channel : targets) {
    clients_.SendRequest(channel.connection, ask, options_.status_timeout_ms,
                         [gathering, client_id = channel.client_id](Result<RemotingCommand> r) {
                           if (r.ok() && r->code == RC::kSuccess && !r->body.empty()) {
                             auto body = protocol::GetConsumerStatusBody::Decode(r->body);
                             if (body.ok()) {
                               gathering->body.consumer_table[client_id] =
                                   std::move(body->message_queue_table);
                             } else {
                               TERN_LOG_WARN("[get-consumer-status] bad answer from {}: {}",
                                             client_id, body.status().ToString());
                             }
                           } else if (!r.ok()) {
                             TERN_LOG_WARN("[get-consumer-status] {} did not answer: {}", client_id,
                                           r.status().ToString());
                           }
                           gathering->Done();
                         });
  }
  gathering->Done();
}

}  // namespace tern::processor
