#include "src/client/consumer_requests.h"

#include "src/client/status_convert.h"
#include "src/protocol/codes.h"
#include "src/protocol/connection_body.h"
#include "src/protocol/lock_batch_body.h"
#include "src/protocol/message_id.h"

namespace tern::client {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;
using remoting::RemotingCommand;
using ternmq::StatusCode;

RemotingCommand QueueRequest(int32_t code, const ternmq::MessageQueue& q) {
  RemotingCommand request = RemotingCommand::Request(code);
  request.SetField("topic", q.topic);
  request.SetField("queueId", int64_t{q.queue_id});
  request.SetField("bname", q.broker_name);
  return request;
}

// The response, or the transport failure; any code.
ternmq::Result<RemotingCommand> Call(const BrokerCall& call, RemotingCommand request) {
  return FromTern(call.rpc.InvokeSync(call.addr, std::move(request), call.timeout_ms));
}

ternmq::Result<int64_t> OffsetField(const BrokerCall& call, RemotingCommand request,
                                    const char* what) {
  auto r = Call(call, std::move(request));
  if (!r.ok()) return r.status();
  if (r->code != Code::kSuccess) return BrokerError(r->code, r->remark, "broker " + call.addr);
  auto offset = r->RequiredInt64("offset");
  if (!offset.ok()) {
    return ternmq::Status(StatusCode::kInternal,
                          std::string(what) + " answer without offset: " + offset.status().ToString());
  }
  return *offset;
}

ternmq::Status Expect(const BrokerCall& call, const ternmq::Result<RemotingCommand>& r) {
  if (!r.ok()) return r.status();
  if (r->code != Code::kSuccess) return BrokerError(r->code, r->remark, "broker " + call.addr);
  return ternmq::Status::Ok();
}

}  // namespace

protocol::MessageQueue ToProtocol(const ternmq::MessageQueue& q) {
  return {q.topic, q.broker_name, q.queue_id};
}

ternmq::MessageQueue FromProtocol(const protocol::MessageQueue& q) {
  return {q.topic, q.broker_name, q.queue_id};
}

ternmq::Result<int64_t> QueryConsumerOffset(const BrokerCall& call, const std::string& group,
                                            const ternmq::MessageQueue& queue) {
  RemotingCommand request = QueueRequest(RC::kQueryConsumerOffset, queue);
  request.SetField("consumerGroup", group);
  auto r = Call(call, std::move(request));
  if (!r.ok()) return r.status();
  if (r->code == Code::kQueryNotFound) {
    return ternmq::Status(StatusCode::kNotFound, "no offset of group " + group + " for " +
                                                     queue.ToString());
  }
  if (r->code != Code::kSuccess) return BrokerError(r->code, r->remark, "broker " + call.addr);
  auto offset = r->RequiredInt64("offset");
  if (!offset.ok()) return ternmq::Status(StatusCode::kInternal, offset.status().ToString());
  return *offset;
}

namespace {
RemotingCommand UpdateOffsetRequest(const std::string& group, const ternmq::MessageQueue& queue,
                                    int64_t offset) {
  RemotingCommand request = QueueRequest(RC::kUpdateConsumerOffset, queue);
  request.SetField("consumerGroup", group);
  request.SetField("commitOffset", offset);
  return request;
}
}  // namespace

ternmq::Status UpdateConsumerOffset(const BrokerCall& call, const std::string& group,
                                    const ternmq::MessageQueue& queue, int64_t offset) {
  return Expect(call, Call(call, UpdateOffsetRequest(group, queue, offset)));
}

void UpdateConsumerOffsetOneway(const BrokerCall& call, const std::string& group,
                                const ternmq::MessageQueue& queue, int64_t offset) {
  call.rpc.InvokeOneway(call.addr, UpdateOffsetRequest(group, queue, offset));
}

ternmq::Result<int64_t> GetMaxOffset(const BrokerCall& call, const ternmq::MessageQueue& queue) {
  return OffsetField(call, QueueRequest(RC::kGetMaxOffset, queue), "GET_MAX_OFFSET");
}

ternmq::Result<int64_t> GetMinOffset(const BrokerCall& call, const ternmq::MessageQueue& queue) {
  return OffsetField(call, QueueRequest(RC::kGetMinOffset, queue), "GET_MIN_OFFSET");
}

