#include "broker/delay/cancel_processor.h"

#include "broker/processor/response_util.h"
#include "src/protocol/codes.h"

namespace tern::delay {

namespace RC = protocol::ResponseCode;

void CancelProcessor::Register(remoting::RpcServer& server) {
  server.RegisterAsync(kCancelScheduledMessage,
                       [this](const remoting::RequestContext& ctx, remoting::RemotingCommand request,
                              remoting::Responder responder) {
                         Handle(ctx, std::move(request), std::move(responder));
                       });
}

void CancelProcessor::Handle(const remoting::RequestContext& /*ctx*/,
                             remoting::RemotingCommand request, remoting::Responder responder) {
  auto topic = request.Field(kCancelTopicField);
  auto uniq = request.Field(kCancelUniqKeyField);
  if (!topic || topic->empty() || !uniq || uniq->empty()) {
    responder.Reply(processor::MakeResponse(request, RC::kInvalidParameter,
                                            "CANCEL_SCHEDULED_MESSAGE needs topic and uniqKey"));
    return;
  }
  // The answer is built from the request's identity only (no pointer to it).
  remoting::RemotingCommand response = processor::MakeResponse(request, RC::kSuccess);
  service_.Cancel(std::string(*topic), std::string(*uniq),
                  [response = std::move(response),
                   responder = std::move(responder)](CancelOutcome outcome) mutable {
                    if (outcome.result == CancelResult::kUnavailable) {
                      response.code = RC::kServiceNotAvailable;
                    } else {
                      response.SetField(std::string(kCancelResultField),
                                        std::string(CancelResultName(outcome.result)));
                    }
                    if (!outcome.remark.empty()) response.remark = std::move(outcome.remark);
                    responder.Reply(std::move(response));
                  });
}

}  // namespace tern::delay
