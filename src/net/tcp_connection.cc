#include "src/net/tcp_connection.h"

#include <netdb.h>
#include <uv.h>

#include <atomic>
#include <cstring>

#include "src/base/logging.h"
#include "src/net/address.h"

namespace tern::net {
namespace {

std::atomic<uint64_t> g_next_connection_id{1};

// One read buffer per loop thread: a read callback hands the bytes to the
// handler synchronously, so the buffer is free again when it returns.
constexpr size_t kReadBufferSize = 64 * 1024;
thread_local char t_read_buffer[kReadBufferSize];

std::string SockName(const uv_tcp_t* tcp, bool peer) {
  sockaddr_storage ss;
  int len = sizeof(ss);
  int rc = peer ? uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&ss), &len)
                : uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(&ss), &len);
  if (rc != 0) return "unknown";
  return FormatSockaddr(reinterpret_cast<const sockaddr*>(&ss));
}

}  // namespace

// The writes of one loop iteration, sent as one uv_write (one writev). Small
// owned bytes (frame heads, small bodies) are copied together into one chunk,
// so that a burst of small replies is a few buffers, not thousands (libuv
// hands the kernel at most IOV_MAX of them per writev). Slices stay their own
// buffers. The uv buffers point into the chunks, so they are built only when
// the request is complete.
struct TcpConnection::WriteReq {
  static constexpr size_t kGatherLimit = 64 * 1024;  // grow a gathered chunk up to this
  struct Chunk {
    std::string owned;
    WriteSlice slice;  // released with the request, after the write
    bool is_slice = false;
  };
  void AddOwned(std::string&& s) {
    if (s.empty()) return;
    if (!chunks.empty() && !chunks.back().is_slice &&
        chunks.back().owned.size() + s.size() <= kGatherLimit) {
      chunks.back().owned.append(s);
      return;
    }
    chunks.push_back(Chunk{std::move(s), {}, false});
  }
  uv_write_t req;
  std::vector<Chunk> chunks;
  size_t bytes = 0;
};

struct TcpConnection::Uv {
  uv_tcp_t tcp;
  uv_connect_t connect;
  uv_getaddrinfo_t resolve;
  bool resolving = false;

  static TcpConnection* Of(uv_handle_t* h) { return static_cast<TcpConnection*>(h->data); }

  static void OnAlloc(uv_handle_t*, size_t, uv_buf_t* buf) {
    buf->base = t_read_buffer;
    buf->len = kReadBufferSize;
  }
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    Of(reinterpret_cast<uv_handle_t*>(stream))->OnReadData(static_cast<long>(nread), buf->base);
  }
  static void OnWrite(uv_write_t* req, int status) {
    auto* w = static_cast<WriteReq*>(req->data);
    auto* conn = Of(reinterpret_cast<uv_handle_t*>(req->handle));
    size_t bytes = w->bytes;
    delete w;
    conn->OnWriteDone(status, bytes);
  }
  static void OnConnect(uv_connect_t* req, int status) {
    Of(reinterpret_cast<uv_handle_t*>(req->handle))->OnConnected(status);
  }
  static void OnResolve(uv_getaddrinfo_t* req, int status, struct addrinfo* res) {
    static_cast<TcpConnection*>(req->data)->OnResolved(status, res);
  }
  static void OnClose(uv_handle_t* h) { Of(h)->OnHandleClosed(); }
};

TcpConnection::TcpConnection(EventLoop& loop, TcpHandler& handler, ConnectionState state)
    : loop_(loop),
      handler_(handler),
      id_(g_next_connection_id.fetch_add(1)),
      state_(state),
      uv_(new Uv) {
  TERN_CHECK(uv_tcp_init(loop.raw(), &uv_->tcp) == 0);
  uv_->tcp.data = this;
  uv_->resolve.data = this;
  last_activity_ms_ = loop.NowMs();
}

TcpConnection::~TcpConnection() { delete uv_; }

