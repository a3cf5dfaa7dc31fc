// OrderService: places orders. Each order is a local transaction (its row in
// the OrderStore) plus a transactional "OrderCreated" message, so that the
// message is delivered if and only if the row was committed; and each
// created order schedules a "CloseIfUnpaid" message for the payment timeout.
//
//   SendInTransaction(OrderCreated)
//     1. the broker stores a half message (invisible to consumers)
//     2. ExecuteLocal: write the order row          -> kCommit / kRollback
//     3. the producer sends the decision; on kUnknown (or a crash, or a lost
//        decision) the broker asks Check() later, which answers from the row
//   Send(CloseIfUnpaid, delivery_time_ms = now + close_after_ms)
//
// The service is its own TransactionListener.
//
// Threading: PlaceOrder and Pay from any thread. ExecuteLocal runs on the
// thread calling PlaceOrder; Check on the producer's check pool.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "order.h"
#include "order_store.h"
#include "tally.h"
#include "ternmq/producer.h"
#include "ternmq/status.h"
#include "ternmq/transaction_producer.h"

namespace shop {

constexpr const char* kOrderCreatedTag = "OrderCreated";
constexpr const char* kCloseIfUnpaidTag = "CloseIfUnpaid";

// What the demo makes an order's local transaction do (fault injection).
enum class LocalOutcome {
  kCommit,        // the row is written
  kFail,          // the write fails (say, a constraint): nothing written, roll back
  kCommitUnsure,  // the row is written but the service does not learn it in time:
                  // answers kUnknown, and the broker's check-back finds the row
};

struct OrderServiceOptions {
  std::string name_server;                   // "127.0.0.1:9876"
  std::string topic = "shop-orders";         // OrderCreated and CloseIfUnpaid
  std::string group = "shop-order-service";  // transactional producer group (check-backs)
  int64_t close_after_ms = 30 * 60 * 1000;   // payment timeout
};

class OrderService final : public ternmq::TransactionListener {
 public:
  enum class Placed {
    kCommitted,   // row written, OrderCreated committed
    kRolledBack,  // no row, OrderCreated dropped
    kUnsure,      // row written, decision left to the broker's check-back
  };

  // Starts the producers. `store` and `tally` must outlive the service.
  static ternmq::Result<std::unique_ptr<OrderService>> Start(const OrderServiceOptions& options,
                                                             OrderStore& store, Tally& tally);
  ~OrderService() override;  // shuts the producers down first: they call back into this

  // One order: local transaction + OrderCreated, then CloseIfUnpaid when the
  // row exists. Fails only when the half message could not be sent (then
  // nothing happened) or the local store failed.
  ternmq::Result<Placed> PlaceOrder(const Order& order, LocalOutcome outcome);
  // The customer pays (before the timeout, or too late).
  ternmq::Result<PayOutcome> Pay(const std::string& order_id);

  // TransactionListener.
  ternmq::TransactionState ExecuteLocal(const ternmq::Message& msg, void* arg) override;
  ternmq::TransactionState Check(const ternmq::MessageView& msg) override;

 private:
  OrderService(const OrderServiceOptions& options, OrderStore& store, Tally& tally)
      : options_(options), store_(store), tally_(tally) {}
  ternmq::Status ScheduleClose(const Order& order);

  const OrderServiceOptions options_;
  OrderStore& store_;
  Tally& tally_;
  std::unique_ptr<ternmq::TransactionProducer> tx_producer_;
  std::unique_ptr<ternmq::Producer> timer_producer_;  // CloseIfUnpaid (not transactional)
};

}  // namespace shop
