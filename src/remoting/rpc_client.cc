// RpcClient implementation.
//
// One ClientConn per live connection, found by id (for TcpHandler events) and
// by "host:port" (for new requests). A connection that is closing is dropped
// from the address map at once, so the next request to that address opens a
// new one. Pending requests live in one RequestTracker; a closing connection
// fails its own requests from OnClosed.
//
// Lifetime: as in RpcServer, the Impl is the connections' TcpHandler and is
// deleted on the loop thread after the last OnClosed.
#include "src/remoting/rpc_client.h"

#include <fmt/format.h>

#include <chrono>
#include <future>
#include <unordered_map>

#include "src/base/logging.h"
#include "src/net/address.h"
#include "src/net/tcp_connection.h"
#include "src/remoting/dispatch.h"
#include "src/remoting/frame_decoder.h"
#include "src/remoting/pending_requests.h"
#include "src/remoting/request_tracker.h"

namespace tern::remoting {

struct RpcClient::Impl final : net::TcpHandler {
  struct ClientConn {
    ClientConn(std::string a, net::TcpConnection* t, size_t max_frame)
        : addr(std::move(a)), tcp(t), decoder(max_frame) {
      ctx.connection = t->id();
      ctx.peer = addr;
    }
    std::string addr;
    net::TcpConnection* tcp;
    FrameDecoder decoder;
    RequestContext ctx;
    net::TimerId connect_timer = 0;
  };

  Impl(net::EventLoop& l, RpcClientOptions o)
      : loop(l), options(std::move(o)), tracker(l, options.name) {}

  // Runs `callback` on the loop thread in a later task, so that callbacks
  // never run inside InvokeAsync.
  void Defer(ResponseCallback callback, Status status) {
    auto task = [callback, status] { callback(status); };
    if (!loop.TryPost(task)) callback(status);
  }

  void EnsureStopHook() {
    if (stop_hook == 0) stop_hook = loop.AddStopHook([this] { ShutdownInLoop(); });
  }

  Result<ClientConn*> Connection(const std::string& addr) {
    if (auto it = by_addr.find(addr); it != by_addr.end()) {
      auto state = it->second->tcp->state();
      if (state == net::ConnectionState::kConnecting || state == net::ConnectionState::kOpen)
        return it->second;
      by_addr.erase(it);
    }
    TERN_ASSIGN_OR_RETURN(net::HostPort hp, net::ParseHostPort(addr));
    EnsureStopHook();
    net::TcpConnection* tcp = net::TcpConnection::Connect(loop, hp.host, hp.port, *this);
    auto conn = std::make_unique<ClientConn>(addr, tcp, options.max_frame_bytes);
    ClientConn* raw = conn.get();
    ConnectionId cid = tcp->id();
    raw->connect_timer =
        loop.RunAfter(options.connect_timeout_ms, [this, cid] { OnConnectTimeout(cid); });
    conns.emplace(cid, std::move(conn));
    by_addr[addr] = raw;
    return raw;
  }

  void OnConnectTimeout(ConnectionId cid) {
    auto it = conns.find(cid);
    if (it == conns.end()) return;
    it->second->connect_timer = 0;
    if (it->second->tcp->state() != net::ConnectionState::kConnecting) return;
    TERN_LOG_WARN("{}: connect to {} timed out after {} ms", options.name, it->second->addr,
                  options.connect_timeout_ms);
    it->second->tcp->Close(
        Status::Timeout(fmt::format("connect to {} timed out", it->second->addr)));
  }

  void InvokeInLoop(const std::string& addr, RemotingCommand request, int64_t timeout_ms,
                    ResponseCallback callback) {
    if (shut_down)
      return Defer(std::move(callback), Status::Unavailable(options.name + " is shut down"));
    auto conn = Connection(addr);
    if (!conn.ok()) return Defer(std::move(callback), conn.status());
    ConnectionId cid = (*conn)->ctx.connection;
    PrepareRequest(&request);
    request.flag &= ~kFlagOneway;
    int32_t opaque = request.opaque;
    tracker.Add(opaque, cid, request.code, timeout_ms, std::move(callback));
    Status st = WriteCommand(*(*conn)->tcp, std::move(request));
    if (!st.ok()) tracker.Fail(cid, opaque, st);
  }

