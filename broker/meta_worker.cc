#include "broker/meta_worker.h"

#include <memory>
#include <optional>
#include <utility>

#include "src/base/logging.h"

namespace tern::broker {

MetaWorker::MetaWorker(std::string thread_name) : thread_name_(std::move(thread_name)) {}

MetaWorker::~MetaWorker() { Stop(); }

void MetaWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stopped_) return;
  thread_ = std::thread([this] { Run(); });
}

void MetaWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopping_ = true;
    held_ = false;  // a held worker must still drain
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::deque<Job> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    left.swap(jobs_);  // never started: run them here
  }
  for (Job& job : left) job();
}

void MetaWorker::Submit(Job job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopped_) {
      jobs_.push_back(std::move(job));
      cv_.notify_all();
      return;
    }
  }
  job();
}

void MetaWorker::Hold() {
  std::lock_guard<std::mutex> lock(mu_);
  held_ = true;
}

void MetaWorker::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = false;
  }
  cv_.notify_all();
}

int64_t MetaWorker::completed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return completed_;
}

void MetaWorker::Run() {
  log::SetThreadName(thread_name_);
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || (!held_ && !jobs_.empty()); });
    if (jobs_.empty()) return;  // stopping, drained
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();  // no lock across disk work
    lock.lock();
    ++completed_;
  }
}

void RegisterOnWorker(remoting::RpcServer& server, int32_t code, remoting::SyncHandler handler,
                      MetaWorker* worker_or_null) {
  if (worker_or_null == nullptr) {
    server.RegisterSync(code, std::move(handler));
    return;
  }
  MetaWorker& worker = *worker_or_null;
  server.RegisterAsync(code, [handler = std::move(handler), &worker](
                                 const remoting::RequestContext& ctx,
                                 remoting::RemotingCommand request, remoting::Responder responder) {
    worker.Submit(
        [handler, ctx, request = std::move(request), responder = std::move(responder)]() mutable {
          responder.ReplyResult(handler(ctx, request));
        });
  });
}

namespace {
// Shared by the announcement callback and the guard timer: the first to run
// (on the loop) takes the task.
struct AfterAnnounce {
  net::Task task;
  bool ran = false;                   // loop thread
  std::optional<net::TimerId> guard;  // loop thread
};

void RunOnce(net::EventLoop& loop, AfterAnnounce& state) {
  if (state.ran) return;
  state.ran = true;
  if (state.guard) loop.CancelTimer(*state.guard);
  net::Task task = std::move(state.task);
  task();
}
}  // namespace

void PostAfterAnnounce(net::EventLoop& loop, const AnnounceTopics& announce, int64_t max_wait_ms,
                       std::string what, net::Task task) {
  if (!announce) {
    loop.Post(std::move(task));
    return;
  }
  auto state = std::make_shared<AfterAnnounce>();
  state->task = std::move(task);
  // Posted before announcing, so the guard is armed before the callback's
  // task can run (both run on the loop in posting order).
  loop.Post([&loop, state, max_wait_ms, what = std::move(what)] {
    if (state->ran) return;
    state->guard = loop.RunAfter(max_wait_ms, [&loop, state, max_wait_ms, what] {
      state->guard.reset();
      if (state->ran) return;
      TERN_LOG_WARN(
          "{}: the nameservers did not confirm the new topic within {} ms; answering "
          "anyway (its route follows with the next registration)",
          what, max_wait_ms);
      RunOnce(loop, *state);
    });
  });
  announce([&loop, state] { loop.Post([&loop, state] { RunOnce(loop, *state); }); });
}

}  // namespace tern::broker
