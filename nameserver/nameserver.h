// NameServer: wiring only. Start here to see how the nameserver is put
// together: the route table and KV config (route_info_manager.h,
// kv_config_manager.h), the request handlers (handlers.h), one RpcServer on
// the "ns-loop" event loop, and a "ns-kv" loop on which KV changes are written
// to disk.
//
//   NameServer ns(config, SystemClock::Instance());
//   TERN_RETURN_IF_ERROR(ns.Start());
//   ... ns.port() ...
//   ns.Stop();
//
// Threading: Start/Stop/port from one controlling thread (not a loop thread).
// Everything else runs on the loop threads it owns.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include "nameserver/handlers.h"
#include "nameserver/kv_config_manager.h"
#include "nameserver/namesrv_config.h"
#include "nameserver/route_info_manager.h"
#include "src/base/clock.h"
#include "src/net/event_loop.h"
#include "src/remoting/rpc_server.h"

namespace tern::nameserver {

class NameServer {
 public:
  // `clock` must outlive the server.
  NameServer(NamesrvConfig config, Clock& clock);
  ~NameServer();  // Stops if running.
  NameServer(const NameServer&) = delete;
  NameServer& operator=(const NameServer&) = delete;

  // Loads the KV config, binds the listener, starts the loops and the expiry
  // scan. An error leaves nothing running.
  Status Start();
  // The bound port (after a successful Start()).
  uint16_t port() const;
  // Closes the listener and all connections, stops the loops. Idempotent.
  void Stop();

 private:
  // A KV change waiting for the "ns-kv" thread.
  struct KvJob {
    Handler handler;
    remoting::RequestContext ctx;
    remoting::RemotingCommand request;
    remoting::Responder responder;
  };
  void RegisterHandlers();
  void EnqueueKvJob(KvJob job);  // ns-loop thread
  void RunOneKvJob();            // ns-kv thread

  NamesrvConfig config_;  // ns-loop thread once started
  Clock& clock_;
  RouteInfoManager routes_;
  KvConfigManager kv_;
  NamesrvContext context_;
  net::EventLoop loop_;
  net::EventLoop kv_loop_;
  std::unique_ptr<remoting::RpcServer> server_;  // dies before the loops
  std::mutex kv_mu_;
  std::deque<KvJob> kv_jobs_;  // guarded by kv_mu_
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace tern::nameserver
