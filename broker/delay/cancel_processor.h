// CANCEL_SCHEDULED_MESSAGE (TernMQ request code 5001, delay_format.h):
// cancels a scheduled (delay-level or timer) message by topic + unique key.
//
//   request  code 5001, ext fields: topic, uniqKey
//   response SUCCESS with ext field result = CANCELLED | ALREADY_DELIVERED |
//            NOT_FOUND (remark explains); INVALID_PARAMETER (29) when a field
//            is missing; SERVICE_NOT_AVAILABLE (14) while stopping or when the
//            cancel could not be made durable.
//
// Threads: Handle() on the loop thread (never blocks: the service answers
// from its own thread through the Responder). The service must outlive the
// processor and every pending request (stop the RpcServer first).
#pragma once

#include "broker/delay/schedule_service.h"
#include "src/remoting/rpc_server.h"

namespace tern::delay {

class CancelProcessor {
 public:
  explicit CancelProcessor(ScheduleService& service) : service_(service) {}

  // Registers kCancelScheduledMessage (async).
  void Register(remoting::RpcServer& server);
  void Handle(const remoting::RequestContext& ctx, remoting::RemotingCommand request,
              remoting::Responder responder);

 private:
  ScheduleService& service_;
};

}  // namespace tern::delay
