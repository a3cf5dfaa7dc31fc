#include "broker/processor/end_transaction_processor.h"

#include <fmt/format.h>

#include "broker/processor/response_util.h"
#include "broker/processor/send_processor.h"
#include "src/base/logging.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"

namespace tern::processor {

using remoting::RemotingCommand;
using transaction::DecideOutcome;
using transaction::Decision;
namespace RC = protocol::ResponseCode;
namespace SF = protocol::MessageSysFlag;

namespace {

constexpr int32_t kCommitOrRollbackCommit = SF::kTransactionCommit;      // 8
constexpr int32_t kCommitOrRollbackRollback = SF::kTransactionRollback;  // 12

struct EndHeader {
  std::string producer_group;
  int64_t tran_state_table_offset = 0;
  int64_t commit_log_offset = 0;
  int32_t commit_or_rollback = 0;
  bool from_check = false;
  std::string msg_id;
  std::string transaction_id;
};

Result<EndHeader> ParseEndHeader(const RemotingCommand& r) {
  EndHeader h;
  TERN_ASSIGN_OR_RETURN(h.producer_group, r.RequiredString("producerGroup"));
  TERN_ASSIGN_OR_RETURN(h.tran_state_table_offset, r.RequiredInt64("tranStateTableOffset"));
  TERN_ASSIGN_OR_RETURN(h.commit_log_offset, r.RequiredInt64("commitLogOffset"));
  TERN_ASSIGN_OR_RETURN(h.commit_or_rollback, r.RequiredInt32("commitOrRollback"));
  h.from_check = r.BoolOr("fromTransactionCheck", false);
  if (auto v = r.Field("msgId")) h.msg_id = std::string(*v);
  if (auto v = r.Field("transactionId")) h.transaction_id = std::string(*v);
  return h;
}

// The record RESUME_CHECK_HALF_MESSAGE names: the record at an offset msgId
// (RocketMQ's form), else the newest copy in TRANS_CHECK_MAX_TIME_TOPIC whose
// UNIQ_KEY is `msg_id` (TernMQ: the transaction id the producer knows; needs
// the key index). Both are 32 hex digits, so an offset id that does not lead
// to a parked copy is tried as a key too.
Result<store::LogView> FindParked(const store::MessageStore& store, const std::string& msg_id) {
  Result<store::LogView> by_offset =
      Status::NotFound(fmt::format("no message with msgId {}", msg_id));
  if (auto id = protocol::DecodeOffsetMessageId(msg_id); id.ok()) {
    auto view = store.LookMessageByOffset(id->offset);
    if (view.ok()) {
      auto rec = protocol::DecodeMessageRecord(view->data());
      if (rec.ok() && rec->topic == transaction::kCheckMaxTimeTopic) return view;
      if (rec.ok()) by_offset = std::move(view);  // BuildResumeRecord names its topic
    }
  }
  store::QueryMessageResult found =
      store.QueryMessageByUniqueKey(transaction::kCheckMaxTimeTopic, msg_id, 0, INT64_MAX);
  std::optional<store::LogView> newest;
  for (store::LogView& v : found.messages) {
    auto rec = protocol::DecodeMessageRecord(v.data());
    if (!rec.ok() || rec->topic != transaction::kCheckMaxTimeTopic ||
        protocol::FindProperty(rec->properties,
                               protocol::PropertyKey::kUniqClientMessageIdKeyIdx) != msg_id) {
      continue;
    }
    if (!newest || v.offset() > newest->offset()) newest = std::move(v);
  }
  if (newest) return std::move(*newest);
  return by_offset;
}

}  // namespace

struct EndTransactionProcessor::Commit {
  QueueOffset half{0};
  std::optional<transaction::PendingTransaction> removed;
  RemotingCommand response;
  remoting::Responder responder;
};

EndTransactionProcessor::EndTransactionProcessor(transaction::TransactionService& service,
                                                 net::EventLoop& loop,
                                                 EndTransactionOptions options)
    : service_(service),
      table_(service.table()),
      store_(service.store()),
      loop_(loop),
      options_(options) {}

void EndTransactionProcessor::Register(remoting::RpcServer& server) {
  server.RegisterAsync(protocol::RequestCode::kEndTransaction,
                       [this](const remoting::RequestContext& ctx, RemotingCommand request,
                              remoting::Responder responder) {
                         HandleEndTransaction(ctx, std::move(request), std::move(responder));
                       });
  server.RegisterAsync(protocol::RequestCode::kResumeCheckHalfMessage,
                       [this](const remoting::RequestContext& ctx, RemotingCommand request,
                              remoting::Responder responder) {
                         HandleResume(ctx, std::move(request), std::move(responder));
                       });
}

void EndTransactionProcessor::HandleEndTransaction(const remoting::RequestContext& ctx,
                                                   RemotingCommand request,
                                                   remoting::Responder responder) {
  auto header = ParseEndHeader(request);
  if (!header.ok()) {
    responder.Reply(MakeResponse(request, RC::kSystemError, header.status().message()));
    return;
  }
  if (options_.slave) {
    responder.Reply(MakeResponse(request, RC::kSlaveNotAvailable,
                                 "Slave broker does not support end transaction"));
    return;
  }
  const EndHeader& h = *header;
  Decision decision;
  if (h.commit_or_rollback == kCommitOrRollbackCommit) {
    decision = Decision::kCommit;
  } else if (h.commit_or_rollback == kCommitOrRollbackRollback) {
    decision = Decision::kRollback;
  } else {  // UNKNOWN (0) or junk: no action and, like Java, no response (Q6)
    TERN_LOG_DEBUG("END_TRANSACTION {} from {}: commitOrRollback {}, nothing to do", h.msg_id,
                   ctx.peer, h.commit_or_rollback);
    return;
  }

  auto view = store_.LookMessageByOffset(PhysicalOffset(h.commit_log_offset));
  auto half = view.ok() ? protocol::DecodeMessageRecord(view->data())
                        : Result<protocol::MessageRecord>(view.status());
  if (!half.ok() || half->topic != transaction::kHalfTopic) {
    responder.Reply(
        MakeResponse(request, RC::kSystemError, "Find prepared transaction message failed"));
    return;
  }
  auto group = protocol::FindProperty(half->properties, protocol::PropertyKey::kProducerGroup);
  if (!group || *group != h.producer_group) {
    responder.Reply(MakeResponse(request, RC::kSystemError, "The producer group wrong"));
    return;
  }
  if (half->queue_offset.value() != h.tran_state_table_offset) {
    responder.Reply(
        MakeResponse(request, RC::kSystemError, "The transaction state table offset wrong"));
    return;
  }
  if (half->physical_offset.value() != h.commit_log_offset) {
    responder.Reply(MakeResponse(request, RC::kSystemError, "The commit log offset wrong"));
    return;
  }

  const QueueOffset half_offset = half->queue_offset;
  transaction::DecideResult decided = table_.Decide(half_offset, decision);
  if (decided.outcome == DecideOutcome::kSame) {
    responder.Reply(MakeResponse(request, RC::kSuccess));  // idempotent: nothing written again
    return;
  }
  if (decided.outcome == DecideOutcome::kConflict) {
    service_.counters().refused.fetch_add(1, std::memory_order_relaxed);
    std::string remark = fmt::format(
        "the transaction {} (half offset {}) was already {}; {} refused", h.msg_id, half_offset,
        decided.existing == Decision::kCommit ? "committed" : "rolled back",
        transaction::DecisionName(decision));
    TERN_LOG_WARN("END_TRANSACTION from {} (group {}, fromTransactionCheck={}): {}", ctx.peer,
                  h.producer_group, h.from_check, remark);
    responder.Reply(MakeResponse(request, RC::kSystemError, std::move(remark)));
    return;
  }

  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  if (decision == Decision::kRollback) {
    WriteOp(half_offset, decision, std::move(decided.removed), std::move(response),
            std::move(responder));
    return;
  }
  auto record = transaction::BuildCommitRecord(*half);
  if (!record.ok()) {
    table_.Undecide(half_offset, std::move(decided.removed));
    responder.Reply(MakeResponse(request, RC::kSystemError, record.status().message()));
    return;
  }
  Commit commit{half_offset, std::move(decided.removed), std::move(response), std::move(responder)};
  store_.commit_log().Submit(
      record->AsRecord(), /*wait_for_flush=*/true,
      [this, commit = std::move(commit)](store::PutResult result) mutable {
        // Writer/flush thread: the op record must not be submitted from here.
        loop_.TryPost([this, commit = std::move(commit), result = std::move(result)]() mutable {
          OnCommitStored(std::move(commit), std::move(result));
        });
      });
}

void EndTransactionProcessor::OnCommitStored(Commit commit, store::PutResult result) {
  if (!result.stored()) {
    table_.Undecide(commit.half, std::move(commit.removed));
    SendOutcome outcome = MapPutResult(result, INT32_MAX);
    TERN_LOG_WARN("committing half offset {} failed: {}", commit.half, outcome.remark);
    commit.response.code = outcome.code;
    commit.response.remark = std::move(outcome.remark);
    commit.responder.Reply(std::move(commit.response));
    return;
  }
  service_.counters().committed.fetch_add(1, std::memory_order_relaxed);
  WriteOp(commit.half, Decision::kCommit, std::nullopt, std::move(commit.response),
          std::move(commit.responder));
}

void EndTransactionProcessor::WriteOp(QueueOffset half, Decision d,
                                      std::optional<transaction::PendingTransaction> removed,
                                      RemotingCommand response, remoting::Responder responder) {
  transaction::OwnedRecord op = transaction::BuildOpRecord(
      half, d, store_.commit_log().options().store_host, service_.clock().NowMs());
  transaction::TransactionTable& table = table_;
  transaction::TransactionCounters& counters = service_.counters();
  store_.commit_log().Submit(
      op.AsRecord(), /*wait_for_flush=*/true,
      [&table, &counters, half, d, removed = std::move(removed), response = std::move(response),
       responder = std::move(responder)](store::PutResult result) mutable {
        if (result.stored()) {
          if (d == Decision::kRollback) {
            counters.rolled_back.fetch_add(1, std::memory_order_relaxed);
          }
          responder.Reply(std::move(response));
          return;
        }
        SendOutcome outcome = MapPutResult(result, INT32_MAX);
        if (d == Decision::kCommit) {
          // The message is delivered; only the record of it is missing. The
          // decision stays in memory; after a restart the checker would ask
          // the producer again.
          TERN_LOG_ERROR("op record of committed half offset {} not written: {}", half,
                         outcome.remark);
          responder.Reply(std::move(response));
          return;
        }
        table.Undecide(half, std::move(removed));
        response.code = outcome.code;
        response.remark = std::move(outcome.remark);
        responder.Reply(std::move(response));
      });
}

void EndTransactionProcessor::HandleResume(const remoting::RequestContext& /*ctx*/,
                                           RemotingCommand request, remoting::Responder responder) {
  auto msg_id = request.RequiredString("msgId");
  if (!msg_id.ok()) {
    responder.Reply(MakeResponse(request, RC::kSystemError, msg_id.status().message()));
    return;
  }
  auto view = FindParked(store_, *msg_id);
  auto rec = view.ok() ? protocol::DecodeMessageRecord(view->data())
                       : Result<protocol::MessageRecord>(view.status());
  if (!rec.ok()) {
    responder.Reply(MakeResponse(request, RC::kSystemError, rec.status().message()));
    return;
  }
  if (auto origin = transaction::DiscardedHalfOffset(*rec)) {
    if (auto d = table_.DecisionOf(QueueOffset(*origin))) {  // decided after it was parked
      responder.Reply(MakeResponse(
          request, RC::kSystemError,
          fmt::format("the transaction of half offset {} was already {}; nothing to resume",
                      *origin, *d == Decision::kCommit ? "committed" : "rolled back")));
      return;
    }
  }
  auto resumed = transaction::BuildResumeRecord(*rec);
  if (!resumed.ok()) {
    responder.Reply(MakeResponse(request, RC::kSystemError, resumed.status().message()));
    return;
  }
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  store_.commit_log().Submit(resumed->AsRecord(), /*wait_for_flush=*/true,
                             [response = std::move(response),
                              responder = std::move(responder)](store::PutResult result) mutable {
                               if (!result.stored()) {
                                 response.code = RC::kSystemError;
                                 response.remark =
                                     "Put message back to RMQ_SYS_TRANS_HALF_TOPIC failed.";
                               }
                               responder.Reply(std::move(response));
                             });
}

}  // namespace tern::processor