TcpConnection* TcpConnection::Connect(EventLoop& loop, const std::string& host, uint16_t port,
                                      TcpHandler& handler) {
  TERN_CHECK(loop.InLoopThread());
  auto* conn = new TcpConnection(loop, handler, ConnectionState::kConnecting);
  conn->peer_ = host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                                    : fmt::format("{}:{}", host, port);
  sockaddr_storage ss;
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&ss)) == 0 ||
      uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&ss)) == 0) {
    conn->StartConnect(reinterpret_cast<const sockaddr*>(&ss));
    return conn;
  }
  addrinfo hints;
  std::memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  std::string service = std::to_string(port);
  int rc = uv_getaddrinfo(loop.raw(), &conn->uv_->resolve, Uv::OnResolve, host.c_str(),
                          service.c_str(), &hints);
  if (rc != 0) {
    conn->Close(Status::Unavailable(fmt::format("resolve {}: {}", host, uv_strerror(rc))));
  } else {
    conn->uv_->resolving = true;
    conn->outstanding_++;
  }
  return conn;
}

void TcpConnection::OnResolved(int status, struct addrinfo* res) {
  uv_->resolving = false;
  if (state_ == ConnectionState::kConnecting) {
    if (status != 0 || res == nullptr) {
      Close(Status::Unavailable(fmt::format("resolve {}: {}", peer_, uv_strerror(status))));
    } else {
      StartConnect(res->ai_addr);
    }
  }
  if (res != nullptr) uv_freeaddrinfo(res);
  Release();
}

void TcpConnection::StartConnect(const struct sockaddr* addr) {
  int rc = uv_tcp_connect(&uv_->connect, &uv_->tcp, addr, Uv::OnConnect);
  if (rc != 0) {
    Close(Status::Unavailable(fmt::format("connect to {} failed: {}", peer_, uv_strerror(rc))));
  }
}

void TcpConnection::OnConnected(int status) {
  if (state_ != ConnectionState::kConnecting) return;  // closed meanwhile (UV_ECANCELED)
  if (status != 0) {
    TERN_LOG_WARN("connect to {} failed: {}", peer_, uv_strerror(status));
    Close(Status::Unavailable(fmt::format("connect to {} failed: {}", peer_, uv_strerror(status))));
    return;
  }
  BecomeOpen();
  TERN_LOG_DEBUG("connected to {} from {}", peer_, local_);
  auto queued = std::move(connect_queue_);
  connect_queue_.clear();
  for (auto& [head, body] : queued) {
    queued_write_bytes_ -= head.size() + body.size();
    if (!Write(std::move(head), std::move(body))) break;
  }
  if (state_ == ConnectionState::kOpen) handler_.OnOpen(*this);
}

void TcpConnection::Accept(EventLoop& loop, uv_stream_t* server, TcpHandler& handler) {
  auto* conn = new TcpConnection(loop, handler, ConnectionState::kOpen);
  int rc = uv_accept(server, reinterpret_cast<uv_stream_t*>(&conn->uv_->tcp));
  if (rc != 0) {
    TERN_LOG_WARN("accept failed: {}", uv_strerror(rc));
    conn->Close(Status::IoError(fmt::format("accept: {}", uv_strerror(rc))));
    return;
  }
  conn->BecomeOpen();
  TERN_LOG_DEBUG("accepted {} on {}", conn->peer_, conn->local_);
  handler.OnOpen(*conn);
}

void TcpConnection::BecomeOpen() {
  state_ = ConnectionState::kOpen;
  peer_ = SockName(&uv_->tcp, true);
  local_ = SockName(&uv_->tcp, false);
  uv_tcp_nodelay(&uv_->tcp, 1);
  Touch();
  int rc = uv_read_start(reinterpret_cast<uv_stream_t*>(&uv_->tcp), Uv::OnAlloc, Uv::OnRead);
  if (rc != 0) {
    TERN_LOG_WARN("read start on {} failed: {}", peer_, uv_strerror(rc));
    Close(Status::IoError(fmt::format("read start: {}", uv_strerror(rc))));
  }
}

void TcpConnection::OnReadData(long nread, const char* data) {
  if (nread == 0 || state_ != ConnectionState::kOpen) return;
  if (nread < 0) {
    if (nread == UV_EOF) {
      Close(Status::Unavailable(fmt::format("connection closed by peer {}", peer_)));
    } else {
      TERN_LOG_WARN("read from {} failed: {}", peer_, uv_strerror(static_cast<int>(nread)));
      Close(Status::IoError(
          fmt::format("read from {}: {}", peer_, uv_strerror(static_cast<int>(nread)))));
    }
    return;
  }
  Touch();
  handler_.OnRead(*this, std::string_view(data, static_cast<size_t>(nread)));
}

