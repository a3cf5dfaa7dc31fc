// KV config requests: PUT_KV_CONFIG, GET_KV_CONFIG, DELETE_KV_CONFIG,
// GET_KVLIST_BY_NAMESPACE (requests.md §A.7). Put and delete persist the file
// before they answer, so they run on the KV writer thread.
#include <fmt/format.h>

#include "nameserver/handlers.h"
#include "src/protocol/codes.h"

namespace tern::nameserver {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace ResponseCode = protocol::ResponseCode;

Result<RemotingCommand> HandlePutKvConfig(NamesrvContext& ns, const RequestContext&,
                                          const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string space, request.RequiredString("namespace"));
  TERN_ASSIGN_OR_RETURN(std::string key, request.RequiredString("key"));
  TERN_ASSIGN_OR_RETURN(std::string value, request.RequiredString("value"));
  TERN_RETURN_IF_ERROR(ns.kv.Put(space, key, value));
  return RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
}

Result<RemotingCommand> HandleGetKvConfig(NamesrvContext& ns, const RequestContext&,
                                          const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string space, request.RequiredString("namespace"));
  TERN_ASSIGN_OR_RETURN(std::string key, request.RequiredString("key"));
  auto value = ns.kv.Get(space, key);
  if (!value) {
    return RemotingCommand::ResponseTo(
        request, ResponseCode::kQueryNotFound,
        fmt::format("No config item, Namespace: {} Key: {}", space, key));
  }
  RemotingCommand response = RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
  response.SetField("value", *value);
  return response;
}

Result<RemotingCommand> HandleDeleteKvConfig(NamesrvContext& ns, const RequestContext&,
                                             const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string space, request.RequiredString("namespace"));
  TERN_ASSIGN_OR_RETURN(std::string key, request.RequiredString("key"));
  TERN_RETURN_IF_ERROR(ns.kv.Delete(space, key));
  return RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
}

Result<RemotingCommand> HandleGetKvListByNamespace(NamesrvContext& ns, const RequestContext&,
                                                   const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string space, request.RequiredString("namespace"));
  auto table = ns.kv.GetNamespace(space);
  if (!table) {
    return RemotingCommand::ResponseTo(request, ResponseCode::kQueryNotFound,
                                       fmt::format("No config item, Namespace: {}", space));
  }
  RemotingCommand response = RemotingCommand::ResponseTo(request, ResponseCode::kSuccess);
  response.body = table->Encode();
  return response;
}

}  // namespace tern::nameserver
