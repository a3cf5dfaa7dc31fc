// OrderStore: the order service's table of orders, in its own LocalDb.
//
// A row is written by the order's local transaction (OrderService::
// ExecuteLocal) and is the single source of truth the broker's check-back
// is answered from: row present = the order exists = commit OrderCreated.
// Payment and the payment timeout move a row from kCreated to kPaid or
// kClosed, whichever comes first; the other one then loses.
//
// Thread-safety: any thread; internally synchronized (one mutex around each
// read-modify-write, never held across anything but the local database).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "local_db.h"
#include "order.h"
#include "ternmq/status.h"

namespace shop {

enum class OrderState { kCreated, kPaid, kClosed };

struct OrderRow {
  Order order;
  OrderState state = OrderState::kCreated;
  std::string close_msg_id;  // the scheduled CloseIfUnpaid message (for CancelScheduled)
};

enum class PayOutcome { kPaid, kAlreadyPaid, kTooLateClosed, kNoSuchOrder };
enum class CloseOutcome { kClosed, kAlreadyClosed, kIgnoredPaid, kNoSuchOrder };

class OrderStore {
 public:
  static ternmq::Result<std::unique_ptr<OrderStore>> Open(const std::string& dir);

  // Writes the row of a new order (state kCreated).
  ternmq::Status Insert(const Order& order);
  // The row, or nullopt when the order does not exist (never created or rolled back).
  ternmq::Result<std::optional<OrderRow>> Find(const std::string& order_id);
  ternmq::Status SetCloseMessageId(const std::string& order_id, const std::string& msg_id);

  ternmq::Result<PayOutcome> Pay(const std::string& order_id);
  ternmq::Result<CloseOutcome> CloseIfUnpaid(const std::string& order_id);

 private:
  explicit OrderStore(std::unique_ptr<LocalDb> db) : db_(std::move(db)) {}
  // REQUIRES: mu_ held by the caller for a read-modify-write.
  ternmq::Result<std::optional<OrderRow>> Load(const std::string& order_id);
  ternmq::Status Save(const OrderRow& row);

  std::mutex mu_;
  std::unique_ptr<LocalDb> db_;
};

}  // namespace shop
