// SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320)
// (shared/spec/requests.md §B.1; quirks Q11, Q12, Q17, Q18, Q41).
//
// On the loop thread: parse the header (V1 or V2 names by code), check the
// broker and topic permissions, validate the topic, auto-create it through
// the template (TBW102) or as a retry topic (on the broker-meta worker when
// SendOptions::meta_worker is set, the send parked meanwhile), pick the
// queue, redirect retry messages past their max reconsume times to
// %DLQ%<group>, check body and
// properties sizes, and build the record (born host = the TCP peer, CLUSTER
// added, WAIT removed but honoured). The append itself happens on the
// commit-log writer thread (CommitLog::Submit / SubmitBatch); its callback
// builds the response and answers through the Responder (any thread), so the
// loop never waits for the disk. The batch path is chosen by the header's
// batch flag on every code (Q41).
//
// The store host in every record and msgId is the CommitLog's
// `store_host` option: the wiring sets it to brokerIP1:listenPort (Q12).
//
// Threads: Handle() on the loop thread; the completion on the commit-log
// writer or flush thread. The referenced managers and store must outlive
// every pending send (stop the RpcServer, then close the store).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "broker/meta_worker.h"
#include "broker/processor/broker_stats.h"
#include "broker/store/message_store.h"
#include "broker/topic/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "src/base/status.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/send_headers.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

struct SendOptions {
  int32_t broker_permission = 6;        // brokerPermission
  std::string broker_ip = "127.0.0.1";  // brokerIP1, for remarks
  std::string cluster_name = "DefaultCluster";  // CLUSTER property
  std::string region_id = "DefaultRegion";      // MSG_REGION
  bool trace_on = true;                          // TRACE_ON
  int32_t max_message_size = 4 * 1024 * 1024;    // maxMessageSize (body)
  bool reject_transaction_message = false;       // rejectTransactionMessage
  bool generate_uniq_key = true;                 // 5.x: add UNIQ_KEY when a producer omits it
  // Optional, both or neither: topic auto-creation (an fsynced RocksDB write)
  // runs on `meta_worker`, and the send continues on `loop` (the loop thread
  // that calls Handle) once the topic exists. Sends to a topic with a
  // creation pending queue behind it, so a producer's order is kept. Unset:
  // the creation runs inline on the caller's thread (tests).
  broker::MetaWorker* meta_worker = nullptr;
  net::EventLoop* loop = nullptr;
  // Optional, with the two above: a send that auto-created its topic is
  // answered once the nameservers have the new route (PostAfterAnnounce),
  // or after `announce_wait_ms` if they do not confirm.
  broker::AnnounceTopics announce;
  int64_t announce_wait_ms = 1500;
  // Optional: fed from the send completion (OnPut per stored put, a batch
  // counting its messages; OnPutFailed when the store refuses one). Must
  // outlive every pending send. Any thread (BrokerStats is synchronized).
  BrokerStats* stats = nullptr;
};

// A single message about to be stored, owning its strings, so that a hook can
// rewrite it.
struct OutgoingMessage {
  std::string topic;
  QueueId queue_id{0};
  int32_t flag = 0;
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  protocol::HostAddress born_host;
  int32_t reconsume_times = 0;
  std::string body;
  std::string properties;  // serialized
  // A view of the fields for CommitLog::Submit (valid while *this lives).
  protocol::MessageRecord AsRecord() const;
};

// What SendHooks::schedule decides: ResponseCode::kSuccess (0) stores the
// (possibly rewritten) message; any other response code is answered with
// `remark` and nothing is stored (e.g. MESSAGE_ILLEGAL for a delivery time
// beyond the horizon).
struct SendHookVerdict {
  int32_t code = 0;
  std::string remark;
};

