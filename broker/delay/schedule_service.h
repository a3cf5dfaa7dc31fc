// ScheduleService: delivers scheduled messages when they are due — delay
// levels and timer messages on ONE time wheel (design: broker/delay/README.md).
//
//   auto svc = ScheduleService::Open(store, meta_db, clock, options);  // recovers
//   svc->Start();                 // the "broker-delay" thread
//   svc->Cancel(topic, uniq_key, done);
//   svc->Stop();                  // before the store closes
//
// What it does, each RunOnce(now):
//   1. load: follows the consume queues of SCHEDULE_TOPIC_XXXX (one per
//      level) and of the timer topic from where it stopped, adding a small
//      entry per scheduled record to the wheel (fire time, log offset, id);
//   2. cancels: answers queued CANCEL_SCHEDULED_MESSAGE requests;
//   3. fire: pops due entries (fire <= now), ordered by (due, log offset) so
//      that equal due times keep arrival order, and appends for each either
//      the original message (due) or a fresh copy on the timer topic (an old
//      copy whose due time is still ahead: roll-forward);
//   4. checkpoint: once the CommitLog is flushed past an appended record, its
//      entry's "done" marker, the per-queue low cursors and the journal
//      position are written in one metadata batch.
// After a crash, Open() reads the CommitLog from the journal position: every
// record carrying kEntryProperty there is an outcome whose marker was not
// yet written, so no entry is delivered twice and none is lost.
//
// Threads: RunOnce / the service thread own all state (never both: tests
// call RunOnce without Start). Cancel, Wake, pending and error are any
// thread. `store`, `db` and `clock` must outlive the service; Stop() it
// before closing the store.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "broker/delay/delay_format.h"
#include "broker/delay/schedule_interceptor.h"
#include "broker/delay/schedule_options.h"
#include "broker/delay/time_wheel.h"
#include "broker/meta/meta_db.h"
#include "broker/store/message_store.h"
#include "src/base/clock.h"
#include "src/base/status.h"

namespace tern::delay {

enum class CancelResult : uint8_t {
  kCancelled,         // it will not be delivered (also: it already was cancelled)
  kAlreadyDelivered,  // too late
  kNotFound,          // no scheduled message with that topic and unique key
  kUnavailable,       // the service is stopping
};
std::string_view CancelResultName(CancelResult r);  // delay_format.h kResult* strings

struct CancelOutcome {
  CancelResult result = CancelResult::kNotFound;
  std::string remark;
};
// Runs on the service thread (or the caller's, when stopped). Must not block.
using CancelCallback = std::function<void(CancelOutcome)>;

// What one RunOnce did.
struct RunStats {
  int64_t loaded = 0;     // entries added to the wheel
  int64_t delivered = 0;  // originals appended
  int64_t rolled = 0;     // copies rolled forward
  int64_t cancelled = 0;
  int64_t lost = 0;       // scheduled records that could not be read or rebuilt
  int64_t failed = 0;     // appends that failed (retried after retry_delay_ms)
  int64_t max_lateness_ms = 0;  // of the deliveries: append time - due time
};

class ScheduleService {
 public:
  // Reads the persisted state and rebuilds the wheel (see the file comment).
  // The store must have been opened (dispatch caught up).
  static Result<std::unique_ptr<ScheduleService>> Open(store::MessageStore& store,
                                                       meta::MetaDb& db, const Clock& clock,
                                                       ScheduleOptions options);
  ~ScheduleService();  // Stop()s
  ScheduleService(const ScheduleService&) = delete;
  ScheduleService& operator=(const ScheduleService&) = delete;

  // Starts the service thread: RunOnce every poll_interval_ms or on Wake().
  void Start();
  // Stops the thread, writes a last checkpoint and answers queued cancels
  // with kUnavailable. Idempotent.
  void Stop();

  // One pass at wall time now_ms. Not while the thread runs.
  Result<RunStats> RunOnce(int64_t now_ms);

  // Queues a cancel of the message sent to `topic` with UNIQ_KEY `uniq_key`;
  // `done` gets the answer. Any thread. Needs the key index (messageIndexEnable).
  void Cancel(std::string topic, std::string uniq_key, CancelCallback done);

  // Doorbell: new schedule records were dispatched (call it from the store's
  // arrival listener for IsScheduleTopic topics). Any thread; cheap.
  void Wake();

