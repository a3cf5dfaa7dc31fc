#include "broker/store/reput.h"

#include <algorithm>

#include "src/base/check.h"
#include "src/base/logging.h"
#include "src/base/properties.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"

namespace tern::store {
namespace {

constexpr std::string_view kScheduleTopic = "SCHEDULE_TOPIC_XXXX";

}  // namespace

std::vector<int64_t> DefaultDelayLevelsMs() {
  // messageDelayLevel = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"
  constexpr int64_t s = 1000, m = 60 * s, h = 60 * m;
  return {1 * s, 5 * s, 10 * s, 30 * s, 1 * m, 2 * m,  3 * m,  4 * m,  5 * m,
          6 * m, 7 * m, 8 * m,  9 * m,  10 * m, 20 * m, 30 * m, 1 * h, 2 * h};
}

int64_t DispatchTagsCode(std::string_view topic, std::string_view properties,
                         int64_t store_timestamp, const std::vector<int64_t>& delay_levels_ms) {
  if (topic == kScheduleTopic && !delay_levels_ms.empty()) {
    auto delay = protocol::FindProperty(properties, protocol::PropertyKey::kDelayTimeLevel);
    if (delay) {
      auto level = ParseInt64(*delay);
      if (level.ok() && *level > 0) {
        int64_t clamped = std::min<int64_t>(*level, static_cast<int64_t>(delay_levels_ms.size()));
        return store_timestamp + delay_levels_ms[static_cast<size_t>(clamped - 1)];
      }
    }
  }
  auto tags = protocol::FindProperty(properties, protocol::PropertyKey::kTags);
  return tags ? protocol::TagsHashCode(*tags) : 0;
}

ReputService::ReputService(const CommitLog& log, ConsumeQueueTable& queues,
                           meta::KeyIndex* index, Checkpoint* checkpoint, const Clock& clock,
                           ReputOptions options)
    : log_(log),
      queues_(queues),
      index_(index),
      checkpoint_(checkpoint),
      clock_(clock),
      options_(std::move(options)) {}

ReputService::~ReputService() { Stop(); }

Status ReputService::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

void ReputService::SetError(const Status& s) {
  std::lock_guard lock(mu_);
  if (error_.ok()) {
    TERN_LOG_ERROR("dispatch stopped at {}: {}", reput_from(), s.ToString());
    error_ = s;
  }
}

Status ReputService::DispatchRecord(const LogView& view,
                                    std::vector<meta::KeyIndexEntry>* index_batch) {
  auto decoded = protocol::DecodeMessageRecord(view.data());
  if (!decoded.ok()) {
    return decoded.status().WithContext(fmt::format("record at {}", view.offset()));
  }
  const protocol::MessageRecord& rec = *decoded;
  const int32_t tx = protocol::TransactionType(rec.sys_flag);

  if (protocol::TakesQueueOffset(rec.sys_flag)) {
    const int64_t tags_code =
        DispatchTagsCode(rec.topic, rec.properties, rec.store_timestamp, options_.delay_levels_ms);
    TERN_ASSIGN_OR_RETURN(ConsumeQueue * cq, queues_.FindOrCreate(rec.topic, rec.queue_id));
    CqUnit unit{view.offset(), rec.total_size, tags_code};
    TERN_ASSIGN_OR_RETURN(auto outcome, cq->Append(rec.queue_offset, unit));
    if (outcome == ConsumeQueue::AppendOutcome::kAppended && listener_) {
      listener_(MessageArrival{rec.topic, rec.queue_id, rec.queue_offset, rec.queue_offset + 1,
                               tags_code, rec.store_timestamp, rec.properties});
    }
  }

  if (index_ != nullptr && tx != protocol::MessageSysFlag::kTransactionRollback) {
    auto add = [&](std::string_view key) {
      if (key.empty()) return;
      index_batch->push_back(meta::KeyIndexEntry{std::string(rec.topic), std::string(key),
                                                 rec.store_timestamp, view.offset()});
    };
    if (auto keys = protocol::FindProperty(rec.properties, protocol::PropertyKey::kKeys)) {
      std::string_view rest = *keys;
      while (!rest.empty()) {
        size_t sp = rest.find(' ');
        add(rest.substr(0, sp));
        if (sp == std::string_view::npos) break;
        rest.remove_prefix(sp + 1);
      }
    }
    if (auto uniq =
            protocol::FindProperty(rec.properties, protocol::PropertyKey::kUniqClientMessageIdKeyIdx)) {
      add(*uniq);
    }
  }
  last_store_timestamp_ = rec.store_timestamp;
  return Status::Ok();
}

Result<int64_t> ReputService::RunOnce() {
  std::lock_guard lock(dispatch_mu_);
  return RunOnceLocked(IndexWrite::kAll);
}

bool ReputService::TryDispatch() {
  std::unique_lock lock(dispatch_mu_, std::try_to_lock);
  if (!lock.owns_lock() || !running_) return false;
  // A failure is sticky and already reported; the service thread sees it too.
  const bool had_pending = index_pending_records_ > 0;
  // At most one batch here: a backlog (the thread fell behind a burst) is the
  // thread's work, not something for the next send to wait behind.
  RunOnceLocked(IndexWrite::kDefer, options_.index_batch_records).status().IgnoreError();
  // The thread writes the rows: now if they are due, else by the deadline of a
  // batch started here, which it learns only when woken.
  return caught_up() && !IndexDue() && (had_pending || index_pending_records_ == 0);
}

bool ReputService::IndexDue() const {
  return index_pending_records_ > 0 &&
         (index_pending_records_ >= options_.index_batch_records ||
          clock_.MonotonicMs() - index_pending_since_ms_ >= options_.index_commit_delay_ms);
}

Result<int64_t> ReputService::RunOnceLocked(IndexWrite index_write, int64_t max_records) {
  TERN_RETURN_IF_ERROR(error());
  CommitLogScanner scanner(log_, reput_from());
  int64_t records = 0;
  Status failure;
  while (records < max_records) {
    LogView view;
    auto step = scanner.Next(&view);
    if (!step.ok()) {
      if (step.status().code() == StatusCode::kNotFound && scanner.position() < log_.MinOffset()) {
        // Retention removed what we had not dispatched yet (or a rebuild starts below).
        TERN_LOG_WARN("dispatch: {} is below the log's min offset {}; skipping ahead",
                      scanner.position(), log_.MinOffset());
        scanner.Seek(log_.MinOffset());
        reput_from_.store(scanner.position().value());
        continue;
      }
      failure = step.status().WithContext(fmt::format("dispatch at {}", scanner.position()));
      break;
    }
    if (*step == CommitLogScanner::Step::kEnd) break;
    // A new batch's clock starts before the listener hears of the record.
    const bool starts_batch = index_ != nullptr && index_pending_records_ == 0;
    const int64_t dispatched_ms = starts_batch ? clock_.MonotonicMs() : 0;
    Status s = DispatchRecord(view, &index_pending_);
    if (!s.ok()) {
      failure = s;
      break;
    }
    ++records;
    reput_from_.store(scanner.position().value());
    // Without a key index there is nothing to hold back (nor to wake anyone for).
    if (index_ != nullptr) ++index_pending_records_;
    if (starts_batch) index_pending_since_ms_ = dispatched_ms;
    if (index_write != IndexWrite::kDefer &&
        index_pending_records_ >= options_.index_batch_records) {
      failure = CommitIndexPending();
      if (!failure.ok()) break;
      log_.TrimBehindReader(reput_from());
    }
  }
  // Entries of the records dispatched so far are committed even on failure.
  if (index_pending_records_ > 0 && (index_write == IndexWrite::kAll || !failure.ok() ||
                                     (index_write == IndexWrite::kDue && IndexDue()))) {
    Status s = CommitIndexPending();
    if (failure.ok()) failure = s;
  }
  log_.TrimBehindReader(reput_from());
  if (!failure.ok()) {
    SetError(failure);
    return failure;
  }
  return records;
}

Status ReputService::CommitIndexPending() {
  // Rows are pending only with a key index (DispatchRecord adds none without
  // one), and every caller checks index_pending_records_ > 0.
  TERN_CHECK(index_ != nullptr) << "key-index rows pending without a key index";
  index_pending_records_ = 0;
  Status s = index_->Add(index_pending_, reput_from());
  index_pending_.clear();
  return s;
}

Status ReputService::FlushQueues() {
  std::lock_guard flush_lock(flush_mu_);
  PhysicalOffset position;
  int64_t store_ts = 0;
  {
    std::lock_guard lock(dispatch_mu_);
    if (index_pending_records_ > 0 && error().ok()) {
      Status s = CommitIndexPending();
      if (!s.ok()) {
        SetError(s);
        return s;
      }
    }
    position = reput_from();
    store_ts = last_store_timestamp_;
  }
  // The syncs take milliseconds; without the dispatch lock the writer
  // thread's TryDispatch goes on making new messages pullable meanwhile
  // (holding it put a stall into every consumer once a second). Every unit and
  // index row of a record below `position` was written before the lock was
  // released, so the syncs below cover them; later ones may be synced too,
  // but the checkpoint claims `position` only.
  TERN_RETURN_IF_ERROR(queues_.FlushAll());
  if (index_ != nullptr) TERN_RETURN_IF_ERROR(index_->Sync());
  if (checkpoint_ != nullptr && store_ts > 0) {
    checkpoint_->SetConsumeQueueProgress(position, store_ts);
    if (index_ != nullptr) checkpoint_->SetIndexProgress(position, store_ts);
  }
  return Status::Ok();
}

void ReputService::Start() {
  TERN_CHECK(!thread_.joinable()) << "ReputService started twice";
  stop_.store(false);
  {
    std::lock_guard lock(dispatch_mu_);
    last_flush_ms_ = clock_.MonotonicMs();
    running_ = true;
  }
  thread_ = std::thread([this] { ThreadMain(); });
}

void ReputService::Stop() {
  if (!thread_.joinable()) return;
  {
    // From here on TryDispatch does nothing; one in progress has finished.
    std::lock_guard lock(dispatch_mu_);
    running_ = false;
  }
  stop_.store(true);
  log_.WakeReaders();
  thread_.join();
}

void ReputService::ThreadMain() {
  log::SetThreadName("reput");
  while (!stop_.load()) {
    bool failed = !error().ok();
    int64_t wait_ms = options_.idle_wait_ms;
    if (const int64_t t = clock_.MonotonicMs();
        !failed && t - last_flush_ms_ >= options_.flush_interval_ms) {
      last_flush_ms_ = t;
      Status s = FlushQueues();
      if (!s.ok()) SetError(s.WithContext("flush consume queues"));
      failed = !error().ok();
    }
    {
      std::lock_guard lock(dispatch_mu_);
      if (!failed) failed = !RunOnceLocked(IndexWrite::kDue).ok();
      const int64_t now = clock_.MonotonicMs();
      // Index rows held back for a batch are written by their deadline even
      // if nothing else arrives; rows the writer thread left (TryDispatch)
      // may already be due.
      if (!failed && index_pending_records_ > 0) {
        const int64_t due = index_pending_since_ms_ + options_.index_commit_delay_ms - now;
        wait_ms = IndexDue() ? 0 : std::clamp<int64_t>(due, 1, wait_ms);
      }
    }
    // After a failure nothing advances reput_from, so the wait is for data
    // past the written end: it times out (or is woken by Stop) instead of
    // spinning. stop_ ends the wait even if Stop() woke the readers before it began.
    log_.WaitForData(failed ? log_.WrittenEnd() : reput_from(), std::chrono::milliseconds(wait_ms),
                     &stop_);
  }
  if (error().ok()) FlushQueues().IgnoreError();  // best effort; Close() flushes again
}

}  // namespace tern::store
