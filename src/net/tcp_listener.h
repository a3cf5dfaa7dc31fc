// TcpListener: a listening TCP socket that hands accepted connections to a
// TcpHandler.
//
// Lifetime (libuv model): created by Listen(), owns its uv_tcp_t, and deletes
// itself in the close callback that follows Close(). No accept happens after
// Close(), so the handler is not used once Close() returned.
//
// Threading: loop thread only.
#pragma once

#include <cstdint>
#include <string>

#include "src/base/status.h"
#include "src/net/event_loop.h"
#include "src/net/tcp_connection.h"

namespace tern::net {

class TcpListener {
 public:
  // Binds host:port (port 0 = ephemeral) and listens. Accepted connections
  // report to `handler`, which must outlive them.
  static Result<TcpListener*> Listen(EventLoop& loop, const std::string& host, uint16_t port,
                                     TcpHandler& handler, int backlog = 1024);
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  // The bound port.
  uint16_t port() const { return port_; }
  // The bound "ip:port".
  const std::string& address() const { return address_; }
  // Stops accepting and deletes this object from the close callback.
  void Close();

 private:
  struct Uv;
  TcpListener(EventLoop& loop, TcpHandler& handler);
  ~TcpListener();

  EventLoop& loop_;
  TcpHandler& handler_;
  Uv* uv_;
  bool closing_ = false;
  uint16_t port_ = 0;
  std::string address_;
};

}  // namespace tern::net
