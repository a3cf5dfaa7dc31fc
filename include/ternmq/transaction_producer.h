// TransactionProducer: sends a message if and only if a local transaction
// commits (RocketMQ's transactional messages; broker/transaction/README.md).
//
//   OrderListener listener;                       // transaction_listener.h
//   auto producer = ternmq::TransactionProducer::Create(options, &listener);
//   (*producer)->Start();
//   ternmq::Message m;  m.topic = "orders";  m.body = order_created_json;
//   auto r = (*producer)->SendInTransaction(m, &order);
//   // r->state: what ExecuteLocal decided; the broker delivers m only on commit.
//
// SendInTransaction: (1) sends a half message (stored, invisible to
// consumers; like Producer::Send, retries included), (2) runs
// listener->ExecuteLocal(msg, arg) on the calling thread, (3) sends
// END_TRANSACTION oneway with its answer (commit, rollback, or unknown).
// A half message without a decision (unknown, a lost END_TRANSACTION, a
// crash between (1) and (3)) is checked back by the broker after its
// transaction timeout on a connection of this producer group; the producer
// runs listener->Check on its check pool and sends the answer.
//
// Threading: SendInTransaction may be called from any thread, concurrently.
// Start() and Shutdown() are called once each, not concurrently. The listener
// must outlive the producer.
#pragma once

#include <memory>

#include "ternmq/message.h"
#include "ternmq/producer.h"
#include "ternmq/status.h"
#include "ternmq/transaction_listener.h"

namespace ternmq {

struct TransactionSendResult {
  SendResult send;  // the half message's send (msg_id = UNIQ_KEY, queue_offset in the half queue)
  TransactionState state = TransactionState::kUnknown;  // what ExecuteLocal answered
};

class TransactionProducer {
 public:
  // Checks the options like Producer::Create; `listener` must not be null
  // (kInvalidArgument). Does not connect; call Start().
  static Result<std::unique_ptr<TransactionProducer>> Create(const ProducerOptions& options,
                                                             TransactionListener* listener);

  virtual ~TransactionProducer() = default;

  // Starts the producer and its check pool; fails with kIllegalState when called twice.
  virtual Status Start() = 0;
  // Stops answering checks (waits for a Check in progress), then shuts the
  // producer down. Idempotent.
  virtual void Shutdown() = 0;

  // See above. Errors: those of Producer::Send for the half message (then
  // ExecuteLocal is not called), and kIllegalState when not started. Once the
  // half message is stored the call succeeds: a failure to send
  // END_TRANSACTION is left to the broker's check.
  virtual Result<TransactionSendResult> SendInTransaction(const Message& msg, void* arg) = 0;

  // "ip@instance_name".
  virtual const std::string& client_id() const = 0;
};

}  // namespace ternmq
