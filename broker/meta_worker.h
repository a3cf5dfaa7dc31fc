// MetaWorker: the "broker-meta" thread, which runs the broker's metadata disk
// work (fsynced RocksDB writes of topic and group configs, the broker.conf
// rewrite of UPDATE_BROKER_CONFIG) so that the I/O loop never waits for a
// disk (issue #4: "the I/O path never blocks on disk").
//
// One FIFO job queue, one thread (Redis bio.c): jobs run one at a time in the
// order they were submitted, so two changes of the same topic reach disk in
// request order, and a job submitted after another sees its result. A job
// hands its completion back itself: Responder::Reply (any thread) for a
// request, or EventLoop::Post to continue on the loop.
//
//   worker.Start();
//   worker.Submit([&topics, cfg, r = std::move(responder)]() mutable {
//     r.Reply(topics.UpdateTopicConfig(cfg).ok() ? ... : ...);
//   });
//   worker.Stop();   // runs what is queued, then joins
//
// Threads: Submit from any thread; jobs on the worker thread. A job must not
// wait for the loop (the loop may be waiting to stop the worker).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "src/net/event_loop.h"
#include "src/remoting/rpc_server.h"

namespace tern::broker {

class MetaWorker {
 public:
  using Job = std::function<void()>;

  explicit MetaWorker(std::string thread_name = "broker-meta");
  ~MetaWorker();  // Stop()s
  MetaWorker(const MetaWorker&) = delete;
  MetaWorker& operator=(const MetaWorker&) = delete;

  void Start();
  // Runs the jobs already queued, then joins. Jobs submitted afterwards run
  // on the submitting thread (shutdown paths stay correct, if not async).
  // Idempotent.
  void Stop();

  // Queues `job`. Before Start() the job waits for it; after Stop() it runs
  // at once on the caller's thread.
  void Submit(Job job);

  // Test hook: while held, the worker finishes its current job and then
  // waits before taking the next (a "slow disk" without sleeping).
  void Hold();
  void Release();
  // Jobs completed so far (tests).
  int64_t completed() const;

 private:
  void Run();

  const std::string thread_name_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;   // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  bool stopped_ = false;   // GUARDED_BY(mu_)
  bool held_ = false;      // GUARDED_BY(mu_)
  int64_t completed_ = 0;  // GUARDED_BY(mu_)
  std::thread thread_;
};

// Registers `handler` for `code` on `server` so that it runs on `worker`
// instead of the loop, and its response (or error Status, answered as
// SYSTEM_ERROR like a sync handler's) goes back when it returns. For handlers
// whose work is a durable metadata write (UPDATE_AND_CREATE_TOPIC, ...): the
// reply leaves once the write is durable, requests keep their order (one
// FIFO), and the loop serves other requests meanwhile. `handler` runs on the
// worker thread, so everything it touches must be thread-safe. `worker`
// must outlive the server. A null `worker_or_null` registers `handler` as a
// plain sync handler on the loop (processors used without a broker, in tests).
void RegisterOnWorker(remoting::RpcServer& server, int32_t code, remoting::SyncHandler handler,
                      MetaWorker* worker_or_null);

// Tells the nameservers the current topic table and calls `done` once every
// one answered or timed out (BrokerRegistration::RegisterThen). Any thread.
using AnnounceTopics = std::function<void(std::function<void()> done)>;

// For a request that created a topic on the worker (a send that auto-created
// one, a first heartbeat that created a retry topic): `task` (the rest of the
// request, answering it) runs on `loop` once `announce` has called back, so
// a client that asks the nameserver for the route right after the answer
// finds it, as with Apache RocketMQ, whose broker registers synchronously
// before answering. An announcement not back after `max_wait_ms` (a
// nameserver down) is not waited for any longer: WARN naming `what`, then
// `task`. Without `announce`, `task` is posted at once. Any thread.
void PostAfterAnnounce(net::EventLoop& loop, const AnnounceTopics& announce, int64_t max_wait_ms,
                       std::string what, net::Task task);

}  // namespace tern::broker
