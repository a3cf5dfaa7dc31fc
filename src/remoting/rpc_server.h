// RpcServer: accepts connections, decodes frames, dispatches requests by code
// to registered handlers, and writes responses.
//
// Threading: handlers run on the loop thread and must not block; work that
// may block (disk) is handed to another thread and answered later through a
// Responder (Reply from any thread). Each method states its thread; Start,
// Stop, SendOneway, SendRequest, port and connection_count may be called from
// any thread.
//
// Rules (shared/spec/remoting.md §10): unknown code -> REQUEST_CODE_NOT_SUPPORTED
// with remark " request type <code> not supported"; oneway requests get no
// response; a response uses the request's serialization type; a handler that
// returns an error Status becomes SYSTEM_ERROR with the message as remark.
// A frame that cannot be decoded (too large, lying length, bad header) closes
// that connection only, with a log line naming the peer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "src/base/status.h"
#include "src/base/strong_id.h"
#include "src/net/event_loop.h"
#include "src/remoting/remoting_command.h"

namespace tern::remoting {

struct RequestContext {
  ConnectionId connection;
  std::string peer;   // remote "ip:port" (IPv4-mapped IPv6 shown as IPv4)
  std::string local;  // local "ip:port" the request arrived on
};

// Invoked once with the response, or with an error Status (timeout,
// connection closed). Runs on the loop thread of the sender.
using ResponseCallback = std::function<void(Result<RemotingCommand>)>;

class RpcServer;

// Completes one deferred request. Reply() may be called from any thread, at
// most once; it posts the write to the loop (or writes directly on the loop
// thread). Replying to a oneway request, after the connection closed, or after
// the server was destroyed does nothing. The object carries only ids, so it
// may outlive the server and its loop. It is copyable so that it can ride in a
// std::function, but all copies answer the same request: reply through one.
class Responder {
 public:
  Responder() = default;
  void Reply(RemotingCommand response);
  // Replies with the response in `result`, or with SYSTEM_ERROR carrying its
  // Status: what a sync handler returning `result` would have answered.
  void ReplyResult(Result<RemotingCommand> result);
  bool valid() const { return server_id_ != 0; }
  // True when the request was oneway (Reply is then a no-op).
  bool oneway() const { return oneway_; }

 private:
  friend class RpcServer;
  uint64_t server_id_ = 0;  // registry id of the server (0 = nothing to answer)
  ConnectionId connection_;
  int32_t opaque_ = 0;
  SerializeType serialize_type_ = SerializeType::kJson;
  bool oneway_ = false;
};

// Returns the response for `request`. For oneway requests the result is dropped.
using SyncHandler = std::function<Result<RemotingCommand>(const RequestContext& ctx,
                                                          const RemotingCommand& request)>;
// Takes ownership of the request and answers later through `responder`.
using AsyncHandler =
    std::function<void(const RequestContext& ctx, RemotingCommand request, Responder responder)>;
using ConnectionHandler = std::function<void(ConnectionId id, const std::string& peer)>;

struct RpcServerOptions {
  std::string name = "rpc";                   // in log lines
  std::string host = "0.0.0.0";               // bind address
  int port = 0;                               // 0 = ephemeral; see RpcServer::port()
  size_t max_frame_bytes = 16 * 1024 * 1024;  // including the 4-byte length word
  int64_t idle_timeout_ms = 120'000;          // close connections with no traffic
};

class RpcServer {
 public:
  // `loop` must outlive the server.
  RpcServer(net::EventLoop& loop, RpcServerOptions options);
  ~RpcServer();
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // Handler registration: before Start() (any thread) or on the loop thread.
  // A later registration for the same code replaces the earlier one.
  void RegisterSync(int32_t code, SyncHandler handler);
  void RegisterAsync(int32_t code, AsyncHandler handler);
  // Called on the loop thread for every accepted connection that closed
  // (not after the server was destroyed).
  void SetConnectionClosedHandler(ConnectionHandler handler);

  // Binds and listens. Any thread: off the loop thread it runs there and waits.
  Status Start();
  // The bound port (valid after Start()). Any thread.
  uint16_t port() const;
  // Closes the listener and every connection; pending server->client requests
  // fail with Unavailable. Any thread (waits for the loop). Idempotent. The
  // destructor stops too.
  void Stop();

  // Server-initiated requests on an accepted connection; always JSON, with a
  // fresh opaque. Any thread (posted to the loop when called elsewhere). The
  // callback runs on the loop thread: the response, Timeout, or Unavailable
  // when the connection is unknown or closes first.
  void SendOneway(ConnectionId connection, RemotingCommand request);
  void SendRequest(ConnectionId connection, RemotingCommand request, int64_t timeout_ms,
                   ResponseCallback callback);
  // Open connections. Any thread.
  size_t connection_count() const;
  // Closes one accepted connection (the connection-closed handler runs as for
  // any close). Any thread. Unknown or already closed ids are ignored.
  void CloseConnection(ConnectionId connection, const std::string& reason);

 private:
  friend class Responder;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tern::remoting
