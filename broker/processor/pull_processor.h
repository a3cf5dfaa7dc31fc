// PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361) (shared/spec/requests.md §B.2,
// storage.md §9-10; quirks Q11, Q19, Q20, Q21, Q38).
//
// Checks broker/group/topic permissions and the queue id, takes the
// subscription from the request (flag 0x4) or from the consumer's heartbeat
// (SubscriptionLookup), reads the store with a tag filter (hash in the consume
// queue, then an exact TAGS compare), maps the read status to 0/19/20/21 with
// nextBeginOffset/minOffset/maxOffset/suggestWhichBrokerId always present,
// commits the consumer's offset (flag 0x1), and parks PULL_NOT_FOUND answers
// with the suspend flag (0x2) in the PullRequestHoldService it owns.
//
// The body is the stored records back to back, not copied: slices of the
// mapped log with a keep-alive holder, written by the connection and released
// in its write callback (RecordSlices in response_util.h).
//
// Threads: loop thread only (Handle, the re-executions of parked pulls, and
// the hold service's sweep). Reads touch the mapped log on the loop thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "broker/longpoll/pull_request_hold_service.h"
#include "broker/meta/consumer_offset_table.h"
#include "broker/processor/broker_stats.h"
#include "broker/processor/subscription_lookup.h"
#include "broker/store/message_store.h"
#include "broker/topic/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "src/base/clock.h"
#include "src/protocol/pull_headers.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

struct PullOptions {
  int32_t broker_permission = 6;        // brokerPermission
  std::string broker_ip = "127.0.0.1";  // brokerIP1, for remarks
  bool is_master = true;                // offsets are committed on a master only
  bool enable_property_filter = false;  // SQL92 is not supported either way
  longpoll::HoldOptions hold;           // longPollingEnable, shortPollingTimeMills, ...
  // Optional: OnGet for a pull answered with messages, OnGetMiss for one
  // answered without (a parked pull counts when it is finally answered).
  // Must outlive the processor.
  BrokerStats* stats = nullptr;
};

class PullProcessor {
 public:
  // Every reference must outlive the processor. `subscriptions` may be null
  // (then only pulls carrying their subscription, flag 0x4, are served).
  PullProcessor(store::MessageStore& store, topic::TopicConfigManager& topics,
                topic::SubscriptionGroupManager& groups, meta::ConsumerOffsetTable& offsets,
                const SubscriptionLookup* subscriptions, const Clock& clock, PullOptions options);

  // Registers codes 11 and 361 (async handlers).
  void Register(remoting::RpcServer& server);
  // brokerPermission changed by UPDATE_BROKER_CONFIG. Loop thread.
  void set_broker_permission(int32_t perm) { options_.broker_permission = perm; }

  void Handle(const remoting::RequestContext& ctx, remoting::RemotingCommand request,
              remoting::Responder responder);

  // Long polling: Start() it on the loop, give its ArrivalListener() to the
  // store, Stop() it on the loop before the server stops.
  longpoll::PullRequestHoldService& hold_service() { return hold_; }

 private:
  // Runs the pull. Returns the response, or nullopt when the request was
  // parked (allow_suspend only); `responder` is then moved into the hold service.
  std::optional<remoting::RemotingCommand> Process(const remoting::RequestContext& ctx,
                                                   remoting::RemotingCommand& request,
                                                   remoting::Responder& responder,
                                                   bool allow_suspend);
  void Rerun(longpoll::ParkedPull pull);

  store::MessageStore& store_;
  topic::TopicConfigManager& topics_;
  topic::SubscriptionGroupManager& groups_;
  meta::ConsumerOffsetTable& offsets_;
  const SubscriptionLookup* subscriptions_;
  PullOptions options_;  // loop thread (broker_permission may change)
  longpoll::PullRequestHoldService hold_;
};

}  // namespace tern::processor
