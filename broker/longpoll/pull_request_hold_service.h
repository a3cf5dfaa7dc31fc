// PullRequestHoldService: long polling (shared/spec/storage.md §10, quirks
// Q19). A PULL_MESSAGE that found nothing and carries the suspend flag is
// parked here under `topic@queueId` instead of being answered. It is
// re-executed (without permission to suspend again) when
//   * a message for that queue is dispatched whose tagsCode the pull's filter
//     accepts (NotifyMessageArriving, fed by the store's arrival listener),
//   * the periodic sweep (RunOnce, every check_interval_ms on the loop) sees
//     the queue's max offset past the pull's offset, or
//   * its suspend time has passed: the re-execution then answers
//     PULL_NOT_FOUND with the current offsets.
// The suspend time is min(client's suspendTimeoutMillis, max_suspend_ms)
// with long polling, short_polling_time_ms without it, so a parked pull is
// always answered before the client gives up (Java 30 s).
//
// Threads: loop thread only, except the listener returned by
// ArrivalListener(), which runs on the store's dispatch thread: it copies the
// arrival into a mailbox and posts one drain task per batch to the loop.
// Clock: `clock.MonotonicMs()` (tests drive it with ManualClock + RunOnce).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "broker/store/get_message.h"
#include "broker/store/reput.h"
#include "src/base/clock.h"
#include "src/base/strong_id.h"
#include "src/net/event_loop.h"
#include "src/remoting/rpc_server.h"

namespace tern::longpoll {

// One suspended PULL_MESSAGE: everything needed to run it again and answer
// the original connection with the original opaque.
struct ParkedPull {
  remoting::RequestContext ctx;
  remoting::RemotingCommand request;
  remoting::Responder responder;
  std::string topic;
  QueueId queue_id;
  QueueOffset pull_from_offset;
  int64_t timeout_ms = 0;  // as requested; the service clamps it
  // Decides whether a newly arrived message (by tagsCode) should wake the
  // pull; nullptr wakes it on any message.
  std::unique_ptr<const store::MessageFilter> filter;
  int64_t suspend_ms = 0;  // set by Park()
};

struct HoldOptions {
  bool long_polling_enable = true;     // longPollingEnable
  int64_t short_polling_time_ms = 1000;  // shortPollingTimeMills
  int64_t max_suspend_ms = 25000;      // cap below the clients' 30 s timeout
  int64_t check_interval_ms = 1000;    // the sweep period on the loop
};

class PullRequestHoldService {
 public:
  // Re-executes a woken pull without permission to suspend; it answers
  // through pull.responder. Runs on the loop thread.
  using Rerun = std::function<void(ParkedPull pull)>;
  // The queue's current max offset (store).
  using MaxOffset = std::function<QueueOffset(std::string_view topic, QueueId queue_id)>;

  // `clock` must outlive the service.
  PullRequestHoldService(const Clock& clock, HoldOptions options, MaxOffset max_offset,
                         Rerun rerun);
  ~PullRequestHoldService();
  PullRequestHoldService(const PullRequestHoldService&) = delete;
  PullRequestHoldService& operator=(const PullRequestHoldService&) = delete;

  // Arms the periodic sweep on `loop` and lets ArrivalListener() post there.
  // Loop thread (or before the loop runs). `loop` must outlive Stop().
  void Start(net::EventLoop& loop);
  // Cancels the sweep, detaches the mailbox and answers every parked pull now
  // (re-executed; the answers go out if the server still runs). Loop thread.
  void Stop();

  // The listener for MessageStore::set_arrival_listener. Cheap when nothing
  // is parked; otherwise copies the values and posts them to the loop.
  store::MessageArrivalListener ArrivalListener();

  // Parks `pull` (loop thread). If the queue already grew past the pull's
  // offset (a message dispatched between the read and the park), the pull is
  // re-executed at once.
  void Park(ParkedPull pull);
  // A message reached (topic, queue_id); `max_offset` is the queue's new max.
  // tags_code nullopt: unknown (the sweep) - matches every filter.
  void NotifyMessageArriving(std::string_view topic, QueueId queue_id, QueueOffset max_offset,
                             std::optional<int64_t> tags_code);
  // The sweep: wakes pulls whose queue grew or whose suspend time passed.
  void RunOnce();

  size_t parked_count() const { return static_cast<size_t>(mailbox_->parked.load()); }
  int64_t EffectiveTimeoutMs(int64_t requested_ms) const;

 private:
  struct Arrival {
    std::string topic;
    QueueId queue_id;
    QueueOffset max_offset;
    int64_t tags_code;
  };
  // Shared by the dispatch-thread listener and the loop. `service` is set and
  // cleared on the loop thread; drain tasks read it on the loop thread.
  struct Mailbox {
    std::mutex mu;
    std::vector<Arrival> pending;       // GUARDED_BY(mu)
    // Number of parked pulls; the listener skips posting while it is 0.
    std::atomic<int64_t> parked{0};
    net::EventLoop* loop = nullptr;     // GUARDED_BY(mu)
    PullRequestHoldService* service = nullptr;  // loop thread
  };
  static void Drain(const std::shared_ptr<Mailbox>& box);
  static std::string Key(std::string_view topic, QueueId queue_id);
  // Moves the pulls of `key` that should wake now into `out`.
  void Collect(const std::string& key, std::string_view topic, QueueId queue_id,
               QueueOffset max_offset, std::optional<int64_t> tags_code, int64_t now,
               std::vector<ParkedPull>* out);
  void Wake(std::vector<ParkedPull>* woken);

  const Clock& clock_;
  const HoldOptions options_;
  MaxOffset max_offset_;
  Rerun rerun_;
  std::unordered_map<std::string, std::vector<ParkedPull>> parked_by_key_;
  std::shared_ptr<Mailbox> mailbox_;
  net::EventLoop* loop_ = nullptr;
  net::TimerId sweep_timer_ = 0;
  bool sweep_armed_ = false;
};

}  // namespace tern::longpoll
