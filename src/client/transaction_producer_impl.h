// TransactionProducerImpl: the ternmq::TransactionProducer behind
// TransactionProducer::Create(). Composes a ProducerImpl (which sends the half
// message, ProducerImpl::SendHalf) with the transaction protocol: the
// END_TRANSACTION (37) request after ExecuteLocal, and the answer to the
// broker's CHECK_TRANSACTION_STATE (39), registered on the ClientInstance.
//
// Threads: SendInTransaction and ExecuteLocal on the caller's thread. A check
// arrives on the client's loop thread, where it is decoded and filtered
// (PGROUP must be this producer's group, else dropped), then Check and the
// END_TRANSACTION oneway run on the check pool ("ternmq-txcheck-N",
// callback_threads workers). Shutdown unregisters the checker (waiting for
// a dispatch in progress), drains the pool, then shuts the ProducerImpl down.
#pragma once

#include <memory>
#include <string>

#include "src/client/callback_executor.h"
#include "src/client/producer_impl.h"
#include "src/remoting/remoting_command.h"
#include "ternmq/transaction_producer.h"

namespace tern::client {

// END_TRANSACTION's commitOrRollback for a state: 8 commit, 12 rollback, 0 unknown.
int32_t CommitOrRollbackOf(ternmq::TransactionState state);

// The END_TRANSACTION (37) request header (requests.md §B.12).
struct EndTransactionArgs {
  std::string producer_group;
  int64_t tran_state_table_offset = 0;
  int64_t commit_log_offset = 0;
  ternmq::TransactionState state = ternmq::TransactionState::kUnknown;
  bool from_transaction_check = false;
  std::string msg_id;          // UNIQ_KEY
  std::string transaction_id;  // empty: not sent
};
remoting::RemotingCommand BuildEndTransactionRequest(const EndTransactionArgs& args);

class TransactionProducerImpl final : public ternmq::TransactionProducer {
 public:
  // REQUIRES: ValidateProducerOptions(options).ok(), listener != nullptr.
  TransactionProducerImpl(const ternmq::ProducerOptions& options,
                          ternmq::TransactionListener* listener, const Clock& clock);
  ~TransactionProducerImpl() override;

  ternmq::Status Start() override;
  void Shutdown() override;
  ternmq::Result<ternmq::TransactionSendResult> SendInTransaction(const ternmq::Message& msg,
                                                                  void* arg) override;
  const std::string& client_id() const override { return producer_.client_id(); }

 private:
  // Loop thread: a CHECK_TRANSACTION_STATE from the broker at `broker_addr`.
  void OnCheck(const std::string& broker_addr, const remoting::RemotingCommand& request);

  const std::string group_;
  const int32_t check_threads_;
  ternmq::TransactionListener* const listener_;
  ProducerImpl producer_;
  CallbackExecutor check_pool_;
  ClientInstance* instance_ = nullptr;  // set by Start() while the checker is registered
};

}  // namespace tern::client
