#include "broker/transaction/transaction_table.h"

#include <algorithm>

namespace tern::transaction {

bool TransactionTable::AddPending(PendingTransaction p) {
  std::lock_guard lock(mu_);
  const int64_t half = p.half_offset.value();
  if (decisions_.count(half) > 0 || discarded_.count(half) > 0 || pending_.count(half) > 0) {
    return false;
  }
  due_.emplace(p.next_check_ms, half);
  pending_.emplace(half, std::move(p));
  return true;
}

void TransactionTable::EraseLocked(int64_t half) {
  auto it = pending_.find(half);
  if (it == pending_.end()) return;
  due_.erase({it->second.next_check_ms, half});
  pending_.erase(it);
}

DecideResult TransactionTable::Decide(QueueOffset half, Decision d) {
  std::lock_guard lock(mu_);
  DecideResult r;
  auto [it, inserted] = decisions_.emplace(half.value(), d);
  if (!inserted) {
    r.existing = it->second;
    r.outcome = it->second == d ? DecideOutcome::kSame : DecideOutcome::kConflict;
    return r;
  }
  r.existing = d;
  if (auto p = pending_.find(half.value()); p != pending_.end()) {
    r.removed = p->second;
    EraseLocked(half.value());
  }
  return r;
}

void TransactionTable::Undecide(QueueOffset half, std::optional<PendingTransaction> restore) {
  std::lock_guard lock(mu_);
  decisions_.erase(half.value());
  if (restore && discarded_.count(half.value()) == 0 && pending_.count(half.value()) == 0) {
    due_.emplace(restore->next_check_ms, half.value());
    pending_.emplace(half.value(), std::move(*restore));
  }
}

void TransactionTable::RecordDecision(QueueOffset half, Decision d) {
  std::lock_guard lock(mu_);
  decisions_.emplace(half.value(), d);  // an earlier decision stays
  EraseLocked(half.value());
}

std::optional<Decision> TransactionTable::DecisionOf(QueueOffset half) const {
  std::lock_guard lock(mu_);
  auto it = decisions_.find(half.value());
  if (it == decisions_.end()) return std::nullopt;
  return it->second;
}

void TransactionTable::MarkDiscarded(QueueOffset half) {
  std::lock_guard lock(mu_);
  discarded_.insert(half.value());
  EraseLocked(half.value());
}

std::vector<PendingTransaction> TransactionTable::TakeDue(int64_t now_ms, size_t max) {
  std::lock_guard lock(mu_);
  std::vector<PendingTransaction> out;
  while (!due_.empty() && out.size() < max) {
    ++visited_;
    if (due_.begin()->first > now_ms) break;
    const int64_t half = due_.begin()->second;
    due_.erase(due_.begin());
    auto it = pending_.find(half);
    out.push_back(std::move(it->second));
    pending_.erase(it);
  }
  return out;
}

void TransactionTable::Reschedule(PendingTransaction p) {
  std::lock_guard lock(mu_);
  const int64_t half = p.half_offset.value();
  if (decisions_.count(half) > 0 || discarded_.count(half) > 0 || pending_.count(half) > 0) {
    return;
  }
  due_.emplace(p.next_check_ms, half);
  pending_.emplace(half, std::move(p));
}

void TransactionTable::RestoreChecks(QueueOffset half, int32_t checks, int64_t next_check_ms) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(half.value());
  if (it == pending_.end() || checks <= it->second.checks) return;
  due_.erase({it->second.next_check_ms, half.value()});
  it->second.checks = checks;
  it->second.next_check_ms = std::max(it->second.next_check_ms, next_check_ms);
  due_.emplace(it->second.next_check_ms, half.value());
}

void TransactionTable::ForgetBelow(QueueOffset min) {
  std::lock_guard lock(mu_);
  decisions_.erase(decisions_.begin(), decisions_.lower_bound(min.value()));
  discarded_.erase(discarded_.begin(), discarded_.lower_bound(min.value()));
}

size_t TransactionTable::pending() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

size_t TransactionTable::decided() const {
  std::lock_guard lock(mu_);
  return decisions_.size();
}

int64_t TransactionTable::visited() const {
  std::lock_guard lock(mu_);
  return visited_;
}

std::optional<int64_t> TransactionTable::NextDueMs() const {
  std::lock_guard lock(mu_);
  if (due_.empty()) return std::nullopt;
  return due_.begin()->first;
}

std::vector<PendingTransaction> TransactionTable::AllPending() const {
  std::lock_guard lock(mu_);
  std::vector<PendingTransaction> out;
  out.reserve(pending_.size());
  for (const auto& [half, p] : pending_) out.push_back(p);
  return out;
}

std::vector<PendingTransaction> TransactionTable::PendingOf(const std::string& group) const {
  std::lock_guard lock(mu_);
  std::vector<PendingTransaction> out;
  for (const auto& [half, p] : pending_) {
    if (p.producer_group == group) out.push_back(p);
  }
  return out;
}

}  // namespace tern::transaction
