// Admin requests the broker answers by asking the consumers themselves
// (shared/spec/requests.md §B.26, §B.27; remoting.md §11):
//
//   GET_CONSUMER_RUNNING_INFO (307), CONSUME_MESSAGE_DIRECTLY (309):
//     the client (consumerGroup, clientId) among the live consumer channels
//     gets a NEW request (fresh opaque) carrying the admin's extFields and
//     body; its response -- code, remark, extFields, body -- is relayed to the
//     admin. Not online -> SYSTEM_ERROR "The Consumer <g> <id> not online";
//     client older than V3_1_8 -> SYSTEM_ERROR; no answer within the timeout
//     -> CONSUME_MSG_TIMEOUT (207); any other failure -> SYSTEM_ERROR.
//   INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223):
//     GET_CONSUMER_STATUS_FROM_CLIENT (221) to every consumer of the group (or
//     the one whose clientId is `clientAddr`), answers gathered into a
//     GetConsumerStatusBody {"consumerTable":{clientId:{{mq}:offset}}}; clients
//     that fail or time out are left out. No consumer -> SYSTEM_ERROR.
//
// Threads: async handlers on the loop thread; the client answers arrive on
// the same loop (RpcServer::SendRequest callbacks), so the per-request state
// is touched by that one thread only. References must outlive the processor.
#pragma once

#include <cstdint>

#include "broker/client/consumer_manager.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

struct ConsumerCallOptions {
  int64_t call_timeout_ms = 10'000;   // 307 / 309 (Java callClient: 10 s)
  int64_t status_timeout_ms = 5'000;  // 221 per client (Java: 5 s)
};

class ConsumerCallProcessor {
 public:
  // `clients` is the server whose connections the consumers heartbeat on.
  ConsumerCallProcessor(broker::ConsumerManager& consumers, remoting::RpcServer& clients,
                        ConsumerCallOptions options = {});

  // Registers codes 307, 309 and 223 (async handlers).
  void Register(remoting::RpcServer& server);

  // Forwards `request` (307 or 309) to the consumer and relays its answer.
  void CallConsumer(const remoting::RemotingCommand& request, remoting::Responder responder);
  void GetConsumerStatus(const remoting::RemotingCommand& request, remoting::Responder responder);

 private:
  broker::ConsumerManager& consumers_;
  remoting::RpcServer& clients_;
  const ConsumerCallOptions options_;
};

}  // namespace tern::processor
