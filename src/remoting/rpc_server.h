// RpcServer: accepts connections, decodes frames, dispatches requests by code
// to registered handlers, and writes responses.
//
// Threading: loop thread only, except Responder::Reply (any thread). Handlers
// run on the loop thread and must not block; work that may block (disk) is
// handed to another thread and answered later through a Responder.
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

// Completes one deferred request. Movable, not copyable. Reply() may be called
// from any thread, at most once; it posts the write to the loop. Replying to a
// oneway request, or after the connection closed, does nothing.
class Responder {
 public:
  Responder() = default;
  void Reply(RemotingCommand response);
  bool valid() const { return server_ != nullptr; }

 private:
  friend class RpcServer;
  // Private members are the implementation's choice (routing data: loop,
  // connection id, opaque, serialization, oneway).
  RpcServer* server_ = nullptr;
};

// Returns the response for `request`. For oneway requests the result is dropped.
using SyncHandler = std::function<Result<RemotingCommand>(const RequestContext& ctx,
                                                          const RemotingCommand& request)>;
// Takes ownership of the request and answers later through `responder`.
using AsyncHandler = std::function<void(const RequestContext& ctx, RemotingCommand request,
                                        Responder responder)>;
using ConnectionHandler = std::function<void(ConnectionId id, const std::string& peer)>;

struct RpcServerOptions {
  std::string name = "rpc";        // in log lines
  std::string host = "0.0.0.0";    // bind address
  int port = 0;                    // 0 = ephemeral; see RpcServer::port()
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

  void RegisterSync(int32_t code, SyncHandler handler);
  void RegisterAsync(int32_t code, AsyncHandler handler);
  void SetConnectionClosedHandler(ConnectionHandler handler);

  // Binds and listens. Loop thread (or before the loop thread runs anything).
  Status Start();
  // The bound port (valid after Start()).
  uint16_t port() const;
  // Closes the listener and every connection.
  void Stop();

  // Server-initiated requests on an accepted connection; always JSON.
  void SendOneway(ConnectionId connection, RemotingCommand request);
  void SendRequest(ConnectionId connection, RemotingCommand request, int64_t timeout_ms,
                   ResponseCallback callback);
  size_t connection_count() const;

 private:
  friend class Responder;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tern::remoting
