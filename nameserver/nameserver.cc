#include "nameserver/nameserver.h"

#include "src/base/logging.h"

namespace tern::nameserver {

using remoting::RemotingCommand;
using remoting::RequestContext;

NameServer::NameServer(NamesrvConfig config, Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      routes_(clock_, config_.broker_channel_expired_millis),
      kv_(config_.KvConfigPath()),
      context_{config_, routes_, kv_},
      loop_("ns-loop"),
      kv_loop_("ns-kv") {}

NameServer::~NameServer() { Stop(); }

Status NameServer::Start() {
  TERN_CHECK(!started_) << "NameServer::Start called twice";
  TERN_RETURN_IF_ERROR(kv_.Load());

  remoting::RpcServerOptions options;
  options.name = "namesrv";
  options.host = config_.bind_address;
  options.port = config_.listen_port;
  options.max_frame_bytes = static_cast<size_t>(config_.max_frame_bytes);
  options.idle_timeout_ms = int64_t{config_.server_channel_max_idle_time_seconds} * 1000;
  server_ = std::make_unique<remoting::RpcServer>(loop_, options);
  RegisterHandlers();
  server_->SetConnectionClosedHandler(
      [this](ConnectionId id, const std::string&) { routes_.OnConnectionClosed(id); });

  // The loop thread is not running yet, so this thread may set up its handles.
  Status st = server_->Start();
  if (!st.ok()) {
    server_.reset();
    return st.WithContext("name server listen");
  }
  loop_.RunEvery(config_.scan_not_active_broker_interval, [this] {
    for (ConnectionId conn : routes_.RunOnce(clock_.MonotonicMs())) {
      server_->CloseConnection(conn, "broker registration expired");
    }
  });
  TERN_RETURN_IF_ERROR(loop_.Start());
  TERN_RETURN_IF_ERROR(kv_loop_.Start());
  started_ = true;
  TERN_LOG_INFO("name server listening on {}:{}, kv config {}, broker expiry {} ms",
                config_.bind_address, server_->port(), kv_.path(),
                config_.broker_channel_expired_millis);
  return Status::Ok();
}

uint16_t NameServer::port() const {
  TERN_CHECK(server_ != nullptr) << "NameServer::port before Start";
  return server_->port();
}

void NameServer::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  server_->Stop();  // closes the listener and every connection
  loop_.Stop();
  kv_loop_.Stop();  // runs KV writes queued before Stop; their replies go nowhere
  server_.reset();
  TERN_LOG_INFO("name server stopped");
}

void NameServer::RegisterHandlers() {
  for (const HandlerEntry& entry : NamesrvHandlerTable()) {
    Handler handler = entry.handler;
    if (entry.thread == HandlerThread::kLoop) {
      server_->RegisterSync(
          entry.code, [this, handler](const RequestContext& ctx, const RemotingCommand& request) {
            return handler(context_, ctx, request);
          });
    } else {
      server_->RegisterAsync(
          entry.code, [this, handler](const RequestContext& ctx, RemotingCommand request,
                                      remoting::Responder responder) {
            EnqueueKvJob(KvJob{handler, ctx, std::move(request), std::move(responder)});
          });
    }
  }
}

void NameServer::EnqueueKvJob(KvJob job) {
  {
    std::lock_guard<std::mutex> lock(kv_mu_);
    kv_jobs_.push_back(std::move(job));
  }
  // One task per job, so jobs run in arrival order.
  kv_loop_.Post([this] { RunOneKvJob(); });
}

void NameServer::RunOneKvJob() {
  KvJob job{};
  {
    std::lock_guard<std::mutex> lock(kv_mu_);
    if (kv_jobs_.empty()) return;
    job = std::move(kv_jobs_.front());
    kv_jobs_.pop_front();
  }
  Result<RemotingCommand> r = job.handler(context_, job.ctx, job.request);
  job.responder.Reply(r.ok() ? std::move(r).value() : ErrorResponse(job.request, r.status()));
}

}  // namespace tern::nameserver
