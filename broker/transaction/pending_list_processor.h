// QUERY_TRANSACTION_PENDING (TernMQ request code 5002, src/protocol/codes.h):
// the pending transactions of the TransactionTable for operators
// (`mqadmin queryTransPending`).
//
//   request  ext fields: producerGroup (optional: every group), topic
//            (optional: the real topic), maxCount (optional, 1..10000,
//            default 1000)
//   response SUCCESS, ext field pendingTotal = pending transactions of every
//            group; body = JSON array, oldest half offset first, of
//            {"msgId","topic","queueId","commitLogOffset","producerGroup",
//             "bornTimestamp","checkTimes","nextCheckTimestamp",
//             "halfQueueOffset"} (msgId = UNIQ_KEY, topic/queueId = the real
//            ones); INVALID_PARAMETER (29) for a bad maxCount.
// An entry being checked at that very moment (taken out of the table for the
// round) is missing from one answer.
//
// Threads: Handle() on the loop thread; it reads the table in pages of 1024
// under its lock and the half records (mapped memory) outside it. The service
// must outlive the processor.
#pragma once

#include "broker/transaction/transaction_service.h"
#include "src/remoting/rpc_server.h"

namespace tern::transaction {

inline constexpr int64_t kPendingListDefaultMax = 1000;
inline constexpr int64_t kPendingListMaxCount = 10'000;

class PendingListProcessor {
 public:
  explicit PendingListProcessor(TransactionService& service) : service_(service) {}

  // Registers kQueryTransactionPending (sync).
  void Register(remoting::RpcServer& server);
  Result<remoting::RemotingCommand> Handle(const remoting::RemotingCommand& request);

 private:
  TransactionService& service_;
};

}  // namespace tern::transaction
