// UPDATE_NAMESRV_CONFIG and GET_NAMESRV_CONFIG (requests.md §A.8): the body is
// Java properties text. An update is all-or-nothing: it is applied to a copy
// first, and an unknown key or a bad value rejects the whole request naming
// the key.
#include <fmt/format.h>

#include "nameserver/handlers.h"
#include "src/base/logging.h"
#include "src/base/properties.h"
#include "src/protocol/codes.h"

namespace tern::nameserver {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace ResponseCode = protocol::ResponseCode;

Result<RemotingCommand> HandleUpdateNamesrvConfig(NamesrvContext& ns, const RequestContext& ctx,
                                                  const RemotingCommand& request) {
  if (request.body.empty()) return RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
  auto props = ParseProperties(request.body, "UPDATE_NAMESRV_CONFIG body");
  if (!props.ok()) return props.status();
  for (const auto& [key, value] : *props) {
    if (IsNamesrvConfigUpdateForbidden(key)) {
      return RemotingCommand::ResponseTo(
          request, ResponseCode::kNoPermission,
          fmt::format("Can not update config in black list: {}", key));
    }
  }
  NamesrvConfig updated = ns.config;
  ConfigRegistry registry;
  RegisterNamesrvConfig(registry, &updated);
  Status st = registry.ApplyAll(*props);
  if (!st.ok()) return st;
  ns.config = std::move(updated);
  ns.routes.SetDefaultExpiryMs(ns.config.broker_channel_expired_millis);
  for (const auto& [key, value] : *props) {
    TERN_LOG_INFO("namesrv config updated by {}: {}={}", ctx.peer, key, value);
  }
  return RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
}

Result<RemotingCommand> HandleGetNamesrvConfig(NamesrvContext& ns, const RequestContext&,
                                               const RemotingCommand& request) {
  ConfigRegistry registry;
  RegisterNamesrvConfig(registry, &ns.config);
  RemotingCommand response = RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
  response.body = registry.ToPropertiesText();
  return response;
}

}  // namespace tern::nameserver
