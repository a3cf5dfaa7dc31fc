#include "broker/transaction/transaction_service.h"

#include <algorithm>

#include "src/base/logging.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_const.h"

namespace tern::transaction {

namespace {
constexpr int kReadBatch = 256;
// ~30 bytes each: a record stays far below the 4 MiB message limit.
constexpr size_t kCheckTimesPerRecord = 20'000;
}  // namespace

std::map<std::string, std::string> TransactionService::RuntimeFigures() const {
  auto s = [](const std::atomic<int64_t>& v) { return std::to_string(v.load()); };
  return {
      {"transactionPending", std::to_string(table_.pending())},
      {"transactionCommitted", s(counters_.committed)},
      {"transactionRolledBack", s(counters_.rolled_back)},
      {"transactionChecked", s(counters_.checked)},
      {"transactionDiscarded", s(counters_.discarded)},
      {"transactionRefused", s(counters_.refused)},
  };
}

Result<std::unique_ptr<TransactionService>> TransactionService::Open(store::MessageStore& store,
                                                                     const Clock& clock,
                                                                     CheckNotifier& notifier,
                                                                     TransactionOptions options) {
  if (options.check_interval_ms < 1000) {
    return Status::InvalidArgument("transactionCheckInterval must be at least 1000 ms");
  }
  if (options.timeout_ms < 0 || options.check_max < 0) {
    return Status::InvalidArgument("transactionTimeOut and transactionCheckMax must be >= 0");
  }
  std::unique_ptr<TransactionService> svc(
      new TransactionService(store, clock, notifier, std::move(options)));
  CheckStats stats;
  svc->FollowAll(&stats);  // the rebuild: decisions and discards first, then half records
  TERN_RETURN_IF_ERROR(svc->RepairCommitsWithoutOp());
  if (stats.loaded > 0 || stats.decisions > 0) {
    TERN_LOG_INFO("transactions: {} pending, {} decided after reading the log",
                  svc->table_.pending(), svc->table_.decided());
  }
  return svc;
}

TransactionService::TransactionService(store::MessageStore& store, const Clock& clock,
                                       CheckNotifier& notifier, TransactionOptions options)
    : store_(store), clock_(clock), notifier_(notifier), options_(std::move(options)) {}

TransactionService::~TransactionService() { Stop(); }

void TransactionService::Start() {
  TERN_CHECK(!thread_.joinable()) << "TransactionService::Start called twice";
  thread_ = std::thread([this] { ThreadMain(); });
}

void TransactionService::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TransactionService::ThreadMain() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    auto r = RunOnce(clock_.NowMs());
    if (!r.ok()) TERN_LOG_WARN("transaction check round failed: {}", r.status().ToString());
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                 [this] { return stop_; });
  }
}

template <typename F>
void TransactionService::Follow(std::string_view topic, int64_t* read, F&& on_record) {
  store::ConsumeQueue* cq = store_.consume_queues().Find(topic, QueueId(0));
  if (cq == nullptr) return;
  const int64_t min = cq->min_offset().value();
  const int64_t max = cq->max_offset().value();
  if (*read < min) *read = min;
  const store::CommitLog& log = store_.commit_log();
  while (*read < max) {
    store::ConsumeQueue::ReadResult rr = cq->Read(QueueOffset(*read), kReadBatch);
    if (rr.units.empty()) {
      if (rr.file_missing && rr.next_file_start.value() > *read) {
        *read = rr.next_file_start.value();
        continue;
      }
      break;
    }
    for (const store::CqUnit& unit : rr.units) {
      const int64_t offset = (*read)++;
      if (unit.IsPlaceholder()) continue;
      auto view = log.ReadRecord(unit.offset);
      auto rec = view.ok() ? protocol::DecodeMessageRecord(view->data())
                           : Result<protocol::MessageRecord>(view.status());
      if (!rec.ok()) {
        TERN_LOG_WARN("transactions: {} offset {} at log offset {} is unreadable: {}", topic,
                      offset, unit.offset, rec.status().ToString());
        continue;
      }
      on_record(*rec, offset);
    }
  }
}

void TransactionService::FollowAll(CheckStats* stats) {
  // Decisions and discards before half records: on a rebuild a half record
  // whose decision is already in the log must not become pending.
  Follow(kOpTopic, &op_read_, [&](const protocol::MessageRecord& op, int64_t) {
    const Decision d = OpDecision(op);
    for (int64_t half : ParseOpBody(op.body)) {
      table_.RecordDecision(QueueOffset(half), d);
      ++stats->decisions;
    }
  });
  Follow(kCheckMaxTimeTopic, &discard_read_, [&](const protocol::MessageRecord& rec, int64_t) {
    if (auto half = DiscardedHalfOffset(rec)) table_.MarkDiscarded(QueueOffset(*half));
  });
  Follow(kHalfTopic, &half_read_, [&](const protocol::MessageRecord& rec, int64_t offset) {
    auto info = ParseHalf(rec);
    if (!info.ok()) {
      TERN_LOG_WARN("transactions: half offset {} ignored: {}", offset, info.status().ToString());
      ++stats->lost;
      return;
    }
    const int64_t immunity =
        info->immunity_ms ? std::max(*info->immunity_ms, options_.timeout_ms) : options_.timeout_ms;
    PendingTransaction p;
    p.half_offset = QueueOffset(offset);
    p.log_offset = rec.physical_offset;
    p.producer_group = std::move(info->producer_group);
    p.next_check_ms = rec.store_timestamp + immunity;
    if (table_.AddPending(std::move(p))) ++stats->loaded;
  });
  // After the half records: a check count applies to an entry already pending.
  Follow(kCheckTimesTopic, &check_times_read_, [&](const protocol::MessageRecord& rec, int64_t) {
    for (const CheckTimes& e : ParseCheckTimesBody(rec.body)) {
      table_.RestoreChecks(QueueOffset(e.half_offset), e.checks, e.next_check_ms);
    }
  });
  if (store::ConsumeQueue* cq = store_.consume_queues().Find(kHalfTopic, QueueId(0))) {
    table_.ForgetBelow(cq->min_offset());
  }
}

