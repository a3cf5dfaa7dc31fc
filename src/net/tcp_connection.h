// TcpConnection: one TCP stream (accepted by a TcpListener or opened with
// Connect) with an ordered write queue.
//
// Lifetime (libuv model): the object owns its uv_tcp_t and deletes itself
// after the handle's close callback, right after TcpHandler::OnClosed returns.
// Whoever keeps a TcpConnection* must drop it in OnClosed. States move one way:
// kConnecting -> kOpen -> kClosing -> kClosed (kConnecting -> kClosing when a
// connect fails or is abandoned).
//
// Threading: loop thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/base/status.h"
#include "src/base/strong_id.h"
#include "src/net/event_loop.h"
#include "src/net/write_slice.h"

typedef struct uv_stream_s uv_stream_t;
struct sockaddr;
struct addrinfo;

namespace tern::net {

class TcpConnection;

// Events of connections. Loop thread. A handler must outlive every connection
// it is attached to, i.e. until their OnClosed calls returned.
class TcpHandler {
 public:
  virtual ~TcpHandler() = default;
  // The connection is open: accepted, or its connect completed.
  virtual void OnOpen(TcpConnection& conn) = 0;
  // Bytes arrived. `data` is valid during the call only.
  virtual void OnRead(TcpConnection& conn, std::string_view data) = 0;
  // The last event: the handle is closed and `conn` is deleted when this
  // returns. `reason` says why (OK for a plain local Close).
  virtual void OnClosed(TcpConnection& conn, const Status& reason) = 0;
};

enum class ConnectionState : uint8_t { kConnecting, kOpen, kClosing, kClosed };

class TcpConnection {
 public:
  // Starts connecting to host:port (a numeric address or a name resolved
  // with uv_getaddrinfo). Never returns null; failures arrive as OnClosed
  // with an Unavailable status (never synchronously from this call).
  static TcpConnection* Connect(EventLoop& loop, const std::string& host, uint16_t port,
                                TcpHandler& handler);
  // TcpListener only: accepts a pending connection of `server`.
  static void Accept(EventLoop& loop, uv_stream_t* server, TcpHandler& handler);

  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  ConnectionId id() const { return id_; }
  // Remote "ip:port" (IPv4-mapped IPv6 shown as IPv4); the target while connecting.
  const std::string& peer() const { return peer_; }
  // Local "ip:port"; empty until open.
  const std::string& local() const { return local_; }
  ConnectionState state() const { return state_; }
  bool is_open() const { return state_ == ConnectionState::kOpen; }
  EventLoop& loop() { return loop_; }

  // Queues `head`, then `body`, then `slices` (any may be empty) behind
  // earlier writes. The writes of one loop iteration leave together, as one
  // uv_write (one writev) issued before the loop next polls
  // (EventLoop::BeforePoll), or at once when the connection is closed. The
  // slices are not copied: their keep-alive handles are released in the
  // write callback (a write made while connecting copies them). Writes made
  // while connecting are sent once connected. Returns false (and drops the
  // bytes, releasing the slices) once the connection is closing.
  bool Write(std::string head, std::string body = {}, std::vector<WriteSlice> slices = {});
  // Starts closing; idempotent. OnClosed(reason) follows from the close callback.
  void Close(Status reason = Status::Ok());

  // Loop time (EventLoop::NowMs) of the last read or write.
  int64_t last_activity_ms() const { return last_activity_ms_; }
  // Bytes handed to Write() and not yet written to the socket.
  size_t queued_write_bytes() const { return queued_write_bytes_; }

 private:
  struct Uv;  // the libuv handle and requests (tcp_connection.cc)
  struct WriteReq;  // one uv_write of gathered writes (tcp_connection.cc)
  friend struct Uv;

  TcpConnection(EventLoop& loop, TcpHandler& handler, ConnectionState state);
  ~TcpConnection();

  void StartConnect(const sockaddr* addr);
  void OnConnected(int status);
  void OnResolved(int status, addrinfo* res);
  void BecomeOpen();
  void OnReadData(long nread, const char* data);
  void OnWriteDone(int status, size_t bytes);
  // Hands the writes gathered since the last call to libuv as one request.
  void FlushWrites();
  void OnHandleClosed();
  void Release();  // drops one outstanding reference; deletes at zero
  void Touch();

  EventLoop& loop_;
  TcpHandler& handler_;
  const ConnectionId id_;
  ConnectionState state_;
  std::string peer_;
  std::string local_;
  Status close_reason_;
  Uv* uv_;
  // The handle plus an in-flight getaddrinfo: the object dies when both are done.
  int outstanding_ = 1;
  int64_t last_activity_ms_ = 0;
  size_t queued_write_bytes_ = 0;
  std::vector<std::pair<std::string, std::string>> connect_queue_;  // writes made while connecting
  WriteReq* pending_ = nullptr;  // writes of this iteration, not yet handed to libuv
};

}  // namespace tern::net
