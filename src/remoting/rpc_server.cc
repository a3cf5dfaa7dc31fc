// RpcServer implementation.
//
// Lifetime: the Impl is the TcpHandler of the listener and of every accepted
// connection, so it must live until the last close callback. ~RpcServer
// therefore stops the server on the loop thread and, if connections are
// still closing, leaves the Impl to delete itself from the last OnClosed.
// Work arriving from other threads (Responder::Reply, SendRequest) names the
// server by a registry id, never by pointer, and finds nothing once the Impl
// is gone. The Impl is deleted on the loop thread (or while the loop does
// not run), the only thread that looks ids up.
#include "src/remoting/rpc_server.h"

#include <fmt/format.h>

#include <atomic>
#include <future>
#include <mutex>
#include <unordered_map>

#include "src/base/logging.h"
#include "src/net/tcp_connection.h"
#include "src/net/tcp_listener.h"
#include "src/remoting/dispatch.h"
#include "src/remoting/frame_decoder.h"
#include "src/remoting/pending_requests.h"
#include "src/remoting/request_tracker.h"

namespace tern::remoting {

struct RpcServer::Impl final : net::TcpHandler {
  struct Conn {
    Conn(net::TcpConnection* t, size_t max_frame) : tcp(t), decoder(max_frame) {
      ctx.connection = t->id();
      ctx.peer = t->peer();
      ctx.local = t->local();
    }
    net::TcpConnection* tcp;
    FrameDecoder decoder;
    RequestContext ctx;
  };

  Impl(net::EventLoop& l, RpcServerOptions o)
      : loop(l), options(std::move(o)), tracker(l, options.name), id(Register(this)) {}
  ~Impl() override { Unregister(id); }

  // ---- registry of live servers, for work that arrives from other threads.
  static std::mutex& RegistryMutex() {
    static std::mutex mu;
    return mu;
  }
  static std::unordered_map<uint64_t, Impl*>& Registry() {
    static std::unordered_map<uint64_t, Impl*> registry;
    return registry;
  }
  static uint64_t Register(Impl* impl) {
    static std::atomic<uint64_t> next{1};
    uint64_t id = next.fetch_add(1);
    std::lock_guard<std::mutex> lock(RegistryMutex());
    Registry().emplace(id, impl);
    return id;
  }
  static void Unregister(uint64_t id) {
    std::lock_guard<std::mutex> lock(RegistryMutex());
    Registry().erase(id);
  }
  // Loop thread of that server only.
  static Impl* Lookup(uint64_t id) {
    std::lock_guard<std::mutex> lock(RegistryMutex());
    auto it = Registry().find(id);
    return it == Registry().end() ? nullptr : it->second;
  }

  // ---- lifecycle (loop thread)
  Status StartInLoop() {
    if (listener != nullptr || stopped)
      return Status::Internal(options.name + ": Start called twice");
    auto l =
        net::TcpListener::Listen(loop, options.host, static_cast<uint16_t>(options.port), *this);
    if (!l.ok()) return l.status().WithContext(options.name);
    listener = *l;
    bound_port.store(listener->port());
    stop_hook = loop.AddStopHook([this] { StopInLoop(); });
    if (options.idle_timeout_ms > 0) {
      int64_t interval = std::clamp<int64_t>(options.idle_timeout_ms / 4, 10, 1000);
      idle_timer = loop.RunEvery(interval, [this] { CloseIdle(); });
    }
    TERN_LOG_INFO("{} listening on {}", options.name, listener->address());
    return Status::Ok();
  }

  void StopInLoop() {
    if (stopped) return;
    stopped = true;
    if (listener != nullptr) {
      listener->Close();
      listener = nullptr;
    }
    if (stop_hook != 0) loop.RemoveStopHook(stop_hook);
    stop_hook = 0;
    if (idle_timer != 0) loop.CancelTimer(idle_timer);
    idle_timer = 0;
    for (auto& [cid, conn] : conns)
      conn->tcp->Close(Status::Unavailable(options.name + " stopping"));
    tracker.FailAll(Status::Unavailable(options.name + " stopping"));
  }

  void DeleteIfOrphaned() {
    if (owner_gone && conns.empty()) delete this;
  }

  // ---- net::TcpHandler
  void OnOpen(net::TcpConnection& tcp) override {
    if (stopped) {
      tcp.Close(Status::Unavailable(options.name + " stopping"));
      return;
    }
    conns.emplace(tcp.id(), std::make_unique<Conn>(&tcp, options.max_frame_bytes));
    connection_count.store(conns.size());
  }