  void OnewayInLoop(const std::string& addr, RemotingCommand request) {
    if (shut_down) return;
    auto conn = Connection(addr);
    if (!conn.ok()) {
      TERN_LOG_WARN("{}: oneway request code {} to {} not sent: {}", options.name, request.code,
                    addr, conn.status().ToString());
      return;
    }
    PrepareRequest(&request);
    request.flag |= kFlagOneway;
    WriteCommand(*(*conn)->tcp, std::move(request)).IgnoreError();
  }

  void PrepareRequest(RemotingCommand* request) {
    request->opaque = NextOpaque();
    request->flag &= ~kFlagResponse;
    request->serialize_type = options.serialize_type;
    request->language = options.language;
  }

  void ShutdownInLoop() {
    shut_down = true;
    if (stop_hook != 0) loop.RemoveStopHook(stop_hook);
    stop_hook = 0;
    for (auto& [cid, conn] : conns)
      conn->tcp->Close(Status::Unavailable(options.name + " shut down"));
    tracker.FailAll(Status::Unavailable(options.name + " is shut down"));
  }

  void CloseAddr(const std::string& addr) {
    auto it = by_addr.find(addr);
    if (it == by_addr.end()) return;
    ClientConn* conn = it->second;
    by_addr.erase(it);
    conn->tcp->Close(
        Status::Unavailable(fmt::format("connection to {} closed by the client", addr)));
  }

  // Signals Shutdown() waiters and deletes an orphaned Impl once every
  // connection closed. Must be the last thing a loop-thread entry point does.
  void AfterClose() {
    if (!conns.empty()) return;
    for (auto* waiter : shutdown_waiters) waiter->set_value();
    shutdown_waiters.clear();
    if (owner_gone) delete this;
  }

  // ---- net::TcpHandler
  void OnOpen(net::TcpConnection& tcp) override {
    auto it = conns.find(tcp.id());
    if (it == conns.end()) return;
    ClientConn& conn = *it->second;
    if (conn.connect_timer != 0) loop.CancelTimer(conn.connect_timer);
    conn.connect_timer = 0;
    conn.ctx.peer = tcp.peer();
    conn.ctx.local = tcp.local();
  }

  void OnRead(net::TcpConnection& tcp, std::string_view data) override {
    auto it = conns.find(tcp.id());
    if (it == conns.end()) return;
    ClientConn& conn = *it->second;
    conn.decoder.Feed(data);
    while (tcp.is_open()) {
      auto next = conn.decoder.Next();
      if (!next.ok()) {
        TERN_LOG_WARN("{}: closing connection to {}: {}", options.name, conn.addr,
                      next.status().ToString());
        tcp.Close(next.status());
        return;
      }
      if (!next->has_value()) return;
      HandleCommand(conn, std::move(**next));
    }
  }

  void OnClosed(net::TcpConnection& tcp, const Status& reason) override {
    auto it = conns.find(tcp.id());
    if (it != conns.end()) {
      ClientConn* conn = it->second.get();
      if (conn->connect_timer != 0) loop.CancelTimer(conn->connect_timer);
      if (auto a = by_addr.find(conn->addr); a != by_addr.end() && a->second == conn)
        by_addr.erase(a);
      Status failure = Status::Unavailable(
          reason.ok() ? fmt::format("connection to {} closed", conn->addr) : reason.message());
      auto owned = std::move(it->second);
      conns.erase(it);
      tracker.FailConnection(tcp.id(), failure);
    }
    AfterClose();
  }

  void HandleCommand(ClientConn& conn, RemotingCommand cmd) {
    if (cmd.IsResponse()) {
      if (!tracker.Complete(conn.ctx.connection, std::move(cmd))) {
        TERN_LOG_DEBUG("{}: dropping response with unknown opaque from {}", options.name,
                       conn.addr);
      }
      return;
    }
    auto it = handlers.find(cmd.code);
    if (it == handlers.end()) {
      TERN_LOG_DEBUG("{}: request code {} from {} not supported", options.name, cmd.code,
                     conn.addr);
      if (!cmd.IsOneway()) WriteCommand(*conn.tcp, NotSupportedResponse(cmd)).IgnoreError();
      return;
    }
    auto response = RunSyncHandler(it->second, conn.ctx, cmd);
    if (response) WriteCommand(*conn.tcp, std::move(*response)).IgnoreError();
  }