ternmq::Result<int64_t> SearchOffset(const BrokerCall& call, const ternmq::MessageQueue& queue,
                                     int64_t timestamp_ms) {
  RemotingCommand request = QueueRequest(RC::kSearchOffsetByTimestamp, queue);
  request.SetField("timestamp", timestamp_ms);
  return OffsetField(call, std::move(request), "SEARCH_OFFSET_BY_TIMESTAMP");
}

ternmq::Result<std::vector<std::string>> GetConsumerIdList(const BrokerCall& call,
                                                           const std::string& group) {
  RemotingCommand request = RemotingCommand::Request(RC::kGetConsumerListByGroup);
  request.SetField("consumerGroup", group);
  auto r = Call(call, std::move(request));
  if (auto st = Expect(call, r); !st.ok()) return st;
  auto list = protocol::ConsumerIdList::Decode(r->body);
  if (!list.ok()) return ternmq::Status(StatusCode::kInternal, list.status().ToString());
  return std::move(list->consumer_id_list);
}

ternmq::Status SendMessageBack(const BrokerCall& call, const std::string& group,
                               const ternmq::MessageView& message, int32_t delay_level,
                               int32_t max_reconsume_times) {
  auto id = protocol::DecodeOffsetMessageId(message.offset_msg_id);
  if (!id.ok()) {
    return ternmq::Status(StatusCode::kInternal, "bad offset msgId " + message.offset_msg_id);
  }
  RemotingCommand request = RemotingCommand::Request(RC::kConsumerSendMsgBack);
  request.SetField("offset", id->offset.value());
  request.SetField("group", group);
  request.SetField("delayLevel", int64_t{delay_level});
  request.SetField("originMsgId", message.msg_id);
  request.SetField("originTopic", message.topic);
  request.SetField("unitMode", false);
  request.SetField("maxReconsumeTimes", int64_t{max_reconsume_times});
  request.SetField("bname", message.broker_name);
  return Expect(call, Call(call, std::move(request)));
}

ternmq::Result<std::set<ternmq::MessageQueue>> LockBatch(
    const BrokerCall& call, const std::string& group, const std::string& client_id,
    const std::set<ternmq::MessageQueue>& queues) {
  protocol::LockBatchRequestBody body;
  body.client_id = client_id;
  body.consumer_group = group;
  for (const auto& q : queues) body.mq_set.insert(ToProtocol(q));
  RemotingCommand request = RemotingCommand::Request(RC::kLockBatchMq);
  request.body = body.Encode();
  auto r = Call(call, std::move(request));
  if (auto st = Expect(call, r); !st.ok()) return st;
  auto locked = protocol::LockBatchResponseBody::Decode(r->body);
  if (!locked.ok()) return ternmq::Status(StatusCode::kInternal, locked.status().ToString());
  std::set<ternmq::MessageQueue> out;
  for (const auto& q : locked->lock_ok_mq_set) out.insert(FromProtocol(q));
  return out;
}

namespace {
RemotingCommand UnlockRequest(const std::string& group, const std::string& client_id,
                              const std::set<ternmq::MessageQueue>& queues) {
  protocol::UnlockBatchRequestBody body;
  body.client_id = client_id;
  body.consumer_group = group;
  for (const auto& q : queues) body.mq_set.insert(ToProtocol(q));
  RemotingCommand request = RemotingCommand::Request(RC::kUnlockBatchMq);
  request.body = body.Encode();
  return request;
}
}  // namespace

ternmq::Status UnlockBatch(const BrokerCall& call, const std::string& group,
                           const std::string& client_id,
                           const std::set<ternmq::MessageQueue>& queues) {
  return Expect(call, Call(call, UnlockRequest(group, client_id, queues)));
}

void UnlockBatchOneway(const BrokerCall& call, const std::string& group,
                       const std::string& client_id,
                       const std::set<ternmq::MessageQueue>& queues) {
  call.rpc.InvokeOneway(call.addr, UnlockRequest(group, client_id, queues));
}

ternmq::Status UnregisterConsumer(const BrokerCall& call, const std::string& client_id,
                                  const std::string& group) {
  RemotingCommand request = RemotingCommand::Request(RC::kUnregisterClient);
  request.SetField("clientID", client_id);
  request.SetField("consumerGroup", group);
  return Expect(call, Call(call, std::move(request)));
}

}  // namespace tern::client
