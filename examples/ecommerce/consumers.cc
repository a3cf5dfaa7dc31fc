#include "consumers.h"

#include <functional>

#include "order.h"
#include "order_service.h"

namespace shop {
namespace {

using ternmq::ConsumeResult;
using ternmq::MessageView;

// One push consumer of `group` for `tag` on the orders topic, handing each
// message to `handle` (batches of one message).
ternmq::Result<std::unique_ptr<ternmq::PushConsumer>> StartConsumer(
    const ConsumerOptions& options, const std::string& group, const std::string& tag,
    std::function<ConsumeResult(const MessageView&)> handle) {
  ternmq::PushConsumerOptions o;
  o.group = group;
  o.name_servers = {options.name_server};
  // A new group reads what is already there: orders may be placed before
  // the group first joined. (Afterwards the group's committed offsets count.)
  o.consume_from_where = ternmq::ConsumeFromWhere::kFirstOffset;
  o.consume_threads = 4;
  o.max_reconsume_times = options.max_reconsume_times;
  o.rebalance_interval_ms = options.rebalance_interval_ms;
  o.persist_offset_interval_ms = 1000;
  auto consumer = ternmq::PushConsumer::Create(o);
  if (!consumer.ok()) return consumer.status();
  if (ternmq::Status st = (*consumer)->Subscribe(options.topic, tag); !st.ok()) return st;
  ternmq::Status listening =
      (*consumer)->SetListener([handle = std::move(handle)](const std::vector<MessageView>& msgs) {
        for (const MessageView& m : msgs) {
          if (handle(m) == ConsumeResult::kReconsumeLater) return ConsumeResult::kReconsumeLater;
        }
        return ConsumeResult::kSuccess;
      });
  if (!listening.ok()) return listening;
  if (ternmq::Status st = (*consumer)->Start(); !st.ok()) return st;
  return consumer;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

bool FailOnce::ShouldFail(const std::string& order_id) {
  if (!Chance(name_ + "/" + order_id, percent_)) return false;
  std::lock_guard<std::mutex> lock(mu_);
  return failed_.insert(order_id).second;
}

// ---- inventory -------------------------------------------------------------------------

ternmq::Result<std::unique_ptr<InventoryService>> InventoryService::Start(
    const ConsumerOptions& options, Ledger& stock, Tally& tally) {
  std::unique_ptr<InventoryService> s(new InventoryService(options, stock, tally));
  auto consumer = StartConsumer(options, kInventoryGroup, kOrderCreatedTag,
                                [svc = s.get()](const MessageView& m) { return svc->Handle(m); });
  if (!consumer.ok()) return consumer.status();
  s->consumer_ = std::move(consumer).value();
  return s;
}

InventoryService::~InventoryService() {
  if (consumer_) consumer_->Shutdown();
}

ConsumeResult InventoryService::Handle(const MessageView& msg) {
  auto order = DecodeOrder(msg.body);
  if (!order) return ConsumeResult::kSuccess;  // not an order: nothing to do, ever
  if (!StartsWith(order->id, options_.order_id_prefix)) return ConsumeResult::kSuccess;
  tally_.Add("inventory.delivery", order->id);
  // The deduplication key is the order id: whatever the delivery, one reservation.
  std::string dedup_key = order->id;
  if (options_.break_idempotency) dedup_key += "@" + std::to_string(msg.reconsume_times);
  auto applied = stock_.ApplyOnce(dedup_key, order->sku, -order->quantity,
                                  /*create_account=*/false);
  if (!applied.ok()) {
    tally_.Add("inventory.retry", order->id);
    return ConsumeResult::kReconsumeLater;  // local store trouble: try again later
  }
  switch (*applied) {
    case ApplyOutcome::kUnknownAccount:
      tally_.Add("inventory.retry", order->id);  // fails every time: the poison order
      tally_.Add("inventory.unknown_sku", order->id);
      return ConsumeResult::kReconsumeLater;
    case ApplyOutcome::kDuplicate:
      tally_.Add("inventory.duplicate", order->id);
      return ConsumeResult::kSuccess;
    case ApplyOutcome::kApplied:
      tally_.Add("inventory.reserved", order->id);
      break;
  }
  if (fail_once_.ShouldFail(order->id)) {
    tally_.Add("inventory.retry", order->id);  // "crashed" before acknowledging
    return ConsumeResult::kReconsumeLater;
  }
  return ConsumeResult::kSuccess;
}

// ---- points ----------------------------------------------------------------------------

ternmq::Result<std::unique_ptr<PointsService>> PointsService::Start(const ConsumerOptions& options,
                                                                    Ledger& points, Tally& tally) {
  std::unique_ptr<PointsService> s(new PointsService(options, points, tally));
  auto consumer = StartConsumer(options, kPointsGroup, kOrderCreatedTag,
                                [svc = s.get()](const MessageView& m) { return svc->Handle(m); });
  if (!consumer.ok()) return consumer.status();
  s->consumer_ = std::move(consumer).value();
  return s;
}

PointsService::~PointsService() {
  if (consumer_) consumer_->Shutdown();
}

ConsumeResult PointsService::Handle(const MessageView& msg) {
  auto order = DecodeOrder(msg.body);
  if (!order) return ConsumeResult::kSuccess;
  if (!StartsWith(order->id, options_.order_id_prefix)) return ConsumeResult::kSuccess;
  tally_.Add("points.delivery", order->id);
  auto applied = points_.ApplyOnce(order->id, order->customer, order->amount_cents / 100,
                                   /*create_account=*/true);
  if (!applied.ok()) {
    tally_.Add("points.retry", order->id);
    return ConsumeResult::kReconsumeLater;
  }
  tally_.Add(*applied == ApplyOutcome::kApplied ? "points.credited" : "points.duplicate",
             order->id);
  if (*applied == ApplyOutcome::kApplied && fail_once_.ShouldFail(order->id)) {
    tally_.Add("points.retry", order->id);
    return ConsumeResult::kReconsumeLater;
  }
  return ConsumeResult::kSuccess;
}

// ---- payment timeout -------------------------------------------------------------------

ternmq::Result<std::unique_ptr<PaymentTimeoutService>> PaymentTimeoutService::Start(
    const ConsumerOptions& options, OrderStore& orders, Tally& tally) {
  std::unique_ptr<PaymentTimeoutService> s(new PaymentTimeoutService(options, orders, tally));
  auto consumer = StartConsumer(options, kTimeoutGroup, kCloseIfUnpaidTag,
                                [svc = s.get()](const MessageView& m) { return svc->Handle(m); });
  if (!consumer.ok()) return consumer.status();
  s->consumer_ = std::move(consumer).value();
  return s;
}

PaymentTimeoutService::~PaymentTimeoutService() {
  if (consumer_) consumer_->Shutdown();
}

ConsumeResult PaymentTimeoutService::Handle(const MessageView& msg) {
  if (msg.keys.empty()) return ConsumeResult::kSuccess;
  const std::string& order_id = msg.keys.front();
  if (!StartsWith(order_id, options_.order_id_prefix)) return ConsumeResult::kSuccess;
  tally_.Add("timeout.delivery", order_id);
  auto closed = orders_.CloseIfUnpaid(order_id);
  if (!closed.ok()) return ConsumeResult::kReconsumeLater;
  switch (*closed) {
    case CloseOutcome::kClosed:
      tally_.Add("timeout.closed", order_id);
      break;
    case CloseOutcome::kIgnoredPaid:
      tally_.Add("timeout.ignored_paid", order_id);
      break;
    case CloseOutcome::kAlreadyClosed:
      tally_.Add("timeout.duplicate", order_id);
      break;
    case CloseOutcome::kNoSuchOrder:
      tally_.Add("timeout.no_order", order_id);
      break;
  }
  return ConsumeResult::kSuccess;
}

}  // namespace shop
