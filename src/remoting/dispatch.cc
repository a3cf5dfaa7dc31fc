#include "src/remoting/dispatch.h"

#include <fmt/format.h>

#include "src/base/logging.h"
#include "src/remoting/command_codec.h"

namespace tern::remoting {

void StampResponse(int32_t opaque, SerializeType type, RemotingCommand* response) {
  response->opaque = opaque;
  response->flag = (response->flag | kFlagResponse) & ~kFlagOneway;
  response->serialize_type = type;
  response->language = "JAVA";
  response->version = protocol::kOurVersion;
}

RemotingCommand NotSupportedResponse(const RemotingCommand& request) {
  RemotingCommand response;
  response.code = protocol::ResponseCode::kRequestCodeNotSupported;
  response.remark = fmt::format(" request type {} not supported", request.code);
  StampResponse(request.opaque, request.serialize_type, &response);
  return response;
}

RemotingCommand ErrorResponse(int32_t opaque, SerializeType type, const Status& status) {
  RemotingCommand response;
  response.code = protocol::ResponseCode::kSystemError;
  response.remark = status.message().empty() ? status.ToString() : status.message();
  StampResponse(opaque, type, &response);
  return response;
}

std::optional<RemotingCommand> RunSyncHandler(const SyncHandler& handler, const RequestContext& ctx,
                                              const RemotingCommand& request) {
  Result<RemotingCommand> result = handler(ctx, request);
  if (request.IsOneway()) return std::nullopt;
  if (!result.ok()) return ErrorResponse(request.opaque, request.serialize_type, result.status());
  RemotingCommand response = std::move(result).value();
  StampResponse(request.opaque, request.serialize_type, &response);
  return response;
}

Status WriteCommand(net::TcpConnection& conn, RemotingCommand&& cmd) {
  std::string prefix;
  Status st = EncodeFramePrefix(cmd, &prefix);
  if (!st.ok()) {
    TERN_LOG_WARN("cannot encode command code {} for {}: {}", cmd.code, conn.peer(), st.message());
    return st;
  }
  if (!conn.Write(std::move(prefix), std::move(cmd.body), std::move(cmd.body_slices))) {
    return Status::Unavailable(fmt::format("connection to {} is closed", conn.peer()));
  }
  return Status::Ok();
}

}  // namespace tern::remoting
