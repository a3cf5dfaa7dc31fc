// TransactionListener: the application's side of a transactional send
// (transaction_producer.h).
//
//   class OrderListener : public ternmq::TransactionListener {
//     ternmq::TransactionState ExecuteLocal(const ternmq::Message& m, void* arg) override {
//       return db.InsertOrder(*static_cast<Order*>(arg)) ? kCommit : kRollback;
//     }
//     ternmq::TransactionState Check(const ternmq::MessageView& m) override {
//       return db.OrderExists(m.keys) ? kCommit : kRollback;  // or kUnknown: ask again later
//     }
//   };
//
// Threading: ExecuteLocal runs on the thread calling
// TransactionProducer::SendInTransaction. Check runs on a thread of the
// producer's check pool (ProducerOptions::callback_threads threads,
// "ternmq-txcheck-N"), possibly concurrently with ExecuteLocal and with other
// Checks; it must be thread-safe. Neither may call Shutdown().
#pragma once

#include <cstdint>
#include <string_view>

#include "ternmq/message.h"

namespace ternmq {

enum class TransactionState : uint8_t {
  kCommit,    // deliver the message to its topic
  kRollback,  // drop it; it is never delivered
  kUnknown,   // undecided: the broker asks Check() again later
};

// "COMMIT_MESSAGE", "ROLLBACK_MESSAGE", "UNKNOW" (RocketMQ's names).
std::string_view TransactionStateName(TransactionState state);

class TransactionListener {
 public:
  virtual ~TransactionListener() = default;

  // Runs the local transaction for the half message just stored. `arg` is the
  // SendInTransaction argument, passed through untouched.
  virtual TransactionState ExecuteLocal(const Message& msg, void* arg) = 0;

  // The broker asks for the outcome of a transaction still undecided after
  // its transaction timeout (ExecuteLocal answered kUnknown, or the decision
  // was lost). `msg` is the half message as stored (topic = the real topic,
  // msg_id = the UNIQ_KEY of the send, properties and keys as sent).
  virtual TransactionState Check(const MessageView& msg) = 0;
};

}  // namespace ternmq
