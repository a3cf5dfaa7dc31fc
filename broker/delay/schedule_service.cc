// ScheduleService: the run loop (load, cancel, fire, checkpoint) and the
// thread. Recovery and the state codec are in schedule_recovery.cc.
#include "broker/delay/schedule_service.h"

#include <fmt/format.h>

#include <algorithm>

#include "broker/delay/message_rebuild.h"
#include "src/base/byte_coding.h"
#include "src/base/logging.h"
#include "src/protocol/message_properties.h"

namespace tern::delay {
namespace {

// Queue offsets per pending-count chunk: a source's low cursor advances a
// chunk at a time (markers keep the exact state inside a chunk).
constexpr int64_t kChunk = 1024;
// Units read from a consume queue per call.
constexpr int kReadBatch = 1024;
// How often old "cancelled" records are pruned.
constexpr int64_t kPruneIntervalMs = 3600'000;

std::string MarkerValue(MarkerKind kind) { return std::string(1, static_cast<char>(kind)); }

}  // namespace

std::string_view CancelResultName(CancelResult r) {
  switch (r) {
    case CancelResult::kCancelled: return kResultCancelled;
    case CancelResult::kAlreadyDelivered: return kResultAlreadyDelivered;
    case CancelResult::kNotFound: return kResultNotFound;
    case CancelResult::kUnavailable: return "UNAVAILABLE";
  }
  return "UNKNOWN";
}

ScheduleService::ScheduleService(store::MessageStore& store, meta::MetaDb& db, const Clock& clock,
                                 ScheduleOptions options)
    : store_(store),
      db_(db),
      clock_(clock),
      options_(std::move(options)),
      interceptor_(options_),
      wheel_(options_.tick_ms, options_.wheel_slots, clock.NowMs()) {}

ScheduleService::~ScheduleService() { Stop(); }

ScheduleService::Source* ScheduleService::FindSource(uint8_t id) {
  if (id == kTimerSource) return &sources_.back();
  if (static_cast<size_t>(id) + 1 < sources_.size()) return &sources_[id];
  return nullptr;
}

void ScheduleService::AddPending(EntryId id, int delta) {
  Source* s = FindSource(id.source);
  if (s == nullptr) return;
  auto [it, inserted] = s->chunks.try_emplace(id.queue_offset / kChunk, 0);
  it->second += delta;
  if (it->second <= 0) s->chunks.erase(it);
}

Status ScheduleService::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

void ScheduleService::SetError(const Status& s) {
  std::lock_guard lock(mu_);
  if (!s.ok() && !(s == error_)) TERN_LOG_WARN("schedule service: {}", s.ToString());
  error_ = s;
}

// ---- load ----------------------------------------------------------------------------------

int64_t ScheduleService::Load(Source& s, int64_t budget, const std::vector<int64_t>* resolved,
                              const std::unordered_map<uint64_t, MarkerKind>* recent) {
  store::ConsumeQueue* cq = store_.consume_queues().Find(s.topic, s.queue);
  if (cq == nullptr) return 0;
  const int64_t max = cq->max_offset().value();
  if (s.read < cq->min_offset().value()) {
    // Only reachable if retention outran roll-forward (forced cleanup).
    TERN_LOG_ERROR("schedule: {}/{} offsets [{}, {}) were deleted before being loaded", s.topic,
                   s.queue, s.read, cq->min_offset());
    s.read = cq->min_offset().value();
  }
  const store::CommitLog& log = store_.commit_log();
  const bool timer = s.id == kTimerSource;
  int64_t added = 0;
  while (s.read < max && added < budget) {
    store::ConsumeQueue::ReadResult rr = cq->Read(QueueOffset(s.read), kReadBatch);
    if (rr.units.empty()) {
      if (rr.file_missing && rr.next_file_start.value() > s.read) {
        s.read = rr.next_file_start.value();
        continue;
      }
      break;
    }
    for (size_t i = 0; i < rr.units.size(); ++i) {
      const store::CqUnit& unit = rr.units[i];
      const EntryId id{s.id, s.read + static_cast<int64_t>(i)};
      if (unit.IsPlaceholder()) continue;
      if (resolved != nullptr &&
          std::binary_search(resolved->begin(), resolved->end(), id.queue_offset)) {
        continue;
      }
      if (recent != nullptr && recent->count(id.Packed()) > 0) continue;
      int64_t due = 0;
      int64_t copy_ms = 0;
      if (!timer) {  // dispatch put the due time in tagsCode (storage.md §5)
        due = unit.tags_code;
        copy_ms = due - options_.delay_levels_ms[s.id];
      } else {
        auto view = log.ReadRecord(unit.offset);
        auto rec = view.ok() ? protocol::DecodeMessageRecord(view->data())
                             : Result<protocol::MessageRecord>(view.status());
        auto due_ms = rec.ok() ? DueTimeOf(*rec, options_.delay_levels_ms)
                               : Result<int64_t>(rec.status());
        if (!due_ms.ok()) {
          TERN_LOG_WARN("schedule: timer entry {} at {} is unusable: {}", id.queue_offset,
                        unit.offset, due_ms.status().ToString());
          unmarked_.push_back(Outcome{id.Packed(), MarkerKind::kLost, 0, 0});
          AddPending(id, +1);
          continue;
        }
        due = *due_ms;
        copy_ms = rec->store_timestamp;
      }
      wheel_.Add(WheelEntry{FireTimeOf(due, copy_ms, options_.roll_after_ms),
                            unit.offset.value(), id.Packed()});
      AddPending(id, +1);
      ++added;
    }
    s.read += static_cast<int64_t>(rr.units.size());
  }
  return added;
}

// ---- fire ----------------------------------------------------------------------------------

void ScheduleService::Fire(int64_t now_ms, RunStats* stats) {
  due_.clear();
  wheel_.PopDue(now_ms, static_cast<size_t>(options_.max_deliveries_per_run), &due_);
  if (due_.empty()) return;
  // Due order; equal due times in arrival (log) order.
  std::sort(due_.begin(), due_.end(), [](const WheelEntry& a, const WheelEntry& b) {
    return a.fire_ms != b.fire_ms ? a.fire_ms < b.fire_ms : a.offset < b.offset;
  });
  store::CommitLog& log = store_.commit_log();
  for (size_t i = 0; i < due_.size(); ++i) {
    const WheelEntry& e = due_[i];
    const EntryId id = EntryId::Unpack(e.id);
    auto view = log.ReadRecord(PhysicalOffset(e.offset));
    auto rec = view.ok() ? protocol::DecodeMessageRecord(view->data())
                         : Result<protocol::MessageRecord>(view.status());
    auto due_ms =
        rec.ok() ? DueTimeOf(*rec, options_.delay_levels_ms) : Result<int64_t>(rec.status());
    MarkerKind kind = MarkerKind::kDelivered;
    Result<processor::OutgoingMessage> out =
        !due_ms.ok()         ? Result<processor::OutgoingMessage>(due_ms.status())
        : *due_ms <= now_ms ? BuildDelivery(*rec, id)
                            : Result<processor::OutgoingMessage>(BuildRoll(*rec, *due_ms, id));
    if (due_ms.ok() && *due_ms > now_ms) kind = MarkerKind::kRolled;
    if (!out.ok()) {
      TERN_LOG_ERROR("schedule: entry {}:{} at {} cannot be delivered and is dropped: {}",
                     id.source, id.queue_offset, e.offset, out.status().ToString());
      unmarked_.push_back(Outcome{e.id, MarkerKind::kLost, 0, 0});
      ++stats->lost;
      continue;
    }
    store::PutResult r = log.Append(out->AsRecord(), /*wait_for_flush=*/false);
    if (!r.stored()) {
      // Put this and every later entry back untouched; try again later.
      for (size_t j = i; j < due_.size(); ++j) wheel_.Add(due_[j]);
      stats->failed += static_cast<int64_t>(due_.size() - i);
      retry_after_ms_ = now_ms + options_.retry_delay_ms;
      SetError(Status::Unavailable(fmt::format("scheduled delivery append failed ({}): {}",
                                               store::PutStatusName(r.status),
                                               r.error.ToString())));
      break;
    }
    unmarked_.push_back(Outcome{e.id, kind, r.offset.value(), r.offset.value() + r.bytes});
    if (kind == MarkerKind::kDelivered) {
      ++stats->delivered;
      stats->max_lateness_ms = std::max(stats->max_lateness_ms, now_ms - *due_ms);
    } else {
      ++stats->rolled;
    }
  }
  SyncPoint("after_appends");
}

// ---- checkpoint ----------------------------------------------------------------------------

Status ScheduleService::Checkpoint(int64_t now_ms, bool force) {
  // Only outcomes whose record is flushed get a marker, so a marker never
  // outlives the record it stands for (power loss); the others stay in
  // unmarked_ and keep the journal position at or before their record.
  const int64_t flushed = store_.commit_log().FlushedEnd().value();
  std::vector<Outcome> keep;
  std::vector<Outcome> marked;
  for (const Outcome& o : unmarked_) (o.end <= flushed ? marked : keep).push_back(o);
  int64_t journal = flushed;
  for (const Outcome& o : keep) journal = std::min(journal, o.start);
  journal = std::max(journal, journal_pos_);

  meta::WriteBatch batch;
  for (const Outcome& o : marked) {
    const EntryId id = EntryId::Unpack(o.id);
    batch.Put(meta::Column::kCursors, MarkerKey(id), MarkerValue(o.kind));
    AddPending(id, -1);
  }
  std::vector<int64_t> old_lows;
  bool low_moved = false;
  for (Source& s : sources_) {
    old_lows.push_back(s.low);
    int64_t low = s.chunks.empty() ? s.read : s.chunks.begin()->first * kChunk;
    low = std::min(std::max(low, s.low), std::max(s.read, s.low));
    if (low > s.low) {
      batch.DeleteRange(meta::Column::kCursors, MarkerKey(EntryId{s.id, s.low}),
                        MarkerKey(EntryId{s.id, low}));
      s.low = low;
      low_moved = true;
    }
  }
  const bool want = force || state_dirty_ || !marked.empty() || low_moved ||
                    (journal != journal_pos_ &&
                     now_ms - last_state_write_ms_ >= options_.checkpoint_interval_ms);
  if (!want) return Status::Ok();
  const int64_t old_journal = journal_pos_;
  journal_pos_ = journal;
  batch.Put(meta::Column::kCursors, kStateKey, EncodeState());
  Status st = db_.Write(batch, meta::Durability::kAsync);
  if (!st.ok()) {  // nothing changed on disk: restore the in-memory view
    journal_pos_ = old_journal;
    for (size_t i = 0; i < sources_.size(); ++i) sources_[i].low = old_lows[i];
    for (const Outcome& o : marked) AddPending(EntryId::Unpack(o.id), +1);
    return st.WithContext("schedule checkpoint");
  }
  unmarked_ = std::move(keep);
  last_state_write_ms_ = now_ms;
  state_dirty_ = false;
  if (now_ms - last_prune_ms_ >= kPruneIntervalMs) {
    last_prune_ms_ = now_ms;
    return PruneCancelled(now_ms);
  }
  return Status::Ok();
}

Status ScheduleService::PruneCancelled(int64_t now_ms) {
  meta::WriteBatch batch;
  std::string end(kCancelledPrefix);
  end.push_back('\xff');
  end.append(9, '\xff');
  TERN_RETURN_IF_ERROR(db_.Scan(
      meta::Column::kCursors, kCancelledPrefix, end, [&](std::string_view key, std::string_view v) {
        if (v.size() == 8 &&
            static_cast<int64_t>(GetBE64(v.data())) + options_.roll_after_ms < now_ms) {
          batch.Delete(meta::Column::kCursors, key);
        }
        return true;
      }));
  if (batch.empty()) return Status::Ok();
  return db_.Write(batch, meta::Durability::kAsync).WithContext("pruning cancelled entries");
}

// ---- cancel --------------------------------------------------------------------------------

void ScheduleService::Cancel(std::string topic, std::string uniq_key, CancelCallback done) {
  const PhysicalOffset log_end = store_.commit_log().WrittenEnd();
  {
    std::lock_guard lock(mu_);
    if (!stopped_) {
      cancels_.push_back(
          CancelJob{std::move(topic), std::move(uniq_key), std::move(done), 0, log_end});
      wake_ = true;
      cv_.notify_one();
      return;
    }
  }
  done(CancelOutcome{CancelResult::kUnavailable, "the schedule service is stopped"});
}

void ScheduleService::ProcessCancels(RunStats* stats) {
  std::vector<CancelJob> jobs;
  {
    std::lock_guard lock(mu_);
    jobs.swap(cancels_);
  }
  if (jobs.empty()) return;
  std::vector<CancelJob> again;
  for (CancelJob& job : jobs) {
    if (DoCancel(job, stats) == CancelStep::kDone) continue;
    if (++job.attempts < options_.cancel_retry_runs) {
      again.push_back(std::move(job));
    } else {
      job.done(CancelOutcome{CancelResult::kNotFound,
                             "the scheduled message is being moved; try again"});
    }
  }
  if (!again.empty()) {
    std::lock_guard lock(mu_);
    cancels_.insert(cancels_.begin(), std::make_move_iterator(again.begin()),
                    std::make_move_iterator(again.end()));
  }
}

ScheduleService::CancelStep ScheduleService::DoCancel(CancelJob& job, RunStats* stats) {
  auto reply = [&](CancelResult r, std::string remark) {
    job.done(CancelOutcome{r, std::move(remark)});
    return CancelStep::kDone;
  };
  if (store_.key_index() == nullptr) {
    return reply(CancelResult::kNotFound,
                 "cancel needs the message key index (messageIndexEnable=true)");
  }
  // The newest schedule copy of (topic, uniq key): copies are indexed under
  // the schedule topics with the producer's UNIQ_KEY.
  store::LogView newest_view;
  protocol::MessageRecord newest;
  bool found = false;
  for (std::string_view topic : {kScheduleTopic, kTimerTopic}) {
    store::QueryMessageResult q =
        store_.QueryMessageByUniqueKey(topic, job.uniq_key, 0, INT64_MAX);
    for (store::LogView& view : q.messages) {
      auto rec = protocol::DecodeMessageRecord(view.data());
      if (!rec.ok()) continue;
      auto real = protocol::FindProperty(rec->properties, protocol::PropertyKey::kRealTopic);
      if (!real || *real != job.topic) continue;
      if (!found || view.offset() > newest_view.offset()) {
        newest_view = view;  // keeps the bytes `newest` points into mapped
        newest = *rec;
        found = true;
      }
    }
  }
  if (!found) {
    // Indexing follows the log asynchronously: a cancel sent right after its
    // message may arrive before the message is indexed.
    auto indexed = store_.key_index()->IndexedEnd();
    if (indexed.ok() && *indexed < job.log_end_at_arrival) return CancelStep::kRetry;
    return reply(CancelResult::kNotFound,
                 fmt::format("no scheduled message with topic {} and unique key {}", job.topic,
                             job.uniq_key));
  }
  auto id = EntryIdOf(newest, options_.delay_levels_ms.size());
  Source* source = id ? FindSource(id->source) : nullptr;
  if (!id || source == nullptr) return reply(CancelResult::kNotFound, "not a schedule entry");

  auto due = DueTimeOf(newest, options_.delay_levels_ms);
  if (due.ok()) {
    const int64_t fire = FireTimeOf(*due, newest.store_timestamp, options_.roll_after_ms);
    if (wheel_.Remove(fire, newest_view.offset().value())) {
      // Durable before the answer: a cancelled message must stay cancelled.
      meta::WriteBatch batch;
      batch.Put(meta::Column::kCursors, MarkerKey(*id), MarkerValue(MarkerKind::kCancelled));
      std::string due_bytes;
      AppendBE64(&due_bytes, static_cast<uint64_t>(*due));
      batch.Put(meta::Column::kCursors, CancelledKey(*id), due_bytes);
      Status st = db_.Write(batch, meta::Durability::kSync);
      if (!st.ok()) {
        wheel_.Add(WheelEntry{fire, newest_view.offset().value(), id->Packed()});
        return reply(CancelResult::kUnavailable, st.ToString());
      }
      AddPending(*id, -1);
      pending_.store(static_cast<int64_t>(wheel_.size()));
      ++stats->cancelled;
      return reply(CancelResult::kCancelled, {});
    }
  }
  // Not in the wheel: resolved, or not loaded yet.
  std::optional<MarkerKind> kind;
  for (const Outcome& o : unmarked_) {
    if (o.id == id->Packed()) kind = o.kind;
  }
  if (!kind && id->queue_offset >= source->low) {
    auto marker = db_.Get(meta::Column::kCursors, MarkerKey(*id));
    if (marker.ok() && *marker && !(*marker)->empty()) {
      kind = static_cast<MarkerKind>((**marker)[0]);
    }
  }
  if (!kind && id->queue_offset >= source->read) return CancelStep::kRetry;  // not loaded yet
  if (kind) {
    switch (*kind) {
      case MarkerKind::kDelivered: return reply(CancelResult::kAlreadyDelivered, {});
      case MarkerKind::kCancelled: return reply(CancelResult::kCancelled, "already cancelled");
      case MarkerKind::kRolled: return CancelStep::kRetry;  // its copy is not indexed yet
      case MarkerKind::kLost:
        return reply(CancelResult::kNotFound, "the scheduled message could not be read");
    }
  }
  // Resolved long ago (its marker is compacted): cancelled, or delivered?
  auto cancelled = db_.Get(meta::Column::kCursors, CancelledKey(*id));
  if (cancelled.ok() && *cancelled) return reply(CancelResult::kCancelled, "already cancelled");
  store::QueryMessageResult delivered =
      store_.QueryMessageByUniqueKey(job.topic, job.uniq_key, newest.store_timestamp, INT64_MAX);
  for (const store::LogView& view : delivered.messages) {
    auto rec = protocol::DecodeMessageRecord(view.data());
    if (rec.ok() && protocol::FindProperty(rec->properties, kEntryProperty)) {
      return reply(CancelResult::kAlreadyDelivered, {});
    }
  }
  return reply(CancelResult::kNotFound, "the scheduled message is no longer pending");
}

// ---- run -----------------------------------------------------------------------------------

Result<RunStats> ScheduleService::RunOnce(int64_t now_ms) {
  RunStats stats;
  for (Source& s : sources_) {
    const int64_t budget = options_.max_loads_per_run - stats.loaded;
    if (budget <= 0) break;
    stats.loaded += Load(s, budget, nullptr, nullptr);
  }
  ProcessCancels(&stats);
  if (now_ms >= retry_after_ms_) Fire(now_ms, &stats);
  SyncPoint("before_checkpoint");
  Status st = Checkpoint(now_ms, /*force=*/false);
  pending_.store(static_cast<int64_t>(wheel_.size()), std::memory_order_relaxed);
  if (!st.ok()) {
    SetError(st);
    return st;
  }
  if (stats.failed == 0) SetError(Status::Ok());
  return stats;
}

void ScheduleService::Wake() {
  std::lock_guard lock(mu_);
  wake_ = true;
  cv_.notify_one();
}

void ScheduleService::Start() {
  TERN_CHECK(!thread_.joinable()) << "ScheduleService started twice";
  {
    std::lock_guard lock(mu_);
    TERN_CHECK(!stopped_) << "ScheduleService started after Stop";
  }
  thread_ = std::thread([this] { ThreadMain(); });
}

void ScheduleService::ThreadMain() {
  log::SetThreadName("broker-delay");
  const auto idle = std::chrono::milliseconds(options_.poll_interval_ms);
  for (;;) {
    auto r = RunOnce(clock_.NowMs());
    const bool busy = r.ok() && (r->delivered + r->rolled + r->lost >= options_.max_deliveries_per_run ||
                                 r->loaded >= options_.max_loads_per_run);
    std::unique_lock lock(mu_);
    if (!busy) {
      cv_.wait_for(lock, idle, [this] { return stop_ || wake_; });
    }
    wake_ = false;
    if (stop_) break;
  }
}

void ScheduleService::Stop() {
  std::vector<CancelJob> jobs;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  if (!recovered_) return;
  if (Status st = Checkpoint(clock_.NowMs(), /*force=*/true); !st.ok()) {
    TERN_LOG_ERROR("schedule service: last checkpoint failed: {}", st.ToString());
  }
  {
    std::lock_guard lock(mu_);
    jobs.swap(cancels_);
  }
  for (CancelJob& job : jobs) {
    job.done(CancelOutcome{CancelResult::kUnavailable, "the schedule service is stopping"});
  }
}

}  // namespace tern::delay
