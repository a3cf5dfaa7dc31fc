#include "src/net/tcp_listener.h"

#include <uv.h>

#include "src/base/logging.h"
#include "src/net/address.h"

namespace tern::net {

struct TcpListener::Uv {
  uv_tcp_t tcp;

  static void OnConnection(uv_stream_t* server, int status) {
    auto* self = static_cast<TcpListener*>(server->data);
    if (self->closing_) return;
    if (status != 0) {
      TERN_LOG_WARN("listener {}: accept error: {}", self->address_, uv_strerror(status));
      return;
    }
    TcpConnection::Accept(self->loop_, server, self->handler_);
  }
  static void OnClose(uv_handle_t* h) { delete static_cast<TcpListener*>(h->data); }
};

TcpListener::TcpListener(EventLoop& loop, TcpHandler& handler)
    : loop_(loop), handler_(handler), uv_(new Uv) {
  TERN_CHECK(uv_tcp_init(loop.raw(), &uv_->tcp) == 0);
  uv_->tcp.data = this;
}

TcpListener::~TcpListener() { delete uv_; }

Result<TcpListener*> TcpListener::Listen(EventLoop& loop, const std::string& host, uint16_t port,
                                         TcpHandler& handler, int backlog) {
  TERN_CHECK(loop.InLoopThread());
  sockaddr_storage ss;
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&ss)) != 0 &&
      uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&ss)) != 0) {
    return Status::InvalidArgument(fmt::format("listen: '{}' is not a numeric IP address", host));
  }
  auto* self = new TcpListener(loop, handler);
  int rc = uv_tcp_bind(&self->uv_->tcp, reinterpret_cast<const sockaddr*>(&ss), 0);
  if (rc == 0)
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&self->uv_->tcp), backlog, Uv::OnConnection);
  if (rc != 0) {
    self->Close();
    return Status::IoError(fmt::format("listen on {}:{}: {}", host, port, uv_strerror(rc)));
  }
  sockaddr_storage bound;
  int len = sizeof(bound);
  if (uv_tcp_getsockname(&self->uv_->tcp, reinterpret_cast<sockaddr*>(&bound), &len) == 0) {
    self->address_ = FormatSockaddr(reinterpret_cast<const sockaddr*>(&bound));
    self->port_ =
        ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                          : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  }
  return self;
}

void TcpListener::Close() {
  if (closing_) return;
  closing_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&uv_->tcp), Uv::OnClose);
}

}  // namespace tern::net
