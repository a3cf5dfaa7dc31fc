// The services that react to order messages, each a push consumer in its
// own consumer group (so each gets every message of its tag):
//
//   InventoryService      group shop-inventory      OrderCreated  -> reserve stock
//   PointsService         group shop-points         OrderCreated  -> credit points
//   PaymentTimeoutService group shop-order-timeout  CloseIfUnpaid -> close unpaid order
//
// Delivery is at least once, so each handler is idempotent by order id: the
// Ledger applies an order once; closing an order is a state change that a
// second delivery finds already done. A handler that returns
// kReconsumeLater gets the message again later through the group's retry
// topic; after max_reconsume_times failures the broker moves it to the
// group's dead-letter topic %DLQ%<group>.
//
// For the demo, a share of deliveries "fails once" after its work was done
// (as if the process died before acknowledging), so the redelivery has to
// be recognized as a duplicate.
//
// Threading: handlers run on the consumers' consume threads, concurrently;
// everything they touch (Ledger, OrderStore, Tally) is internally synchronized.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "ledger.h"
#include "order_store.h"
#include "tally.h"
#include "ternmq/push_consumer.h"
#include "ternmq/status.h"

namespace shop {

constexpr const char* kInventoryGroup = "shop-inventory";
constexpr const char* kPointsGroup = "shop-points";
constexpr const char* kTimeoutGroup = "shop-order-timeout";

struct ConsumerOptions {
  std::string name_server;
  std::string topic = "shop-orders";
  // Messages of orders whose id does not start with this are skipped (a
  // development server keeps the messages of earlier demo runs).
  std::string order_id_prefix;
  // Share of first deliveries that fail once after doing their work (demo).
  int fail_once_percent = 0;
  // Attempts before a message goes to the dead-letter topic (-1: 16).
  int32_t max_reconsume_times = -1;
  // How soon a consumer notices a topic created after it started (its own
  // retry topic appears with the first failure).
  int64_t rebalance_interval_ms = 20'000;
  // Demo fault: skip the ledger's duplicate check (breaks idempotency, to
  // prove the invariant checks catch it).
  bool break_idempotency = false;
};

// Remembers which orders already failed their one simulated failure.
class FailOnce {
 public:
  FailOnce(std::string name, int percent) : name_(std::move(name)), percent_(percent) {}
  // True the first time for about `percent` % of the orders, then never again.
  bool ShouldFail(const std::string& order_id);

 private:
  const std::string name_;
  const int percent_;
  std::mutex mu_;
  std::set<std::string> failed_;
};

// Reserves stock for each OrderCreated: the SKU's balance goes down by the
// quantity, once per order. An unknown SKU can never be reserved: that
// message fails every time and ends in %DLQ%shop-inventory (the poison order).
class InventoryService {
 public:
  // `stock` and `tally` must outlive the service.
  static ternmq::Result<std::unique_ptr<InventoryService>> Start(const ConsumerOptions& options,
                                                                 Ledger& stock, Tally& tally);
  ~InventoryService();  // shuts the consumer down (waits for handlers in progress)

 private:
  InventoryService(const ConsumerOptions& options, Ledger& stock, Tally& tally)
      : options_(options),
        stock_(stock),
        tally_(tally),
        fail_once_("inventory", options.fail_once_percent) {}
  ternmq::ConsumeResult Handle(const ternmq::MessageView& msg);

  const ConsumerOptions options_;
  Ledger& stock_;
  Tally& tally_;
  FailOnce fail_once_;
  std::unique_ptr<ternmq::PushConsumer> consumer_;
};

// Credits one point per whole currency unit of each OrderCreated, once per order.
class PointsService {
 public:
  static ternmq::Result<std::unique_ptr<PointsService>> Start(const ConsumerOptions& options,
                                                              Ledger& points, Tally& tally);
  ~PointsService();

 private:
  PointsService(const ConsumerOptions& options, Ledger& points, Tally& tally)
      : options_(options),
        points_(points),
        tally_(tally),
        fail_once_("points", options.fail_once_percent) {}
  ternmq::ConsumeResult Handle(const ternmq::MessageView& msg);

  const ConsumerOptions options_;
  Ledger& points_;
  Tally& tally_;
  FailOnce fail_once_;
  std::unique_ptr<ternmq::PushConsumer> consumer_;
};

// Closes an order whose CloseIfUnpaid timer fired while it was still unpaid;
// paid (and already closed) orders are left alone. Part of the order service:
// it owns the order rows.
class PaymentTimeoutService {
 public:
  static ternmq::Result<std::unique_ptr<PaymentTimeoutService>> Start(
      const ConsumerOptions& options, OrderStore& orders, Tally& tally);
  ~PaymentTimeoutService();

 private:
  PaymentTimeoutService(const ConsumerOptions& options, OrderStore& orders, Tally& tally)
      : options_(options), orders_(orders), tally_(tally) {}
  ternmq::ConsumeResult Handle(const ternmq::MessageView& msg);

  const ConsumerOptions options_;
  OrderStore& orders_;
  Tally& tally_;
  std::unique_ptr<ternmq::PushConsumer> consumer_;
};

}  // namespace shop
