// END_TRANSACTION (37) and RESUME_CHECK_HALF_MESSAGE (323)
// (shared/spec/features.md §4.3, requests.md §B.12; quirks Q6, Q30).
//
// END_TRANSACTION: find the half record by commitLogOffset, validate the
// producer group and both offsets, then take the decision in the
// TransactionTable — first decision wins: a repeated identical decision is
// acknowledged (SUCCESS, nothing written: a commit is never delivered
// twice), a contradicting one is refused (SYSTEM_ERROR naming the earlier
// decision, logged). Commit appends the real message, then the op record;
// rollback appends the op record only. commitOrRollback 0 or unknown: no
// action and no response (Q6). Oneway requests are never answered.
//
// RESUME_CHECK_HALF_MESSAGE (header msgId = offset msgId of a message in
// TRANS_CHECK_MAX_TIME_TOPIC, or — TernMQ — the UNIQ_KEY of one, found through
// the key index (the newest copy); 5.x's header field topic is not needed):
// appends it again to the half queue, where the checker picks it up as a new
// pending transaction.
//
// Threads: handlers on the loop thread; appends go through CommitLog::Submit
// and their completions come back to `loop` with Post (a commit's op record
// is submitted from the loop, never from the writer thread). The service,
// the store and the loop must outlive the processor, and the loop must be
// stopped before the processor is destroyed.
#pragma once

#include <cstdint>
#include <string>

#include "broker/store/message_store.h"
#include "broker/transaction/transaction_service.h"
#include "src/net/event_loop.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

struct EndTransactionOptions {
  bool slave = false;  // brokerRole SLAVE: END_TRANSACTION answers SLAVE_NOT_AVAILABLE
};

class EndTransactionProcessor {
 public:
  EndTransactionProcessor(transaction::TransactionService& service, net::EventLoop& loop,
                          EndTransactionOptions options = {});

  // Registers codes 37 and 323 (async handlers).
  void Register(remoting::RpcServer& server);

  // Loop thread.
  void HandleEndTransaction(const remoting::RequestContext& ctx, remoting::RemotingCommand request,
                            remoting::Responder responder);
  void HandleResume(const remoting::RequestContext& ctx, remoting::RemotingCommand request,
                    remoting::Responder responder);

 private:
  struct Commit;
  // Loop thread: the real message of a commit is stored; write the op record.
  void OnCommitStored(Commit commit, store::PutResult result);
  // Submits the op record; answers `responder` when it is stored.
  void WriteOp(QueueOffset half, transaction::Decision d,
               std::optional<transaction::PendingTransaction> removed,
               remoting::RemotingCommand response, remoting::Responder responder);

  transaction::TransactionService& service_;
  transaction::TransactionTable& table_;
  store::MessageStore& store_;
  net::EventLoop& loop_;
  const EndTransactionOptions options_;
};

}  // namespace tern::processor