  // The interceptor for the send path (SendHooks::schedule = MakeSendHook(...)).
  const ScheduleInterceptor& interceptor() const { return interceptor_; }
  // Entries in the wheel (as of the last RunOnce). Any thread.
  int64_t pending() const { return pending_.load(std::memory_order_relaxed); }
  // The last failure of a run, OK after a clean run. Any thread.
  Status error() const;
  // Bytes of wheel buckets (benchmark). Service thread / when stopped.
  size_t WheelMemoryBytes() const { return wheel_.MemoryBytes(); }
  // Where recovery would start reading the log. Service thread / when stopped.
  PhysicalOffset journal_position() const { return PhysicalOffset(journal_pos_); }

 private:
  // Per source queue (one per delay level, plus the timer queue).
  struct Source {
    uint8_t id = 0;
    std::string topic;
    QueueId queue{0};
    int64_t read = 0;  // next queue offset to load
    int64_t low = 0;   // persisted: everything below is resolved
    // Unresolved (or resolved but not yet marked) entries per chunk of
    // kChunk queue offsets; low never passes a chunk with a count.
    std::map<int64_t, int32_t> chunks;
  };
  // An entry resolved in memory whose marker is not written yet.
  struct Outcome {
    uint64_t id = 0;
    MarkerKind kind = MarkerKind::kDelivered;
    int64_t start = 0;  // the appended record (0, 0 when nothing was appended)
    int64_t end = 0;
  };
  struct CancelJob {
    std::string topic;
    std::string uniq_key;
    CancelCallback done;
    int attempts = 0;
    // The CommitLog's written end when the cancel arrived: a message sent
    // before the cancel lies below it, so "not found" is final only once the
    // key index has caught up to here.
    PhysicalOffset log_end_at_arrival;
  };
  enum class CancelStep : uint8_t { kDone, kRetry };

  ScheduleService(store::MessageStore& store, meta::MetaDb& db, const Clock& clock,
                  ScheduleOptions options);
  // schedule_recovery.cc
  Status Recover();
  Status ReadState(int64_t* journal, std::map<uint8_t, int64_t>* lows);
  std::string EncodeState() const;
  Status ScanJournal(int64_t from, std::unordered_map<uint64_t, MarkerKind>* recent);
  Status LoadMarkers(const Source& s, int64_t from, std::vector<int64_t>* resolved);

  // schedule_service.cc
  // nullptr for a source byte this configuration does not have.
  Source* FindSource(uint8_t id);
  // Loads [s.read, queue max) (at most `budget` entries); skips offsets in
  // `resolved` (sorted) and `recent`. Returns entries added.
  int64_t Load(Source& s, int64_t budget, const std::vector<int64_t>* resolved,
               const std::unordered_map<uint64_t, MarkerKind>* recent);
  void Fire(int64_t now_ms, RunStats* stats);
  Status Checkpoint(int64_t now_ms, bool force);
  Status PruneCancelled(int64_t now_ms);
  void ProcessCancels(RunStats* stats);
  CancelStep DoCancel(CancelJob& job, RunStats* stats);
  void AddPending(EntryId id, int delta);
  void ThreadMain();
  void SetError(const Status& s);
  void SyncPoint(std::string_view name) {
    if (options_.sync_point) options_.sync_point(name);
  }

  store::MessageStore& store_;
  meta::MetaDb& db_;
  const Clock& clock_;
  const ScheduleOptions options_;
  const ScheduleInterceptor interceptor_;

  // Service-thread state.
  TimeWheel wheel_;
  std::vector<Source> sources_;  // levels 0..n-1, then the timer source
  std::vector<Outcome> unmarked_;
  std::vector<WheelEntry> due_;  // scratch
  int64_t journal_pos_ = 0;
  int64_t last_state_write_ms_ = 0;
  int64_t last_prune_ms_ = 0;
  bool state_dirty_ = false;
  int64_t retry_after_ms_ = 0;  // no firing before this (after a failed append)
  bool recovered_ = false;      // Open() got far enough for Stop() to checkpoint

  std::atomic<int64_t> pending_{0};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<CancelJob> cancels_;  // GUARDED_BY(mu_)
  bool wake_ = false;               // GUARDED_BY(mu_)
  bool stop_ = false;               // GUARDED_BY(mu_)
  bool stopped_ = false;            // GUARDED_BY(mu_)
  Status error_;                    // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace tern::delay
