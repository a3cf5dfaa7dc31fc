// Ledger: balances (stock per SKU, points per customer) that OrderCreated
// changes exactly once per order, however often the message is delivered.
//
// Delivery is at least once, so a consumer must be idempotent. The ledger
// makes it so by writing, in one atomic RocksDB batch, the balance change
// and the marker "order X was applied"; a redelivery finds the marker and
// changes nothing. Because both are written together, a crash can never
// leave one without the other.
//
// Thread-safety: any thread; internally synchronized.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "local_db.h"
#include "ternmq/status.h"

namespace shop {

enum class ApplyOutcome {
  kApplied,         // the change was made now
  kDuplicate,       // this order was applied before: nothing changed
  kUnknownAccount,  // no such SKU / account: cannot apply (a poison message)
};

class Ledger {
 public:
  static ternmq::Result<std::unique_ptr<Ledger>> Open(const std::string& dir);

  // Creates or overwrites an account (say, the initial stock of a SKU).
  ternmq::Status SetBalance(const std::string& account, int64_t balance);
  // Adds `delta` to `account` unless `order_id` was applied already.
  // `create_account`: a missing account starts at 0 (points); otherwise a
  // missing account answers kUnknownAccount (stock of an unknown SKU).
  ternmq::Result<ApplyOutcome> ApplyOnce(const std::string& order_id, const std::string& account,
                                         int64_t delta, bool create_account);
  // Balance of `account`; kInvalidArgument when it does not exist.
  ternmq::Result<int64_t> Balance(const std::string& account);
  ternmq::Result<bool> Applied(const std::string& order_id);

 private:
  explicit Ledger(std::unique_ptr<LocalDb> db) : db_(std::move(db)) {}
  ternmq::Result<std::optional<int64_t>> LoadBalance(const std::string& account);

  std::mutex mu_;  // makes "check the marker, then write" one step
  std::unique_ptr<LocalDb> db_;
};

}  // namespace shop
