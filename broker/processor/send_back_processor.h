// CONSUMER_SEND_MSG_BACK (36): a consumer could not process a message and
// hands it back (shared/spec/requests.md §B.11, features.md §3; quirks Q24,
// Q31, Q32). RocketMQ 4.9 SendMessageProcessor.asyncConsumerSendMsgBack:
//
//   header -> group (found or auto-created, else SUBSCRIPTION_GROUP_NOT_EXIST)
//   -> broker PERM_WRITE (NO_PERMISSION) -> retryQueueNums <= 0: SUCCESS,
//   nothing stored -> %RETRY%<group> created on demand (retryQueueNums
//   queues, RW; unit-sub flag in unit mode) and writable -> the record at the
//   header's commit-log offset (SYSTEM_ERROR `look message by offset failed,
//   <offset>`) -> retry::PlanSendBack / BuildSendBackMessage: to the retry
//   topic (random retry queue, DELAY = level, so the schedule hook parks it
//   on SCHEDULE_TOPIC_XXXX until the level's delay passed) or to %DLQ%<group>
//   queue 0 (created on demand, DELAY = 0) -> append -> PUT_OK: SUCCESS, any
//   other put status: SYSTEM_ERROR with the status name.
//
// Threads: Handle() on the loop thread. The append goes through
// CommitLog::Submit (never waits for a flush: the copy has WAIT=false); its
// callback answers from the commit-log writer thread. Topic or group
// creation writes RocksDB on the loop thread (once per group). The
// referenced managers and store must outlive every pending send-back (stop
// the RpcServer, then close the store).
#pragma once

#include <functional>

#include "broker/processor/send_processor.h"
#include "broker/store/message_store.h"
#include "broker/topic/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

class SendBackProcessor {
 public:
  // The send path's schedule hook (delay::MakeSendHook): it turns DELAY into
  // a scheduled record. Unset: the copy is stored on %RETRY%<group> at once.
  using ScheduleHook = std::function<SendHookVerdict(OutgoingMessage&)>;

  // Uses options.broker_permission, broker_ip and stats (fed like a send's
  // put). Every reference must outlive the processor and all pending
  // send-backs.
  SendBackProcessor(topic::TopicConfigManager& topics, topic::SubscriptionGroupManager& groups,
                    store::MessageStore& store, SendOptions options, ScheduleHook schedule = {});

  // Registers code 36 (async handler).
  void Register(remoting::RpcServer& server);
  // brokerPermission changed by UPDATE_BROKER_CONFIG. Loop thread.
  void set_broker_permission(int32_t perm) { options_.broker_permission = perm; }

  // Loop thread. Answers through `responder` (maybe later, from another thread).
  void Handle(const remoting::RequestContext& ctx, remoting::RemotingCommand request,
              remoting::Responder responder);

 private:
  topic::TopicConfigManager& topics_;
  topic::SubscriptionGroupManager& groups_;
  store::MessageStore& store_;
  SendOptions options_;  // loop thread (broker_permission may change)
  const ScheduleHook schedule_;
};

}  // namespace tern::processor
