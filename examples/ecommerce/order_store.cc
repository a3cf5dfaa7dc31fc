#include "order_store.h"

namespace shop {
namespace {

constexpr const char* kRowPrefix = "order/";

const char* StateName(OrderState state) {
  switch (state) {
    case OrderState::kCreated:
      return "CREATED";
    case OrderState::kPaid:
      return "PAID";
    case OrderState::kClosed:
      return "CLOSED";
  }
  return "CREATED";
}

// A row is "state=...\nclose_msg_id=...\n" followed by the order's text.
std::string EncodeRow(const OrderRow& row) {
  return std::string("state=") + StateName(row.state) + "\nclose_msg_id=" + row.close_msg_id +
         "\n" + EncodeOrder(row.order);
}

std::optional<OrderRow> DecodeRow(const std::string& text) {
  OrderRow row;
  auto order = DecodeOrder(text);
  if (!order) return std::nullopt;
  row.order = *order;
  if (text.rfind("state=PAID\n", 0) == 0) {
    row.state = OrderState::kPaid;
  } else if (text.rfind("state=CLOSED\n", 0) == 0) {
    row.state = OrderState::kClosed;
  }
  size_t at = text.find("\nclose_msg_id=");
  if (at != std::string::npos) {
    size_t begin = at + 14;
    row.close_msg_id = text.substr(begin, text.find('\n', begin) - begin);
  }
  return row;
}

}  // namespace

ternmq::Result<std::unique_ptr<OrderStore>> OrderStore::Open(const std::string& dir) {
  auto db = LocalDb::Open(dir);
  if (!db.ok()) return db.status();
  return std::unique_ptr<OrderStore>(new OrderStore(std::move(db).value()));
}

ternmq::Status OrderStore::Insert(const Order& order) {
  std::lock_guard<std::mutex> lock(mu_);
  OrderRow row;
  row.order = order;
  return Save(row);
}

ternmq::Result<std::optional<OrderRow>> OrderStore::Find(const std::string& order_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return Load(order_id);
}

ternmq::Status OrderStore::SetCloseMessageId(const std::string& order_id,
                                             const std::string& msg_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto row = Load(order_id);
  if (!row.ok()) return row.status();
  if (!*row) return ternmq::Status(ternmq::StatusCode::kInvalidArgument, "no order " + order_id);
  (*row)->close_msg_id = msg_id;
  return Save(**row);
}

ternmq::Result<PayOutcome> OrderStore::Pay(const std::string& order_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto row = Load(order_id);
  if (!row.ok()) return row.status();
  if (!*row) return PayOutcome::kNoSuchOrder;
  if ((*row)->state == OrderState::kPaid) return PayOutcome::kAlreadyPaid;
  if ((*row)->state == OrderState::kClosed) return PayOutcome::kTooLateClosed;
  (*row)->state = OrderState::kPaid;
  if (ternmq::Status st = Save(**row); !st.ok()) return st;
  return PayOutcome::kPaid;
}

ternmq::Result<CloseOutcome> OrderStore::CloseIfUnpaid(const std::string& order_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto row = Load(order_id);
  if (!row.ok()) return row.status();
  if (!*row) return CloseOutcome::kNoSuchOrder;
  if ((*row)->state == OrderState::kPaid) return CloseOutcome::kIgnoredPaid;
  if ((*row)->state == OrderState::kClosed) return CloseOutcome::kAlreadyClosed;
  (*row)->state = OrderState::kClosed;
  if (ternmq::Status st = Save(**row); !st.ok()) return st;
  return CloseOutcome::kClosed;
}

ternmq::Result<std::optional<OrderRow>> OrderStore::Load(const std::string& order_id) {
  auto text = db_->Get(kRowPrefix + order_id);
  if (!text.ok()) return text.status();
  if (!*text) return std::optional<OrderRow>();
  auto row = DecodeRow(**text);
  if (!row) {
    return ternmq::Status(ternmq::StatusCode::kInternal, "corrupt order row " + order_id);
  }
  return row;
}

ternmq::Status OrderStore::Save(const OrderRow& row) {
  return db_->Put(kRowPrefix + row.order.id, EncodeRow(row));
}

}  // namespace shop