  net::EventLoop& loop;
  const RpcClientOptions options;
  RequestTracker tracker;
  std::unordered_map<ConnectionId, std::unique_ptr<ClientConn>> conns;
  std::unordered_map<std::string, ClientConn*> by_addr;
  std::unordered_map<int32_t, SyncHandler> handlers;
  std::vector<std::promise<void>*> shutdown_waiters;
  net::HookId stop_hook = 0;
  bool shut_down = false;
  bool owner_gone = false;
};

RpcClient::RpcClient(net::EventLoop& loop, RpcClientOptions options)
    : impl_(std::make_unique<Impl>(loop, std::move(options))) {}

RpcClient::~RpcClient() {
  Impl* impl = impl_.release();
  bool done = net::RunInLoopAndWait(impl->loop, [impl] {
    impl->ShutdownInLoop();
    impl->owner_gone = true;
    impl->AfterClose();
  });
  // The loop is stopping concurrently: its stop hook closes our connections,
  // and the Impl is leaked rather than deleted under the loop thread's feet.
  if (!done) TERN_LOG_WARN("{}: destroyed while its loop was stopping", impl->options.name);
}

void RpcClient::InvokeAsync(const std::string& addr, RemotingCommand request, int64_t timeout_ms,
                            ResponseCallback callback) {
  if (impl_->loop.InLoopThread()) {
    impl_->InvokeInLoop(addr, std::move(request), timeout_ms, std::move(callback));
    return;
  }
  Impl* impl = impl_.get();
  auto task = [impl, addr, request = std::move(request), timeout_ms, callback]() mutable {
    impl->InvokeInLoop(addr, std::move(request), timeout_ms, std::move(callback));
  };
  if (!impl_->loop.TryPost(std::move(task))) {
    callback(Status::Unavailable(impl_->options.name + ": event loop is stopping"));
  }
}

Result<RemotingCommand> RpcClient::InvokeSync(const std::string& addr, RemotingCommand request,
                                              int64_t timeout_ms) {
  TERN_CHECK(!impl_->loop.InLoopThread())
      << "InvokeSync on the loop thread, or while the loop is not running";
  auto promise = std::make_shared<std::promise<Result<RemotingCommand>>>();
  auto future = promise->get_future();
  InvokeAsync(addr, std::move(request), timeout_ms,
              [promise](Result<RemotingCommand> result) { promise->set_value(std::move(result)); });
  // The tracker always answers (response, timeout, close, shutdown); the
  // extra second only guards against a loop that stopped meanwhile.
  if (future.wait_for(std::chrono::milliseconds(timeout_ms + 1000)) != std::future_status::ready) {
    return Status::Timeout(
        fmt::format("{}: no answer from {} within {} ms", impl_->options.name, addr, timeout_ms));
  }
  return future.get();
}

void RpcClient::InvokeOneway(const std::string& addr, RemotingCommand request) {
  if (impl_->loop.InLoopThread()) {
    impl_->OnewayInLoop(addr, std::move(request));
    return;
  }
  Impl* impl = impl_.get();
  impl_->loop.Post([impl, addr, request = std::move(request)]() mutable {
    impl->OnewayInLoop(addr, std::move(request));
  });
}

void RpcClient::RegisterSync(int32_t code, SyncHandler handler) {
  impl_->handlers[code] = std::move(handler);
}

void RpcClient::CloseConnection(const std::string& addr) {
  if (impl_->loop.InLoopThread()) {
    impl_->CloseAddr(addr);
    return;
  }
  Impl* impl = impl_.get();
  impl_->loop.Post([impl, addr] { impl->CloseAddr(addr); });
}

void RpcClient::Shutdown() {
  Impl* impl = impl_.get();
  if (impl->loop.InLoopThread()) {
    impl->ShutdownInLoop();
    return;
  }
  std::promise<void> closed;
  auto future = closed.get_future();
  bool posted = impl->loop.TryPost([impl, &closed] {
    impl->ShutdownInLoop();
    impl->shutdown_waiters.push_back(&closed);
    impl->AfterClose();
  });
  if (posted) future.wait();
}

}  // namespace tern::remoting
