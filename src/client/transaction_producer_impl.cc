#include "src/client/transaction_producer_impl.h"

#include <utility>

#include "src/base/logging.h"
#include "src/client/pull_api.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_id.h"

namespace ternmq {

std::string_view TransactionStateName(TransactionState state) {
  switch (state) {
    case TransactionState::kCommit: return "COMMIT_MESSAGE";
    case TransactionState::kRollback: return "ROLLBACK_MESSAGE";
    case TransactionState::kUnknown: return "UNKNOW";
  }
  return "UNKNOW";
}

Result<std::unique_ptr<TransactionProducer>> TransactionProducer::Create(
    const ProducerOptions& options, TransactionListener* listener) {
  if (auto st = tern::client::ValidateProducerOptions(options); !st.ok()) return st;
  if (listener == nullptr) {
    return Status(StatusCode::kInvalidArgument, "TransactionListener is null");
  }
  return std::unique_ptr<TransactionProducer>(new tern::client::TransactionProducerImpl(
      options, listener, tern::SystemClock::Instance()));
}

}  // namespace ternmq

namespace tern::client {

using remoting::RemotingCommand;

int32_t CommitOrRollbackOf(ternmq::TransactionState state) {
  switch (state) {
    case ternmq::TransactionState::kCommit: return protocol::MessageSysFlag::kTransactionCommit;
    case ternmq::TransactionState::kRollback: return protocol::MessageSysFlag::kTransactionRollback;
    case ternmq::TransactionState::kUnknown: return protocol::MessageSysFlag::kTransactionNotType;
  }
  return protocol::MessageSysFlag::kTransactionNotType;
}

RemotingCommand BuildEndTransactionRequest(const EndTransactionArgs& args) {
  auto req = RemotingCommand::Request(protocol::RequestCode::kEndTransaction);
  req.SetField("producerGroup", args.producer_group);
  req.SetField("tranStateTableOffset", args.tran_state_table_offset);
  req.SetField("commitLogOffset", args.commit_log_offset);
  req.SetField("commitOrRollback", static_cast<int64_t>(CommitOrRollbackOf(args.state)));
  req.SetField("fromTransactionCheck", args.from_transaction_check);
  req.SetField("msgId", args.msg_id);
  if (!args.transaction_id.empty()) req.SetField("transactionId", args.transaction_id);
  return req;
}

TransactionProducerImpl::TransactionProducerImpl(const ternmq::ProducerOptions& options,
                                                 ternmq::TransactionListener* listener,
                                                 const Clock& clock)
    : group_(options.group),
      check_threads_(options.callback_threads),
      listener_(listener),
      producer_(options, clock),
      check_pool_("ternmq-txcheck") {}

TransactionProducerImpl::~TransactionProducerImpl() { Shutdown(); }

ternmq::Status TransactionProducerImpl::Start() {
  if (auto st = producer_.Start(); !st.ok()) return st;
  check_pool_.Start(check_threads_);
  instance_ = producer_.instance();
  auto st = instance_->RegisterTransactionChecker(
      group_, [this](const std::string& addr, const RemotingCommand& request) {
        OnCheck(addr, request);
      });
  if (!st.ok()) {
    instance_ = nullptr;
    check_pool_.Stop();
    producer_.Shutdown();
  }
  return st;
}

void TransactionProducerImpl::Shutdown() {
  if (instance_ != nullptr) {
    instance_->UnregisterTransactionChecker(group_);  // no new checks reach the pool
    instance_ = nullptr;
  }
  check_pool_.Stop();  // runs the checks already queued
  producer_.Shutdown();
}

ternmq::Result<ternmq::TransactionSendResult> TransactionProducerImpl::SendInTransaction(
    const ternmq::Message& msg, void* arg) {
  auto sent = producer_.SendHalf(msg);
  if (!sent.ok()) return sent.status();
  ternmq::TransactionSendResult result;
  result.send = std::move(*sent);
  result.state = listener_->ExecuteLocal(msg, arg);

  EndTransactionArgs args;
  args.producer_group = group_;
  args.tran_state_table_offset = result.send.queue_offset;
  args.state = result.state;
  args.msg_id = result.send.msg_id;
  args.transaction_id = result.send.transaction_id;
  auto offset_id = protocol::DecodeOffsetMessageId(result.send.offset_msg_id);
  ClientInstance* instance = producer_.instance();
  auto addr = instance == nullptr ? std::nullopt
                                  : instance->MasterAddress(result.send.queue.broker_name);
  if (!offset_id.ok() || !addr) {
    // The broker will check back; the send itself succeeded.
    TERN_LOG_WARN("transaction {}: cannot send END_TRANSACTION (offset msgId \"{}\", broker {})",
                  result.send.msg_id, result.send.offset_msg_id, result.send.queue.broker_name);
    return result;
  }
  args.commit_log_offset = offset_id->offset.value();
  instance->rpc().InvokeOneway(*addr, BuildEndTransactionRequest(args));
  return result;
}

void TransactionProducerImpl::OnCheck(const std::string& broker_addr,
                                      const RemotingCommand& request) {
  auto decoded = DecodePulledMessages(request.body, request.StringOr("bname", ""));
  if (!decoded.ok() || decoded->size() != 1) {
    TERN_LOG_WARN("CHECK_TRANSACTION_STATE from {}: undecodable body, dropped", broker_addr);
    return;
  }
  ternmq::MessageView view = std::move(decoded->front());
  auto pgroup = view.properties.find(std::string(protocol::PropertyKey::kProducerGroup));
  if (pgroup == view.properties.end() || pgroup->second != group_) return;  // another group's

  auto tran_offset = request.Int64Or("tranStateTableOffset", -1);
  auto log_offset = request.Int64Or("commitLogOffset", -1);
  if (!tran_offset.ok() || !log_offset.ok() || *tran_offset < 0 || *log_offset < 0) {
    TERN_LOG_WARN("CHECK_TRANSACTION_STATE from {}: bad offsets, dropped", broker_addr);
    return;
  }
  EndTransactionArgs args;
  args.producer_group = group_;
  args.tran_state_table_offset = *tran_offset;
  args.commit_log_offset = *log_offset;
  args.from_transaction_check = true;
  args.transaction_id = request.StringOr("transactionId", "");
  args.msg_id = view.properties.count(std::string(protocol::PropertyKey::kUniqClientMessageIdKeyIdx))
                    ? view.properties[std::string(protocol::PropertyKey::kUniqClientMessageIdKeyIdx)]
                    : request.StringOr("msgId", "");
  remoting::RpcClient* rpc = &producer_.instance()->rpc();
  check_pool_.Post([this, rpc, broker_addr, view = std::move(view), args = std::move(args)]() mutable {
    args.state = listener_->Check(view);
    rpc->InvokeOneway(broker_addr, BuildEndTransactionRequest(args));
  });
}

}  // namespace tern::client
