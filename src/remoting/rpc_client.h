// RpcClient: outgoing connections to remoting servers, keyed by "host:port".
//
// Connects lazily on first use and reconnects on the next request after a
// connection drops. Many requests in flight per connection; responses matched
// by opaque; per-request timeouts. Requests that the server sends back on the
// same connection (CHECK_TRANSACTION_STATE, NOTIFY_CONSUMER_IDS_CHANGED, ...)
// are dispatched to handlers registered here.
//
// Threading: InvokeAsync/InvokeOneway may be called from any thread (they post
// to the loop); callbacks run on the loop thread. InvokeSync blocks the caller
// and must not be called on the loop thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "src/base/status.h"
#include "src/net/event_loop.h"
#include "src/remoting/remoting_command.h"
#include "src/remoting/rpc_server.h"

namespace tern::remoting {

struct RpcClientOptions {
  std::string name = "client";
  size_t max_frame_bytes = 16 * 1024 * 1024;
  int64_t connect_timeout_ms = 3000;
  SerializeType serialize_type = SerializeType::kJson;  // for requests we send
  std::string language = "CPP";                          // language we announce
};

class RpcClient {
 public:
  // `loop` must outlive the client.
  RpcClient(net::EventLoop& loop, RpcClientOptions options);
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  // Assigns the opaque; `callback` gets the response, or Timeout / Unavailable.
  void InvokeAsync(const std::string& addr, RemotingCommand request, int64_t timeout_ms,
                   ResponseCallback callback);
  // Blocks the calling thread (never the loop thread).
  Result<RemotingCommand> InvokeSync(const std::string& addr, RemotingCommand request,
                                     int64_t timeout_ms);
  // Sets the oneway flag and sends; no response is expected.
  void InvokeOneway(const std::string& addr, RemotingCommand request);

  // Handlers for requests the server sends to us (loop thread).
  void RegisterSync(int32_t code, SyncHandler handler);

  // Closes the connection to `addr` (pending requests fail with Unavailable).
  void CloseConnection(const std::string& addr);
  // Closes everything. Any thread; waits for the loop to finish closing.
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tern::remoting