// Extension points for later features. Each runs on the loop thread before
// the append; an error Status answers SYSTEM_ERROR with its message.
struct SendHooks {
  // HOOK (transactions issue): a message with TRAN_MSG=true when
  // rejectTransactionMessage is off. Expected to turn it into a half message
  // (REAL_TOPIC/REAL_QID, topic RMQ_SYS_TRANS_HALF_TOPIC, queue 0, NOT_TYPE;
  // features.md §4.2). Unset: the record is stored with the producer's
  // PREPARED sysFlag, which the store never dispatches to a consume queue, so
  // consumers do not see it. The response's queueId stays the requested one.
  std::function<Status(OutgoingMessage&)> half_message;
  // HOOK (delay issue): a NOT_TYPE/COMMIT message whose DELAY property is > 0
  // (features.md §5: REAL_TOPIC/REAL_QID, SCHEDULE_TOPIC_XXXX, queue level-1).
  // Unset: stored to its own topic without delay.
  std::function<Status(OutgoingMessage&)> delay_level;
  // HOOK (delay issue; added by broker/delay because delay_level can neither
  // see the timer properties nor answer MESSAGE_ILLEGAL): scheduled delivery
  // for EVERY single NOT_TYPE/COMMIT message that is not transactional, not
  // only those with DELAY > 0. It handles the DELAY level and the timer
  // properties (TIMER_DELIVER_MS, TIMER_DELAY_SEC, TIMER_DELAY_MS,
  // __STARTDELIVERTIME): it may rewrite `msg` (to SCHEDULE_TOPIC_XXXX or the
  // timer topic, or strip the properties of a time already past) or refuse
  // it. When set, delay_level is not called. See broker/delay/README.md.
  std::function<SendHookVerdict(OutgoingMessage&)> schedule;
};

class SendProcessor {
 public:
  // Every reference must outlive the processor and all pending sends.
  SendProcessor(topic::TopicConfigManager& topics, topic::SubscriptionGroupManager& groups,
                store::MessageStore& store, SendOptions options, SendHooks hooks = {});

  // Registers codes 10, 310 and 320 (async handlers).
  void Register(remoting::RpcServer& server);

  // UPDATE_BROKER_CONFIG: the live keys (brokerPermission, maxMessageSize,
  // rejectTransactionMessage, regionId, traceOn) for the next request. The
  // other fields keep their start-up values. Loop thread.
  void UpdateLiveOptions(const SendOptions& live);

  // Loop thread. Answers through `responder` (maybe later, from another thread).
  void Handle(const remoting::RequestContext& ctx, remoting::RemotingCommand request,
              remoting::Responder responder);

 private:
  struct Checked;
  // What the broker-meta worker's auto-creation produced (any thread).
  using AutoCreated = Result<std::optional<protocol::TopicConfig>>;
  // Handle(), after an auto-creation on the worker when `created` is set.
  void HandleWith(const remoting::RequestContext& ctx, remoting::RemotingCommand request,
                  remoting::Responder responder, const AutoCreated* created);
  // Common checks; fills `out` or returns the error response. Sets
  // `*needs_create` (and returns nullopt) when the topic must first be
  // auto-created on the worker; `created` is that creation's outcome.
  std::optional<remoting::RemotingCommand> Check(const remoting::RequestContext& ctx,
                                                 const remoting::RemotingCommand& request,
                                                 const protocol::SendMessageRequestHeader& h,
                                                 const AutoCreated* created, bool* needs_create,
                                                 Checked* out);
  // createTopicInSendMessageMethod, then the retry-topic fallback. Any thread
  // (a durable write when it creates).
  AutoCreated AutoCreate(const std::string& topic, const protocol::SendMessageRequestHeader& h);
  void SendSingle(const remoting::RequestContext& ctx, remoting::RemotingCommand request,
                  const protocol::SendMessageRequestHeader& h, Checked& checked,
                  remoting::Responder responder);
  void SendBatch(const remoting::RequestContext& ctx, remoting::RemotingCommand request,
                 const protocol::SendMessageRequestHeader& h, Checked& checked,
                 remoting::Responder responder);
  // A response with MSG_REGION and TRACE_ON (always present, requests.md §B.1 step 1).
  remoting::RemotingCommand Response(const remoting::RemotingCommand& request, int32_t code,
                                     std::string remark = {}) const;
  std::string IllegalRemark() const;

  topic::TopicConfigManager& topics_;
  topic::SubscriptionGroupManager& groups_;
  store::MessageStore& store_;
  SendOptions options_;  // loop thread (UpdateLiveOptions)
  const SendHooks hooks_;
  // Topics with auto-creations in flight on the worker -> count. Loop thread.
  std::map<std::string, int, std::less<>> pending_creates_;
};

// PutResult -> response code and remark (requests.md §B.1 step 10). The four
// "stored" codes (0, 10, 11, 12) carry the response header.
struct SendOutcome {
  int32_t code;
  std::string remark;
};
SendOutcome MapPutResult(const store::PutResult& r, int32_t max_message_size);

}  // namespace tern::processor
