// CommitLog: lifecycle, the append path, queue offsets and flushing.
// Recovery is in commit_log_recovery.cc, reads in commit_log_reader.cc.
#include "broker/store/commit_log.h"

#include <cstring>

#include <fmt/format.h>

#include "broker/store/flush_service.h"
#include "broker/store/segment_allocator.h"
#include "broker/store/store_format.h"
#include "src/base/logging.h"

namespace tern::store {

using protocol::MessageRecord;

// One append on its way through the writer: the encoded record(s) and the
// answer. Allocated per Submit; stack-allocated by Append.
struct CommitLog::PendingAppend {
  std::string records;  // encoded records, back to back (placeholders for offsets/time)
  int32_t count = 0;
  bool takes_queue_offset = false;
  bool wait = false;
  bool rejected = false;  // result already final (illegal input)
  char key[256 + 1 + 4];  // topic '\0' queue id (big-endian)
  uint16_t key_len = 0;
  PutResult result;
  AppendCallback done;

  std::string_view queue_key() const { return std::string_view(key, key_len); }
};

namespace {

uint16_t BuildQueueKey(std::string_view topic, QueueId queue, char* out) {
  size_t n = std::min<size_t>(topic.size(), 256);
  std::memcpy(out, topic.data(), n);
  out[n] = '\0';
  PutBE32(out + n + 1, static_cast<uint32_t>(queue.value()));
  return static_cast<uint16_t>(n + 5);
}

PutResult Rejected(PutStatus status, Status error) {
  PutResult r;
  r.status = status;
  r.error = std::move(error);
  return r;
}

}  // namespace

CommitLog::CommitLog(const CommitLogOptions& options, FileIo& io, Checkpoint& checkpoint,
                     const Clock& clock)
    : options_(options), io_(io), checkpoint_(checkpoint), clock_(clock) {}

Result<std::unique_ptr<CommitLog>> CommitLog::Open(const CommitLogOptions& options, FileIo& io,
                                                   Checkpoint& checkpoint, bool crashed,
                                                   const Clock& clock) {
  if (options.segment_size < kMinSegmentSize || options.segment_size % kOsPageSize != 0) {
    return Status::InvalidArgument(
        fmt::format("segment size {} must be a multiple of {} and at least {}",
                    options.segment_size, kOsPageSize, kMinSegmentSize));
  }
  std::unique_ptr<CommitLog> log(new CommitLog(options, io, checkpoint, clock));
  TERN_RETURN_IF_ERROR(log->Load(crashed));
  TERN_RETURN_IF_ERROR(log->Start());
  return log;
}

CommitLog::~CommitLog() { Close().IgnoreError(); }

Status CommitLog::Start() {
  // Appends reach the files with pwrite, which fills the page cache itself:
  // populating the mapping would only zero pages that are about to be overwritten.
  allocator_ = std::make_unique<SegmentAllocator>(io_, options_.dir, options_.segment_size,
                                                  /*prefault=*/false);
  FlushServiceOptions fo;
  fo.sync = options_.flush_mode == FlushMode::kSync;
  fo.interval_ms = options_.flush_interval_ms;
  fo.least_bytes = static_cast<int64_t>(options_.flush_least_pages) * kOsPageSize;
  fo.thorough_interval_ms = options_.flush_thorough_interval_ms;
  fo.periodic_interval_ms = options_.checkpoint_interval_ms;
  int64_t cap = options_.stage_bytes;
  if (cap <= 0) cap = std::max<int64_t>(8LL << 20, 2LL * options_.max_body_size + (1LL << 20));
  stage_cap_ = (cap + kOsPageSize - 1) / kOsPageSize * kOsPageSize;
  stage_.reset(new char[static_cast<size_t>(stage_cap_)]);  // untouched until used
  staged_end_.store(written_end_.load());
  flush_ = std::make_unique<FlushService>(
      fo, clock_, [this] { return staged_end_.load(); },
      [this] { return flushed_end_.load(); },
      [this](int64_t /*target*/) {
        int64_t flushed_to = 0;
        return FlushToWrittenEnd(&flushed_to);
      },
      [this](int64_t now_ms) { Periodic(now_ms); });
  CheckDiskSpace();
  last_disk_check_ms_ = clock_.MonotonicMs();
  allocator_->Start();
  {
    std::lock_guard<std::mutex> l(put_mu_);
    if (active_) allocator_->Prepare(active_->end_offset());
  }
  flush_->Start();
  writer_ = std::thread([this] { WriterLoop(); });
  started_ = true;
  return Status::Ok();
}

Status CommitLog::Close() {
  if (!started_) return sticky_error();
  started_ = false;
  {
    std::lock_guard<std::mutex> l(submit_mu_);
    writer_stop_ = true;
  }
  submit_cv_.notify_all();
  if (writer_.joinable()) writer_.join();  // drains queued submits first
  {
    std::lock_guard<std::mutex> l(put_mu_);
    closed_ = true;
  }
  flush_->Stop();  // final flush; completes every waiter
  allocator_->Stop();
  WakeReaders();
  Status st = sticky_error();
  Status ck = checkpoint_.Flush();
  if (st.ok()) st = ck;
  return st;
}

// ---- encoding (caller's thread, no lock) ----

bool CommitLog::Encode(const MessageRecord& msg, PendingAppend* p) const {
  Status lim = protocol::CheckRecordLimits(msg, options_.max_body_size);
  if (!lim.ok()) {
    p->result = Rejected(lim.code() == StatusCode::kResourceExhausted
                             ? PutStatus::kPropertiesSizeExceeded
                             : PutStatus::kMessageIllegal,
                         lim);
    p->rejected = true;
    return false;
  }
  MessageRecord m = msg;
  m.store_host = options_.store_host;
  p->records.resize(static_cast<size_t>(protocol::EncodedRecordSize(m)));
  protocol::EncodeMessageRecord(m, p->records.data());
  p->count = 1;
  p->takes_queue_offset = protocol::TakesQueueOffset(msg.sys_flag);
  p->key_len = BuildQueueKey(msg.topic, msg.queue_id, p->key);
  return true;
}

bool CommitLog::EncodeBatch(const MessageRecord& header,
                            std::span<const protocol::BatchEntry> entries,
                            PendingAppend* p) const {
  if (entries.empty()) {
    p->result = Rejected(PutStatus::kMessageIllegal, Status::InvalidArgument("empty batch"));
    p->rejected = true;
    return false;
  }
  MessageRecord m = header;
  m.store_host = options_.store_host;
  for (const auto& e : entries) {
    std::string props = protocol::MergeBatchProperties(e.properties, header.properties);
    m.flag = e.flag;
    m.body = e.body;
    m.properties = props;
    Status lim = protocol::CheckRecordLimits(m, options_.max_body_size);
    if (!lim.ok()) {
      p->result = Rejected(lim.code() == StatusCode::kResourceExhausted
                               ? PutStatus::kPropertiesSizeExceeded
                               : PutStatus::kMessageIllegal,
                           lim);
      p->rejected = true;
      return false;
    }
    protocol::AppendMessageRecord(m, &p->records);
  }
  p->count = static_cast<int32_t>(entries.size());
  p->takes_queue_offset = protocol::TakesQueueOffset(header.sys_flag);
  p->key_len = BuildQueueKey(header.topic, header.queue_id, p->key);
  return true;
}

// ---- the put lock ----

bool CommitLog::AppendLocked(PendingAppend* p) {
  const int64_t size = static_cast<int64_t>(p->records.size());
  std::lock_guard<std::mutex> l(put_mu_);
  if (closed_.load()) {
    p->result = Rejected(PutStatus::kServiceNotAvailable, Status::Unavailable("commit log closed"));
    return false;
  }
  if (failed_.load()) {
    p->result = Rejected(PutStatus::kServiceNotAvailable, sticky_error());
    return false;
  }
  if (disk_full_.load()) {
    p->result = Rejected(PutStatus::kServiceNotAvailable,
                         Status::ResourceExhausted("disk usage above the configured ratio"));
    return false;
  }
  if (size + kEndOfSegmentReserve > options_.segment_size) {
    p->result = Rejected(PutStatus::kMessageIllegal,
                         Status::InvalidArgument(fmt::format(
                             "{} bytes do not fit in a {}-byte segment", size,
                             options_.segment_size)));
    return false;
  }
  if (size + kBlankRecordSize > stage_cap_) {
    p->result = Rejected(PutStatus::kMessageIllegal,
                         Status::InvalidArgument(fmt::format(
                             "{} bytes do not fit in the {}-byte staging buffer", size,
                             stage_cap_)));
    return false;
  }
  if (!WaitForStageSpace(size + kBlankRecordSize)) {
    p->result = Rejected(PutStatus::kServiceNotAvailable, sticky_error());
    return false;
  }
  int64_t seg_pos = active_ ? write_pos_ - active_->start_offset() : 0;
  if (!active_ || seg_pos + size + kEndOfSegmentReserve > options_.segment_size) {
    if (active_ && seg_pos < options_.segment_size) {
      // The "+8" rule: pad the rest of the segment with a blank record.
      char blank[kBlankRecordSize];
      PutBE32(blank, static_cast<uint32_t>(options_.segment_size - seg_pos));
      PutBE32(blank + 4, kBlankMagic);
      StageBytes(write_pos_, std::string_view(blank, sizeof(blank)));
      write_pos_ = active_->end_offset();
      staged_end_.store(write_pos_);
    }
    int64_t next_start = active_ ? active_->end_offset() : write_pos_;
    auto seg = allocator_->Take(next_start);
    if (!seg.ok()) {
      TERN_LOG_ERROR("creating commit log segment {} failed: {}", next_start,
                     seg.status().ToString());
      p->result = Rejected(PutStatus::kCreateMappedFileFailed, seg.status());
      return false;
    }
    {
      std::lock_guard<std::mutex> sl(segments_mu_);
      segments_.push_back(*seg);
    }
    active_ = std::move(*seg);
    write_pos_ = active_->start_offset();
    seg_pos = 0;
    allocator_->Prepare(active_->end_offset());
  }

  const int64_t store_ts = clock_.NowMs();
  const int64_t offset = write_pos_;
  int64_t queue_offset = 0;
  if (p->takes_queue_offset) {
    std::lock_guard<std::mutex> ql(queue_mu_);
    auto it = queue_offsets_.find(p->queue_key());
    if (it == queue_offsets_.end()) it = queue_offsets_.emplace(p->queue_key(), 0).first;
    queue_offset = it->second;
    it->second += p->count;
  }
  char* rec = p->records.data();
  if (p->count > 1) p->result.batch_offsets.reserve(static_cast<size_t>(p->count));
  for (int32_t i = 0, pos = 0; i < p->count; ++i) {
    protocol::PatchPhysicalOffset(rec + pos, PhysicalOffset(offset + pos));
    protocol::PatchQueueOffset(rec + pos, QueueOffset(p->takes_queue_offset ? queue_offset + i : 0));
    protocol::PatchStoreTimestamp(rec + pos, store_ts);
    if (p->count > 1) p->result.batch_offsets.push_back(PhysicalOffset(offset + pos));
    pos += static_cast<int32_t>(GetBE32(rec + pos));
  }
  StageBytes(offset, p->records);
  write_pos_ += size;
  active_->set_last_store_timestamp(store_ts);
  last_store_ts_.store(store_ts, std::memory_order_relaxed);
  staged_end_.store(write_pos_);

  PutResult& r = p->result;
  r.status = PutStatus::kPutOk;
  r.offset = PhysicalOffset(offset);
  r.bytes = static_cast<int32_t>(size);
  r.queue_offset = QueueOffset(queue_offset);
  r.count = p->count;
  r.store_timestamp = store_ts;
  r.store_host = options_.store_host;
  if (!sync_flush()) {
    // The appender writes what it staged (CommitNow) before it answers.
    // Async flush passes come every flush_interval_ms; at a high append rate
    // ask for one each resident window so that resident memory stays bounded.
    if (options_.resident_window_bytes > 0 &&
        write_pos_ - trim_kick_pos_ >= options_.resident_window_bytes) {
      trim_kick_pos_ = write_pos_;
      flush_->Wake();
    }
    return false;
  }
  if (!p->wait) flush_->Wake();  // nobody waits, but the bytes must reach the file
  return p->wait;
}

void CommitLog::NotifyReaders() {
  if (data_waiters_.load() > 0) {
    { std::lock_guard<std::mutex> dl(data_mu_); }
    data_cv_.notify_all();
  }
}

// ---- SYNC_FLUSH staging ----

void CommitLog::StageBytes(int64_t at, std::string_view data) {
  const auto idx = static_cast<size_t>(at % stage_cap_);
  const size_t first = std::min(data.size(), static_cast<size_t>(stage_cap_) - idx);
  std::memcpy(stage_.get() + idx, data.data(), first);
  if (first < data.size()) std::memcpy(stage_.get(), data.data() + first, data.size() - first);
}

bool CommitLog::WaitForStageSpace(int64_t size) {
  auto fits = [&] { return write_pos_ + size - written_end_.load() <= stage_cap_; };
  while (!fits()) {
    if (failed_.load()) return false;
    if (!sync_flush()) {  // async: write the ring out here (no put_mu_ needed for that)
      if (!CommitNow().ok()) return false;
      continue;
    }
    flush_->Wake();
    std::unique_lock<std::mutex> l(stage_mu_);
    // The timeout only guards against a missed wake-up; CommitStaged notifies.
    stage_cv_.wait_for(l, std::chrono::milliseconds(50),
                       [&] { return failed_.load() || fits(); });
  }
  return !failed_.load();
}

Status CommitLog::CommitStaged(bool notify_readers) {
  const int64_t from = written_end_.load();
  const int64_t to = staged_end_.load(std::memory_order_acquire);
  for (int64_t at = from; at < to;) {
    SegmentRef seg = SegmentFor(at);
    if (!seg) {
      Status st = Status::Internal(fmt::format("no commit log segment holds offset {}", at));
      SetStickyError(st);
      return st;
    }
    const int64_t seg_end = std::min(to, seg->end_offset());
    while (at < seg_end) {  // at most two pieces: the ring may wrap
      const int64_t idx = at % stage_cap_;
      const int64_t n = std::min(seg_end - at, stage_cap_ - idx);
      Status st = seg->PWrite(at - seg->start_offset(),
                              std::string_view(stage_.get() + idx, static_cast<size_t>(n)));
      if (!st.ok()) {
        SetStickyError(st);
        return st;
      }
      at += n;
    }
  }
  if (to > from) {
    written_end_.store(to);
    if (notify_readers) NotifyReaders();
    { std::lock_guard<std::mutex> l(stage_mu_); }
    stage_cv_.notify_all();
  }
  return Status::Ok();
}

Status CommitLog::CommitNow(bool notify_readers) {
  std::lock_guard<std::mutex> l(stage_commit_mu_);
  return CommitStaged(notify_readers);
}

void CommitLog::SetIdleDispatch(std::function<bool()> dispatch) {
  std::lock_guard<std::mutex> l(idle_dispatch_mu_);
  idle_dispatch_ = std::move(dispatch);
}

void CommitLog::AfterWriterBatch() {
  bool idle;
  {
    std::lock_guard<std::mutex> l(submit_mu_);
    idle = submits_.empty();
  }
  if (idle) {
    std::lock_guard<std::mutex> l(idle_dispatch_mu_);
    if (idle_dispatch_ && idle_dispatch_()) return;
  }
  NotifyReaders();
}

void CommitLog::CommitAppended(PutResult* result) {
  if (!result->stored()) return;
  Status st = CommitNow();
  if (!st.ok()) *result = Rejected(PutStatus::kUnknownError, st);
}

PutResult CommitLog::AppendAndWait(PendingAppend* p) {
  if (p->rejected) return std::move(p->result);
  bool wait = AppendLocked(p);
  if (!sync_flush()) CommitAppended(&p->result);
  if (!wait) return std::move(p->result);
  // Park with the group commit and sleep until the flush thread answers.
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  PutResult out;
  struct Slot {
    std::mutex* mu;
    std::condition_variable* cv;
    bool* done;
    PutResult* out;
  } slot{&mu, &cv, &done, &out};
  FlushWaiter w;
  w.end = p->result.offset.value() + p->result.bytes;
  w.deadline_ms = clock_.MonotonicMs() + options_.sync_flush_timeout_ms;
  w.result = std::move(p->result);
  Slot* s = &slot;
  w.done = [s](PutResult r) {
    std::lock_guard<std::mutex> l(*s->mu);
    *s->out = std::move(r);
    *s->done = true;
    s->cv->notify_one();
  };
  flush_->AddWaiter(std::move(w));
  std::unique_lock<std::mutex> l(mu);
  cv.wait(l, [&] { return done; });
  return out;
}

PutResult CommitLog::Append(const MessageRecord& msg, bool wait_for_flush) {
  PendingAppend p;
  p.wait = wait_for_flush;
  Encode(msg, &p);
  return AppendAndWait(&p);
}

PutResult CommitLog::AppendBatch(const MessageRecord& header,
                                 std::span<const protocol::BatchEntry> entries,
                                 bool wait_for_flush) {
  PendingAppend p;
  p.wait = wait_for_flush;
  EncodeBatch(header, entries, &p);
  return AppendAndWait(&p);
}

// ---- the writer thread (Submit path) ----

void CommitLog::Submit(const MessageRecord& msg, bool wait_for_flush, AppendCallback done) {
  auto p = std::make_unique<PendingAppend>();
  p->wait = wait_for_flush;
  p->done = std::move(done);
  Encode(msg, p.get());
  Enqueue(std::move(p));
}

void CommitLog::SubmitBatch(const MessageRecord& header,
                            std::span<const protocol::BatchEntry> entries, bool wait_for_flush,
                            AppendCallback done) {
  auto p = std::make_unique<PendingAppend>();
  p->wait = wait_for_flush;
  p->done = std::move(done);
  EncodeBatch(header, entries, p.get());
  Enqueue(std::move(p));
}

void CommitLog::Enqueue(std::unique_ptr<PendingAppend> p) {
  bool first;
  {
    std::lock_guard<std::mutex> l(submit_mu_);
    if (writer_stop_) {
      first = false;
    } else {
      first = submits_.empty();
      submits_.push_back(std::move(p));
    }
  }
  if (p) {  // not queued: closed
    p->done(Rejected(PutStatus::kServiceNotAvailable, Status::Unavailable("commit log closed")));
    return;
  }
  // Later submits find the queue non-empty: the writer is awake, or woken by
  // whoever took this wake-up over.
  if (first && !(wake_deferral_ && wake_deferral_())) submit_cv_.notify_one();
}

void CommitLog::SetWakeDeferral(std::function<bool()> defer) { wake_deferral_ = std::move(defer); }

void CommitLog::WakeWriter() {
  bool queued;
  {
    std::lock_guard<std::mutex> l(submit_mu_);
    queued = !submits_.empty();
  }
  if (queued) submit_cv_.notify_one();
}

void CommitLog::WriterLoop() {
  log::SetThreadName("cl-writer");
  std::vector<std::unique_ptr<PendingAppend>> batch;
  while (true) {
    {
      std::unique_lock<std::mutex> l(submit_mu_);
      submit_cv_.wait(l, [&] { return writer_stop_ || !submits_.empty(); });
      if (submits_.empty()) return;  // stopping and drained
      batch.swap(submits_);
    }
    if (!sync_flush()) {
      // Async: append the whole batch, write it out with one commit, then
      // answer: an acknowledged message is in the page cache, so it survives
      // the broker process dying (not the machine: that needs SYNC_FLUSH).
      bool any = false;
      for (auto& p : batch) {
        if (!p->rejected) {
          AppendLocked(p.get());
          any = any || p->result.stored();
        }
      }
      // Readers are woken (or the idle dispatch runs) after the answers:
      // the acknowledgement is what the producer waits for.
      Status st = any ? CommitNow(/*notify_readers=*/false) : Status::Ok();
      for (auto& p : batch) {
        if (!st.ok() && p->result.stored()) p->result = Rejected(PutStatus::kUnknownError, st);
        p->done(std::move(p->result));
      }
      batch.clear();
      if (any) AfterWriterBatch();
      continue;
    }
    for (auto& p : batch) {
      if (p->rejected) {
        p->done(std::move(p->result));
        continue;
      }
      if (AppendLocked(p.get())) {
        FlushWaiter w;
        w.end = p->result.offset.value() + p->result.bytes;
        w.deadline_ms = clock_.MonotonicMs() + options_.sync_flush_timeout_ms;
        w.result = std::move(p->result);
        w.done = std::move(p->done);
        flush_->AddWaiter(std::move(w));
      } else {
        p->done(std::move(p->result));
      }
    }
    batch.clear();
  }
}

// ---- queue offsets ----

QueueOffset CommitLog::NextQueueOffset(std::string_view topic, QueueId queue) const {
  char key[256 + 5];
  uint16_t n = BuildQueueKey(topic, queue, key);
  std::lock_guard<std::mutex> l(queue_mu_);
  auto it = queue_offsets_.find(std::string_view(key, n));
  return QueueOffset(it == queue_offsets_.end() ? 0 : it->second);
}

void CommitLog::SetNextQueueOffset(std::string_view topic, QueueId queue, QueueOffset next) {
  char key[256 + 5];
  uint16_t n = BuildQueueKey(topic, queue, key);
  std::lock_guard<std::mutex> l(queue_mu_);
  queue_offsets_[std::string(key, n)] = next.value();
}

void CommitLog::RemoveTopicQueueOffsets(std::string_view topic) {
  std::lock_guard<std::mutex> l(queue_mu_);
  for (auto it = queue_offsets_.begin(); it != queue_offsets_.end();) {
    if (it->first.size() == topic.size() + 5 && it->first.compare(0, topic.size(), topic) == 0) {
      it = queue_offsets_.erase(it);
    } else {
      ++it;
    }
  }
}

// ---- flushing and health ----

Status CommitLog::FlushToWrittenEnd(int64_t* flushed_to) {
  std::lock_guard<std::mutex> commit_lock(commit_mu_);
  *flushed_to = flushed_end_.load();
  if (failed_.load()) return sticky_error();
  // Read first: every record stored at or before `ts` is below the target.
  int64_t ts = last_store_ts_.load(std::memory_order_acquire);
  TERN_RETURN_IF_ERROR(CommitNow());
  int64_t from = flushed_end_.load();
  int64_t target = written_end_.load();
  if (target <= from) return Status::Ok();
  std::vector<SegmentRef> segs;
  {
    std::lock_guard<std::mutex> l(segments_mu_);
    for (const auto& s : segments_) {
      if (s->end_offset() > from && s->start_offset() < target) segs.push_back(s);
    }
  }
  for (const auto& s : segs) {
    Status st = s->DataSync();
    if (!st.ok()) {
      SetStickyError(st);
      return st;
    }
  }
  int64_t cur = flushed_end_.load();
  if (cur < target) {
    flushed_end_.store(target);
    checkpoint_.SetCommitLogFlushed(PhysicalOffset(target), ts);
  }
  *flushed_to = target;
  TrimResidentLocked();
  return Status::Ok();
}

void CommitLog::TrimResidentLocked() {
  if (options_.resident_window_bytes <= 0) return;
  const int64_t upto =
      (written_end_.load() - options_.resident_window_bytes) / kOsPageSize * kOsPageSize;
  const int64_t now = clock_.MonotonicMs();
  // Readers that caught up from far behind mapped old pages again: now and
  // then start from the oldest segment instead of where the last call ended.
  int64_t from = trimmed_to_;
  if (now - last_full_trim_ms_ >= 10'000) {
    from = 0;
    last_full_trim_ms_ = now;
  }
  if (upto <= from) return;
  DropResidentRange(from, upto);
  trimmed_to_ = std::max(trimmed_to_, upto);
}

void CommitLog::DropResidentRange(int64_t from, int64_t upto) const {
  std::vector<SegmentRef> segs;
  {
    std::lock_guard<std::mutex> l(segments_mu_);
    for (const auto& s : segments_) {
      if (s->start_offset() < upto && s->end_offset() > from) segs.push_back(s);
    }
  }
  for (const auto& s : segs) {
    s->DropResident(std::max(from, s->start_offset()) - s->start_offset(),
                    std::min(upto, s->end_offset()) - s->start_offset());
  }
}

void CommitLog::TrimBehindReader(PhysicalOffset reader) const {
  if (options_.resident_window_bytes <= 0) return;
  const int64_t upto = (reader.value() - options_.resident_window_bytes) / kOsPageSize * kOsPageSize;
  // In steps of a window: each call costs an madvise per segment touched.
  if (upto - reader_trimmed_to_ < options_.resident_window_bytes) return;
  DropResidentRange(reader_trimmed_to_, upto);
  reader_trimmed_to_ = upto;
}

Status CommitLog::Flush() {
  int64_t to = 0;
  return FlushToWrittenEnd(&to);
}

void CommitLog::SetStickyError(const Status& s) {
  std::lock_guard<std::mutex> l(error_mu_);
  if (sticky_error_.ok()) {
    sticky_error_ = s;
    TERN_LOG_ERROR("commit log is now read-only after an I/O failure: {}", s.ToString());
  }
  failed_.store(true);
  { std::lock_guard<std::mutex> l(stage_mu_); }
  stage_cv_.notify_all();  // appenders waiting for ring space give up
}

Status CommitLog::sticky_error() const {
  std::lock_guard<std::mutex> l(error_mu_);
  return sticky_error_;
}

bool CommitLog::CheckDiskSpace() {
  auto ratio = io_.DiskUsageRatio(options_.dir);
  if (!ratio.ok()) {
    TERN_LOG_WARN("disk usage check failed: {}", ratio.status().ToString());
    return disk_full_.load();
  }
  bool full = *ratio > options_.disk_full_ratio;
  if (full != disk_full_.exchange(full)) {
    if (full) {
      TERN_LOG_ERROR("disk usage {:.1f}% above {:.1f}%: refusing appends", *ratio * 100,
                     options_.disk_full_ratio * 100);
    } else {
      TERN_LOG_INFO("disk usage {:.1f}% back under the limit: accepting appends", *ratio * 100);
    }
  }
  return full;
}

void CommitLog::Periodic(int64_t /*now_ms*/) {
  int64_t now = clock_.MonotonicMs();
  if (now - last_disk_check_ms_ >= options_.disk_check_interval_ms) {
    last_disk_check_ms_ = now;
    CheckDiskSpace();
  }
  Status st = checkpoint_.Flush();
  if (!st.ok()) TERN_LOG_WARN("writing the checkpoint failed: {}", st.ToString());
}

// ---- retention support ----

std::vector<SegmentInfo> CommitLog::ListSegments() const {
  std::vector<SegmentRef> segs;
  {
    std::lock_guard<std::mutex> l(segments_mu_);
    segs = segments_;
  }
  std::vector<SegmentInfo> out;
  for (size_t i = 0; i < segs.size(); ++i) {
    SegmentInfo info;
    info.start = segs[i]->start_offset();
    info.end = segs[i]->end_offset();
    info.active = i + 1 == segs.size();
    info.last_modified_ms = segs[i]->last_store_timestamp();
    if (info.last_modified_ms == 0) {
      auto mtime = io_.ModifiedTimeMs(segs[i]->path());
      info.last_modified_ms = mtime.ok() ? *mtime : 0;
    }
    out.push_back(info);
  }
  return out;
}

Status CommitLog::DeleteOldestSegment(int64_t start) {
  SegmentRef victim;
  {
    std::lock_guard<std::mutex> l(segments_mu_);
    if (segments_.size() < 2) return Status::InvalidArgument("the active segment is never deleted");
    if (segments_.front()->start_offset() != start) {
      return Status::NotFound(fmt::format("oldest segment is not {}", start));
    }
    victim = segments_.front();
    segments_.erase(segments_.begin());
    min_offset_.store(segments_.front()->start_offset());
  }
  TERN_LOG_INFO("retention: deleting commit log segment {}", victim->path());
  return victim->MarkDeleted();
}

}  // namespace tern::store