  void OnRead(net::TcpConnection& tcp, std::string_view data) override {
    auto it = conns.find(tcp.id());
    if (it == conns.end()) return;
    Conn& conn = *it->second;
    conn.decoder.Feed(data);
    while (tcp.is_open()) {
      auto next = conn.decoder.Next();
      if (!next.ok()) {
        TERN_LOG_WARN("{}: closing connection from {}: {}", options.name, conn.ctx.peer,
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
      std::string peer = std::move(it->second->ctx.peer);
      conns.erase(it);
      connection_count.store(conns.size());
      tracker.FailConnection(tcp.id(), Status::Unavailable(fmt::format(
                                           "{}: connection to {} closed ({})", options.name, peer,
                                           reason.ok() ? "closed locally" : reason.message())));
      if (closed_handler && !owner_gone) closed_handler(tcp.id(), peer);
    }
    DeleteIfOrphaned();
  }

  // ---- dispatch (loop thread)
  void HandleCommand(Conn& conn, RemotingCommand cmd) {
    if (cmd.IsResponse()) {
      if (!tracker.Complete(conn.ctx.connection, std::move(cmd))) {
        TERN_LOG_DEBUG("{}: dropping response with unknown opaque from {}", options.name,
                       conn.ctx.peer);
      }
      return;
    }
    if (auto it = sync_handlers.find(cmd.code); it != sync_handlers.end()) {
      auto response = RunSyncHandler(it->second, conn.ctx, cmd);
      if (response) WriteCommand(*conn.tcp, std::move(*response)).IgnoreError();
      return;
    }
    if (auto it = async_handlers.find(cmd.code); it != async_handlers.end()) {
      Responder responder;
      responder.server_id_ = id;
      responder.connection_ = conn.ctx.connection;
      responder.opaque_ = cmd.opaque;
      responder.serialize_type_ = cmd.serialize_type;
      responder.oneway_ = cmd.IsOneway();
      it->second(conn.ctx, std::move(cmd), std::move(responder));
      return;
    }
    TERN_LOG_DEBUG("{}: request code {} from {} not supported", options.name, cmd.code,
                   conn.ctx.peer);
    if (!cmd.IsOneway()) WriteCommand(*conn.tcp, NotSupportedResponse(cmd)).IgnoreError();
  }

  // Writes `cmd` on `connection` if it is still open.
  Status Send(ConnectionId connection, RemotingCommand&& cmd) {
    auto it = conns.find(connection);
    if (it == conns.end() || !it->second->tcp->is_open()) {
      return Status::Unavailable(
          fmt::format("{}: connection {} is gone", options.name, connection));
    }
    return WriteCommand(*it->second->tcp, std::move(cmd));
  }

  void Reply(ConnectionId connection, RemotingCommand&& response) {
    Status st = Send(connection, std::move(response));
    if (!st.ok()) TERN_LOG_DEBUG("{}: reply dropped: {}", options.name, st.message());
  }

  void SendRequestInLoop(ConnectionId connection, RemotingCommand request, int64_t timeout_ms,
                         ResponseCallback callback) {
    request.opaque = NextOpaque();
    request.flag &= ~(kFlagResponse | kFlagOneway);
    request.serialize_type = SerializeType::kJson;
    int32_t opaque = request.opaque;
    tracker.Add(opaque, connection, request.code, timeout_ms, std::move(callback));
    Status st = Send(connection, std::move(request));
    if (!st.ok()) tracker.Fail(connection, opaque, st);
  }

  void SendOnewayInLoop(ConnectionId connection, RemotingCommand request) {
    request.opaque = NextOpaque();
    request.flag = (request.flag | kFlagOneway) & ~kFlagResponse;
    request.serialize_type = SerializeType::kJson;
    Status st = Send(connection, std::move(request));
    if (!st.ok()) TERN_LOG_DEBUG("{}: oneway request not sent: {}", options.name, st.message());
  }

  void CloseConnectionInLoop(ConnectionId connection, const std::string& reason) {
    auto it = conns.find(connection);
    if (it == conns.end() || !it->second->tcp->is_open()) return;
    TERN_LOG_INFO("{}: closing connection from {}: {}", options.name, it->second->ctx.peer, reason);
    it->second->tcp->Close(Status::Unavailable(reason));
  }

  void CloseIdle() {
    int64_t now = loop.NowMs();
    for (auto& [cid, conn] : conns) {
      if (conn->tcp->is_open() && now - conn->tcp->last_activity_ms() >= options.idle_timeout_ms) {
        TERN_LOG_INFO("{}: closing connection from {} idle for {} ms", options.name, conn->ctx.peer,
                      now - conn->tcp->last_activity_ms());
        conn->tcp->Close(Status::Timeout("idle connection"));
      }
    }
  }

  net::EventLoop& loop;
  const RpcServerOptions options;
  RequestTracker tracker;
  const uint64_t id;
  std::unordered_map<int32_t, SyncHandler> sync_handlers;
  std::unordered_map<int32_t, AsyncHandler> async_handlers;
  ConnectionHandler closed_handler;
  net::TcpListener* listener = nullptr;
  std::unordered_map<ConnectionId, std::unique_ptr<Conn>> conns;
  std::atomic<size_t> connection_count{0};
  std::atomic<uint16_t> bound_port{0};
  net::TimerId idle_timer = 0;
  net::HookId stop_hook = 0;
  bool stopped = false;
  bool owner_gone = false;
};

void Responder::ReplyResult(Result<RemotingCommand> result) {
  if (result.ok()) {
    Reply(std::move(result).value());
  } else {
    Reply(ErrorResponse(opaque_, serialize_type_, result.status()));
  }
}

void Responder::Reply(RemotingCommand response) {
  uint64_t server_id = server_id_;
  server_id_ = 0;
  if (server_id == 0 || oneway_) return;
  StampResponse(opaque_, serialize_type_, &response);
  ConnectionId connection = connection_;
  RpcServer::Impl* impl;
  {
    // Holding the registry lock keeps the Impl, and so its loop, alive while
    // we post; the Impl unregisters before it is deleted.
    std::lock_guard<std::mutex> lock(RpcServer::Impl::RegistryMutex());
    auto it = RpcServer::Impl::Registry().find(server_id);
    if (it == RpcServer::Impl::Registry().end()) return;
    impl = it->second;
    // Without a running loop no connection is open (none before Start, all
    // closed by Stop), and any thread would count as "in loop": drop.
    if (!impl->loop.running()) return;
    if (!impl->loop.InLoopThread()) {
      impl->loop.Post([server_id, connection, response = std::move(response)]() mutable {
        if (RpcServer::Impl* live = RpcServer::Impl::Lookup(server_id))
          live->Reply(connection, std::move(response));
      });
      return;
    }
  }
  // On the loop thread the Impl cannot be deleted under us.
  impl->Reply(connection, std::move(response));
}

RpcServer::RpcServer(net::EventLoop& loop, RpcServerOptions options)
    : impl_(std::make_unique<Impl>(loop, std::move(options))) {}

RpcServer::~RpcServer() {
  Impl* impl = impl_.release();
  bool done = net::RunInLoopAndWait(impl->loop, [impl] {
    impl->StopInLoop();
    impl->owner_gone = true;
    impl->DeleteIfOrphaned();
  });
  // The loop is stopping concurrently: its stop hook closes our handles, and
  // the Impl is leaked rather than deleted under the loop thread's feet.
  if (!done) TERN_LOG_WARN("{}: destroyed while its loop was stopping", impl->options.name);
}

void RpcServer::RegisterSync(int32_t code, SyncHandler handler) {
  impl_->sync_handlers[code] = std::move(handler);
  impl_->async_handlers.erase(code);
}

void RpcServer::RegisterAsync(int32_t code, AsyncHandler handler) {
  impl_->async_handlers[code] = std::move(handler);
  impl_->sync_handlers.erase(code);
}

void RpcServer::SetConnectionClosedHandler(ConnectionHandler handler) {
  impl_->closed_handler = std::move(handler);
}

Status RpcServer::Start() {
  Status st = Status::Unavailable(impl_->options.name + ": event loop is stopping");
  net::RunInLoopAndWait(impl_->loop, [&] { st = impl_->StartInLoop(); });
  return st;
}

uint16_t RpcServer::port() const { return impl_->bound_port.load(); }

void RpcServer::Stop() {
  if (!net::RunInLoopAndWait(impl_->loop, [this] { impl_->StopInLoop(); })) {
    TERN_LOG_DEBUG("{}: Stop while the loop is stopping; the loop closes the handles",
                   impl_->options.name);
  }
}

void RpcServer::CloseConnection(ConnectionId connection, const std::string& reason) {
  if (impl_->loop.InLoopThread()) {
    impl_->CloseConnectionInLoop(connection, reason);
    return;
  }
  uint64_t id = impl_->id;
  impl_->loop.Post([id, connection, reason] {
    if (Impl* impl = Impl::Lookup(id)) impl->CloseConnectionInLoop(connection, reason);
  });
}

void RpcServer::SendOneway(ConnectionId connection, RemotingCommand request) {
  if (impl_->loop.InLoopThread()) {
    impl_->SendOnewayInLoop(connection, std::move(request));
    return;
  }
  uint64_t id = impl_->id;
  impl_->loop.Post([id, connection, request = std::move(request)]() mutable {
    if (Impl* impl = Impl::Lookup(id)) impl->SendOnewayInLoop(connection, std::move(request));
  });
}

void RpcServer::SendRequest(ConnectionId connection, RemotingCommand request, int64_t timeout_ms,
                            ResponseCallback callback) {
  if (impl_->loop.InLoopThread()) {
    impl_->SendRequestInLoop(connection, std::move(request), timeout_ms, std::move(callback));
    return;
  }
  uint64_t id = impl_->id;
  auto task = [id, connection, request = std::move(request), timeout_ms, callback]() mutable {
    if (Impl* impl = Impl::Lookup(id)) {
      impl->SendRequestInLoop(connection, std::move(request), timeout_ms, std::move(callback));
    } else {
      callback(Status::Unavailable("server is gone"));
    }
  };
  if (!impl_->loop.TryPost(std::move(task)))
    callback(Status::Unavailable("server loop is stopping"));
}

size_t RpcServer::connection_count() const { return impl_->connection_count.load(); }

}  // namespace tern::remoting