Status TransactionService::RepairCommitsWithoutOp() {
  if (store_.key_index() == nullptr) return Status::Ok();
  const store::CommitLog& log = store_.commit_log();
  for (const PendingTransaction& p : table_.AllPending()) {
    auto view = log.ReadRecord(p.log_offset);
    if (!view.ok()) continue;
    auto half = protocol::DecodeMessageRecord(view->data());
    if (!half.ok()) continue;
    auto info = ParseHalf(*half);
    if (!info.ok() || info->uniq_key.empty()) continue;
    store::QueryMessageResult found =
        store_.QueryMessageByUniqueKey(info->real_topic, info->uniq_key, 0, INT64_MAX);
    for (const store::LogView& v : found.messages) {
      auto rec = protocol::DecodeMessageRecord(v.data());
      if (!rec.ok() || rec->prepared_transaction_offset != p.log_offset ||
          protocol::TransactionType(rec->sys_flag) !=
              protocol::MessageSysFlag::kTransactionCommit) {
        continue;
      }
      OwnedRecord op =
          BuildOpRecord(p.half_offset, Decision::kCommit, log.options().store_host, clock_.NowMs());
      store::PutResult put = store_.PutMessage(op.AsRecord());
      if (!put.stored()) {
        return Status::IoError("writing a missing op record: " + put.error.ToString());
      }
      TERN_LOG_WARN(
          "transactions: half offset {} was committed but its op record was missing; "
          "written now",
          p.half_offset);
      table_.RecordDecision(p.half_offset, Decision::kCommit);
      break;
    }
  }
  return Status::Ok();
}

Result<CheckStats> TransactionService::RunOnce(int64_t now_ms) {
  CheckStats stats;
  FollowAll(&stats);
  std::vector<CheckTimes> checked;
  for (PendingTransaction& p : table_.TakeDue(now_ms, options_.max_checks_per_round)) {
    ++stats.due;
    Check(std::move(p), now_ms, &stats, &checked);
  }
  TERN_RETURN_IF_ERROR(WriteCheckTimes(checked, now_ms));
  return stats;
}

// One record per kCheckTimesPerRecord checks of the round. A failed append
// fails the round (the store's error is sticky); the counts in memory stay
// right, only a restart before the next successful record would lose them.
Status TransactionService::WriteCheckTimes(const std::vector<CheckTimes>& checked, int64_t now_ms) {
  for (size_t begin = 0; begin < checked.size(); begin += kCheckTimesPerRecord) {
    const size_t end = std::min(checked.size(), begin + kCheckTimesPerRecord);
    OwnedRecord rec = BuildCheckTimesRecord(
        std::vector<CheckTimes>(checked.begin() + static_cast<std::ptrdiff_t>(begin),
                                checked.begin() + static_cast<std::ptrdiff_t>(end)),
        store_.commit_log().options().store_host, now_ms);
    store::PutResult put = store_.PutMessage(rec.AsRecord());
    if (!put.stored()) {
      return Status::IoError("writing check counts to " + std::string(kCheckTimesTopic) + ": " +
                             put.error.ToString());
    }
  }
  return Status::Ok();
}

void TransactionService::Check(PendingTransaction p, int64_t now_ms, CheckStats* stats,
                               std::vector<CheckTimes>* checked) {
  auto view = store_.commit_log().ReadRecord(p.log_offset);
  auto rec = view.ok() ? protocol::DecodeMessageRecord(view->data())
                       : Result<protocol::MessageRecord>(view.status());
  if (!rec.ok()) {  // deleted by retention, or damaged: nothing left to check
    TERN_LOG_WARN("transactions: half offset {} (log offset {}) dropped: {}", p.half_offset,
                  p.log_offset, rec.status().ToString());
    ++stats->lost;
    return;
  }
  p.next_check_ms = now_ms + options_.check_interval_ms;
  if (p.checks >= options_.check_max) {
    OwnedRecord discard = BuildDiscardRecord(*rec, p.checks);
    store::PutResult put = store_.PutMessage(discard.AsRecord());
    if (!put.stored()) {
      TERN_LOG_ERROR("transactions: parking half offset {} in {} failed: {}; retrying later",
                     p.half_offset, kCheckMaxTimeTopic, put.error.ToString());
      table_.Reschedule(std::move(p));
      return;
    }
    TERN_LOG_WARN(
        "transactions: half offset {} of group {} not decided after {} checks; parked "
        "in {} (RESUME_CHECK_HALF_MESSAGE resumes it)",
        p.half_offset, p.producer_group, p.checks, kCheckMaxTimeTopic);
    table_.MarkDiscarded(p.half_offset);
    ++stats->discarded;
    counters_.discarded.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  auto request = BuildCheckRequest(*rec, p.checks + 1, options_.broker_name);
  if (!request.ok()) {
    TERN_LOG_WARN("transactions: half offset {} cannot be checked: {}", p.half_offset,
                  request.status().ToString());
    ++stats->lost;
    return;
  }
  if (notifier_.SendCheck(p.producer_group, std::move(*request))) {
    ++p.checks;
    ++stats->checked;
    counters_.checked.fetch_add(1, std::memory_order_relaxed);
    checked->push_back({p.half_offset.value(), p.checks, p.next_check_ms});
  } else {
    ++stats->no_producer;  // not counted against transactionCheckMax
  }
  table_.Reschedule(std::move(p));
}

}  // namespace tern::transaction