bool TcpConnection::Write(std::string head, std::string body, std::vector<WriteSlice> slices) {
  size_t bytes = head.size() + body.size();
  for (const WriteSlice& s : slices) bytes += s.data.size();
  if (state_ == ConnectionState::kConnecting) {
    for (const WriteSlice& s : slices) body.append(s.data);  // rare: copy, then release
    connect_queue_.emplace_back(std::move(head), std::move(body));
    queued_write_bytes_ += bytes;
    return true;
  }
  if (state_ != ConnectionState::kOpen) return false;
  if (bytes == 0) return true;
  if (pending_ == nullptr) {
    pending_ = new WriteReq;
    pending_->req.data = pending_;
    // Sent once the current callbacks are done: replies to a burst of
    // pipelined requests leave in one writev instead of one each.
    ++outstanding_;
    loop_.BeforePoll([this] {
      FlushWrites();
      Release();
    });
  }
  pending_->AddOwned(std::move(head));
  pending_->AddOwned(std::move(body));
  for (WriteSlice& s : slices) {
    if (!s.data.empty()) pending_->chunks.push_back({{}, std::move(s), true});
  }
  pending_->bytes += bytes;
  queued_write_bytes_ += bytes;
  Touch();
  return true;
}

void TcpConnection::FlushWrites() {
  WriteReq* w = pending_;
  if (w == nullptr) return;
  pending_ = nullptr;
  if (state_ != ConnectionState::kOpen) {  // closed meanwhile: drop, releasing the slices
    queued_write_bytes_ -= w->bytes;
    delete w;
    return;
  }
  std::vector<uv_buf_t> bufs;
  bufs.reserve(w->chunks.size());
  for (const WriteReq::Chunk& c : w->chunks) {
    const std::string_view data = c.is_slice ? c.slice.data : std::string_view(c.owned);
    // libuv does not write through the base pointer; the cast only fits uv_buf_t.
    bufs.push_back(uv_buf_init(const_cast<char*>(data.data()), static_cast<unsigned>(data.size())));
  }
  const unsigned n = static_cast<unsigned>(bufs.size());
  int rc = uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&uv_->tcp), bufs.data(), n, Uv::OnWrite);
  if (rc != 0) {
    queued_write_bytes_ -= w->bytes;
    delete w;
    TERN_LOG_WARN("write to {} failed: {}", peer_, uv_strerror(rc));
    Close(Status::IoError(fmt::format("write to {}: {}", peer_, uv_strerror(rc))));
  }
}

void TcpConnection::OnWriteDone(int status, size_t bytes) {
  queued_write_bytes_ -= bytes;
  if (status == 0) {
    Touch();
    return;
  }
  if (status == UV_ECANCELED || state_ != ConnectionState::kOpen) return;
  TERN_LOG_WARN("write to {} failed: {}", peer_, uv_strerror(status));
  Close(Status::IoError(fmt::format("write to {}: {}", peer_, uv_strerror(status))));
}

void TcpConnection::Close(Status reason) {
  if (state_ == ConnectionState::kClosing || state_ == ConnectionState::kClosed) return;
  FlushWrites();  // hand what is queued to libuv first (it tries to write at once)
  if (state_ != ConnectionState::kOpen && state_ != ConnectionState::kConnecting) return;
  state_ = ConnectionState::kClosing;
  close_reason_ = std::move(reason);
  // Best effort: a resolution already running completes; OnResolved then
  // sees the closing state and only releases its reference.
  if (uv_->resolving) (void)uv_cancel(reinterpret_cast<uv_req_t*>(&uv_->resolve));
  uv_close(reinterpret_cast<uv_handle_t*>(&uv_->tcp), Uv::OnClose);
}

void TcpConnection::OnHandleClosed() {
  state_ = ConnectionState::kClosed;
  connect_queue_.clear();
  TERN_LOG_DEBUG("connection {} closed: {}", peer_, close_reason_.ToString());
  handler_.OnClosed(*this, close_reason_);
  Release();
}

void TcpConnection::Release() {
  if (--outstanding_ == 0) delete this;
}

void TcpConnection::Touch() { last_activity_ms_ = loop_.NowMs(); }

}  // namespace tern::net
