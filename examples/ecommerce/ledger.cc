#include "ledger.h"

#include <rocksdb/write_batch.h>

#include <charconv>

namespace shop {
namespace {

std::string BalanceKey(const std::string& account) { return "balance/" + account; }
std::string AppliedKey(const std::string& order_id) { return "applied/" + order_id; }

}  // namespace

ternmq::Result<std::unique_ptr<Ledger>> Ledger::Open(const std::string& dir) {
  auto db = LocalDb::Open(dir);
  if (!db.ok()) return db.status();
  return std::unique_ptr<Ledger>(new Ledger(std::move(db).value()));
}

ternmq::Status Ledger::SetBalance(const std::string& account, int64_t balance) {
  std::lock_guard<std::mutex> lock(mu_);
  return db_->Put(BalanceKey(account), std::to_string(balance));
}

ternmq::Result<ApplyOutcome> Ledger::ApplyOnce(const std::string& order_id,
                                               const std::string& account, int64_t delta,
                                               bool create_account) {
  std::lock_guard<std::mutex> lock(mu_);
  auto marker = db_->Get(AppliedKey(order_id));
  if (!marker.ok()) return marker.status();
  if (*marker) return ApplyOutcome::kDuplicate;
  auto balance = LoadBalance(account);
  if (!balance.ok()) return balance.status();
  if (!*balance && !create_account) return ApplyOutcome::kUnknownAccount;
  rocksdb::WriteBatch batch;
  batch.Put(BalanceKey(account), std::to_string(balance->value_or(0) + delta));
  batch.Put(AppliedKey(order_id), account);
  if (ternmq::Status st = db_->Write(batch); !st.ok()) return st;
  return ApplyOutcome::kApplied;
}

ternmq::Result<int64_t> Ledger::Balance(const std::string& account) {
  std::lock_guard<std::mutex> lock(mu_);
  auto balance = LoadBalance(account);
  if (!balance.ok()) return balance.status();
  if (!*balance) {
    return ternmq::Status(ternmq::StatusCode::kInvalidArgument, "no account " + account);
  }
  return **balance;
}

ternmq::Result<bool> Ledger::Applied(const std::string& order_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto marker = db_->Get(AppliedKey(order_id));
  if (!marker.ok()) return marker.status();
  return marker->has_value();
}

ternmq::Result<std::optional<int64_t>> Ledger::LoadBalance(const std::string& account) {
  auto text = db_->Get(BalanceKey(account));
  if (!text.ok()) return text.status();
  if (!*text) return std::optional<int64_t>();
  int64_t v = 0;
  const std::string& s = **text;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    return ternmq::Status(ternmq::StatusCode::kInternal, "corrupt balance of " + account);
  }
  return std::optional<int64_t>(v);
}

}  // namespace shop
