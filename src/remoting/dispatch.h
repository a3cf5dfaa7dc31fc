// Request dispatch rules shared by RpcServer and RpcClient
// (shared/spec/remoting.md §10): how responses are stamped, what unknown codes
// and failing handlers answer, and how a command goes onto a connection.
//
// Threading: the connection's loop thread.
#pragma once

#include <cstdint>
#include <optional>

#include "src/base/status.h"
#include "src/net/tcp_connection.h"
#include "src/remoting/remoting_command.h"
#include "src/remoting/rpc_server.h"

namespace tern::remoting {

// Makes `response` answer the request `opaque`: response flag set (oneway
// bit cleared), serialization of the request, language "JAVA", version 401.
void StampResponse(int32_t opaque, SerializeType type, RemotingCommand* response);

// REQUEST_CODE_NOT_SUPPORTED, remark " request type <code> not supported".
RemotingCommand NotSupportedResponse(const RemotingCommand& request);
// SYSTEM_ERROR with the status message as remark.
RemotingCommand ErrorResponse(int32_t opaque, SerializeType type, const Status& status);

// Runs `handler` and returns the stamped response, or nullopt for a oneway
// request (whose result is dropped).
std::optional<RemotingCommand> RunSyncHandler(const SyncHandler& handler, const RequestContext& ctx,
                                              const RemotingCommand& request);

// Encodes `cmd` and queues it on `conn`; the body is moved, not copied.
// Fails when the command cannot be encoded (logged) or the connection is
// closing.
Status WriteCommand(net::TcpConnection& conn, RemotingCommand&& cmd);

}  // namespace tern::remoting
