// ScheduleService: the persisted state and recovery (Open). The state format
// is in delay_format.h; the argument for "each entry exactly once" is in
// broker/delay/README.md.
#include <fmt/format.h>

#include <algorithm>

#include "broker/delay/message_rebuild.h"
#include "broker/delay/schedule_service.h"
#include "src/base/byte_coding.h"
#include "src/base/logging.h"
#include "src/protocol/message_properties.h"

namespace tern::delay {

Result<std::unique_ptr<ScheduleService>> ScheduleService::Open(store::MessageStore& store,
                                                               meta::MetaDb& db,
                                                               const Clock& clock,
                                                               ScheduleOptions options) {
  if (options.delay_levels_ms.empty() ||
      static_cast<int>(options.delay_levels_ms.size()) > kMaxDelayLevels) {
    return Status::InvalidArgument(
        fmt::format("messageDelayLevel must have 1..{} levels", kMaxDelayLevels));
  }
  if (options.roll_after_ms <= 0 || options.max_delay_ms <= 0 || options.tick_ms <= 0 ||
      options.wheel_slots <= 0) {
    return Status::InvalidArgument("schedule options: durations and wheel size must be positive");
  }
  std::unique_ptr<ScheduleService> svc(new ScheduleService(store, db, clock, std::move(options)));
  TERN_RETURN_IF_ERROR(svc->Recover());
  return svc;
}

Status ScheduleService::ReadState(int64_t* journal, std::map<uint8_t, int64_t>* lows) {
  TERN_ASSIGN_OR_RETURN(auto raw, db_.Get(meta::Column::kCursors, kStateKey));
  if (!raw) return Status::NotFound("no schedule state");
  const std::string& v = *raw;
  auto bad = [&](std::string_view why) {
    return Status::Corruption(fmt::format("{}: {} ({} bytes)", kStateKey, why, v.size()));
  };
  if (v.size() < 20) return bad("too short");
  if (GetBE32(v.data()) != kStateMagic) return bad("bad magic");
  if (GetBE32(v.data() + 4) != kStateVersion) return bad("unknown version");
  *journal = static_cast<int64_t>(GetBE64(v.data() + 8));
  const uint32_t n = GetBE32(v.data() + 16);
  if (v.size() != 20 + static_cast<size_t>(n) * 9) return bad("bad length");
  for (uint32_t i = 0; i < n; ++i) {
    const char* p = v.data() + 20 + i * 9;
    (*lows)[static_cast<uint8_t>(p[0])] = static_cast<int64_t>(GetBE64(p + 1));
  }
  return Status::Ok();
}

std::string ScheduleService::EncodeState() const {
  std::string v;
  AppendBE32(&v, kStateMagic);
  AppendBE32(&v, kStateVersion);
  AppendBE64(&v, static_cast<uint64_t>(journal_pos_));
  AppendBE32(&v, static_cast<uint32_t>(sources_.size()));
  for (const Source& s : sources_) {
    v.push_back(static_cast<char>(s.id));
    AppendBE64(&v, static_cast<uint64_t>(s.low));
  }
  return v;
}

Status ScheduleService::ScanJournal(int64_t from,
                                    std::unordered_map<uint64_t, MarkerKind>* recent) {
  const store::CommitLog& log = store_.commit_log();
  store::CommitLogScanner scanner(log, PhysicalOffset(std::max(from, log.MinOffset().value())));
  int64_t records = 0;
  for (;;) {
    store::LogView view;
    auto step = scanner.Next(&view);
    if (!step.ok()) {
      if (step.status().code() == StatusCode::kNotFound && scanner.position() < log.MinOffset()) {
        scanner.Seek(log.MinOffset());
        continue;
      }
      return step.status().WithContext("schedule journal scan");
    }
    if (*step == store::CommitLogScanner::Step::kEnd) break;
    ++records;
    auto rec = protocol::DecodeMessageRecord(view.data());
    if (!rec.ok()) return rec.status().WithContext("schedule journal scan");
    auto prop = protocol::FindProperty(rec->properties, kEntryProperty);
    if (!prop) continue;
    auto id = ParseEntry(*prop);
    if (!id) continue;
    const Source* s = FindSource(id->source);
    if (s == nullptr || id->queue_offset < s->low) continue;  // resolved long ago
    const MarkerKind kind = IsScheduleTopic(rec->topic) ? MarkerKind::kRolled
                                                        : MarkerKind::kDelivered;
    if (recent->emplace(id->Packed(), kind).second) {
      unmarked_.push_back(
          Outcome{id->Packed(), kind, view.offset().value(), view.end().value()});
    }
  }
  if (!recent->empty()) {
    TERN_LOG_INFO("schedule recovery: {} records read from {}, {} appended outcomes not yet marked",
                  records, from, recent->size());
  }
  return Status::Ok();
}

Status ScheduleService::LoadMarkers(const Source& s, int64_t from,
                                    std::vector<int64_t>* resolved) {
  const std::string begin = MarkerKey(EntryId{s.id, from});
  const std::string end = MarkerEndKey(s.id);
  return db_.Scan(meta::Column::kCursors, begin, end,
                  [&](std::string_view key, std::string_view) {
                    if (key.size() == kMarkerPrefix.size() + 9) {
                      resolved->push_back(
                          static_cast<int64_t>(GetBE64(key.data() + kMarkerPrefix.size() + 1)));
                    }
                    return true;
                  });
}

Status ScheduleService::Recover() {
  const store::CommitLog& log = store_.commit_log();
  int64_t journal = 0;
  std::map<uint8_t, int64_t> lows;
  Status st = ReadState(&journal, &lows);
  const bool fresh = st.code() == StatusCode::kNotFound;
  if (!st.ok() && !fresh) return st;
  if (fresh) journal = log.WrittenEnd().value();  // nothing of ours can be in the log yet

  for (size_t q = 0; q < options_.delay_levels_ms.size(); ++q) {
    Source s;
    s.id = static_cast<uint8_t>(q);
    s.topic = std::string(kScheduleTopic);
    s.queue = QueueId(static_cast<int32_t>(q));
    sources_.push_back(std::move(s));
  }
  Source timer;
  timer.id = kTimerSource;
  timer.topic = std::string(kTimerTopic);
  timer.queue = QueueId(kTimerQueueId);
  sources_.push_back(std::move(timer));
  for (Source& s : sources_) {
    auto it = lows.find(s.id);
    s.low = it != lows.end() ? it->second : 0;
  }

  // 1. What we appended after the last checkpoint.
  std::unordered_map<uint64_t, MarkerKind> recent;
  TERN_RETURN_IF_ERROR(ScanJournal(journal, &recent));
  for (const Outcome& o : unmarked_) AddPending(EntryId::Unpack(o.id), +1);  // until marked

  // 2. Every source queue from its low cursor, minus what is resolved.
  int64_t loaded = 0;
  for (Source& s : sources_) {
    store::ConsumeQueue* cq = store_.consume_queues().Find(s.topic, s.queue);
    if (cq == nullptr) {
      s.read = s.low;
      continue;
    }
    s.read = std::max(s.low, cq->min_offset().value());
    std::vector<int64_t> resolved;
    TERN_RETURN_IF_ERROR(LoadMarkers(s, s.read, &resolved));
    std::sort(resolved.begin(), resolved.end());
    while (s.read < cq->max_offset().value()) {
      const int64_t before = s.read;
      loaded += Load(s, INT64_MAX, &resolved, &recent);
      if (s.read == before) break;
    }
  }
  journal_pos_ = journal;
  pending_.store(static_cast<int64_t>(wheel_.size()));
  TERN_LOG_INFO("schedule service: {} pending entries recovered, journal at {}{}", loaded,
                journal, fresh ? " (first start)" : "");
  state_dirty_ = true;
  recovered_ = true;
  return Checkpoint(clock_.NowMs(), /*force=*/true);
}

}  // namespace tern::delay
