#include "order_service.h"

#include <chrono>

namespace shop {
namespace {

// The SendInTransaction argument: handed through to ExecuteLocal untouched.
struct LocalTransaction {
  const Order* order;
  LocalOutcome outcome;
  ternmq::Status store_error;  // set by ExecuteLocal when the store failed
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ternmq::Result<std::unique_ptr<OrderService>> OrderService::Start(
    const OrderServiceOptions& options, OrderStore& store, Tally& tally) {
  std::unique_ptr<OrderService> service(new OrderService(options, store, tally));
  ternmq::ProducerOptions tx_options;
  tx_options.group = options.group;  // the broker sends check-backs to this group
  tx_options.name_servers = {options.name_server};
  tx_options.callback_threads = 2;  // the check pool
  auto tx = ternmq::TransactionProducer::Create(tx_options, service.get());
  if (!tx.ok()) return tx.status();
  service->tx_producer_ = std::move(tx).value();
  if (ternmq::Status st = service->tx_producer_->Start(); !st.ok()) return st;

  ternmq::ProducerOptions timer_options;
  timer_options.group = options.group + "-timer";
  timer_options.name_servers = {options.name_server};
  auto timer = ternmq::Producer::Create(timer_options);
  if (!timer.ok()) return timer.status();
  service->timer_producer_ = std::move(timer).value();
  if (ternmq::Status st = service->timer_producer_->Start(); !st.ok()) return st;
  return service;
}

OrderService::~OrderService() {
  // Shutdown waits for a Check in progress and stops further ones, so no
  // callback runs once the members below are gone.
  if (tx_producer_) tx_producer_->Shutdown();
  if (timer_producer_) timer_producer_->Shutdown();
}

ternmq::Result<OrderService::Placed> OrderService::PlaceOrder(const Order& order,
                                                              LocalOutcome outcome) {
  ternmq::Message created;
  created.topic = options_.topic;
  created.tags = kOrderCreatedTag;
  created.keys = {order.id};  // Check() finds the row by it; consumers deduplicate by it
  created.body = EncodeOrder(order);
  LocalTransaction tx{&order, outcome, ternmq::Status::Ok()};
  auto sent = tx_producer_->SendInTransaction(created, &tx);
  if (!sent.ok()) return sent.status();  // no half message: ExecuteLocal did not run
  if (!tx.store_error.ok()) return tx.store_error;
  tally_.Add("placed", order.id);
  Placed placed = Placed::kCommitted;
  switch (sent->state) {
    case ternmq::TransactionState::kCommit:
      tally_.Add("tx.commit", order.id);
      break;
    case ternmq::TransactionState::kRollback:
      tally_.Add("tx.rollback", order.id);
      return Placed::kRolledBack;  // no order, so no payment timeout either
    case ternmq::TransactionState::kUnknown:
      tally_.Add("tx.unknown", order.id);
      placed = Placed::kUnsure;
      break;
  }
  // The order exists: start its payment timer. (A crash right here leaves
  // an order without a timer; a real service would also sweep old unpaid
  // rows, or write an outbox row in the same local transaction.)
  if (ternmq::Status st = ScheduleClose(order); !st.ok()) return st;
  return placed;
}

ternmq::Status OrderService::ScheduleClose(const Order& order) {
  ternmq::Message close;
  close.topic = options_.topic;
  close.tags = kCloseIfUnpaidTag;
  close.keys = {order.id};
  close.body = order.id;
  close.delivery_time_ms = NowMs() + options_.close_after_ms;  // a RocketMQ 5 timer message
  auto sent = timer_producer_->Send(close);
  if (!sent.ok()) return sent.status();
  tally_.Add("close.scheduled", order.id);
  // Kept with the order: Producer::CancelScheduled(topic, msg_id) could
  // withdraw the timer once paid. The demo lets it fire instead, to show
  // that the consumer ignores paid orders.
  return store_.SetCloseMessageId(order.id, sent->msg_id);
}

ternmq::Result<PayOutcome> OrderService::Pay(const std::string& order_id) {
  auto paid = store_.Pay(order_id);
  if (paid.ok() && *paid == PayOutcome::kPaid) tally_.Add("paid", order_id);
  return paid;
}

ternmq::TransactionState OrderService::ExecuteLocal(const ternmq::Message& /*msg*/, void* arg) {
  auto* tx = static_cast<LocalTransaction*>(arg);
  if (tx->outcome == LocalOutcome::kFail) {
    return ternmq::TransactionState::kRollback;  // nothing was written
  }
  if (ternmq::Status st = store_.Insert(*tx->order); !st.ok()) {
    tx->store_error = st;  // nothing was written either
    return ternmq::TransactionState::kRollback;
  }
  if (tx->outcome == LocalOutcome::kCommitUnsure) {
    return ternmq::TransactionState::kUnknown;  // the broker will ask Check()
  }
  return ternmq::TransactionState::kCommit;
}

ternmq::TransactionState OrderService::Check(const ternmq::MessageView& msg) {
  if (msg.keys.empty()) return ternmq::TransactionState::kRollback;  // not one of ours
  const std::string& order_id = msg.keys.front();
  auto row = store_.Find(order_id);
  if (!row.ok()) {
    tally_.Add("check.unknown", order_id);
    return ternmq::TransactionState::kUnknown;  // store down: ask again later
  }
  tally_.Add(*row ? "check.commit" : "check.rollback", order_id);
  return *row ? ternmq::TransactionState::kCommit : ternmq::TransactionState::kRollback;
}

}  // namespace shop
