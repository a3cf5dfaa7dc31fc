// ClientProcessor: the broker's client-management requests, one method per
// request code (shared/spec/requests.md):
//
//   34  HEART_BEAT                    §B.5   register producer/consumer channels
//   35  UNREGISTER_CLIENT             §B.6
//   38  GET_CONSUMER_LIST_BY_GROUP    §B.7   SYSTEM_ERROR when empty (quirks Q23)
//   46  CHECK_CLIENT_CONFIG           §B.14
//   41  LOCK_BATCH_MQ                 §B.13  features.md §7
//   42  UNLOCK_BATCH_MQ               §B.13
//   203 GET_CONSUMER_CONNECTION_LIST  §B.22
//   204 GET_PRODUCER_CONNECTION_LIST  §B.22
//
// Handlers take (RequestContext, RemotingCommand) and return the response; a
// malformed body or header is an error Status, which RpcServer answers as
// SYSTEM_ERROR with the message as remark. Handlers() lists them as data for
// the wiring (RegisterClientHandlers does the RpcServer registration).
//
// Threading: any thread; the managers are internally synchronized, except
// HeartBeatAsync (loop thread). The first heartbeat of a group creates the
// group and its retry topic (fsynced writes): with `meta_worker` set,
// HeartBeatAsync does that on the worker and finishes the heartbeat back on
// the loop; otherwise HeartBeat does it inline. All references must outlive
// the processor.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string_view>
#include <vector>

#include "broker/client/consumer_manager.h"
#include "broker/client/producer_manager.h"
#include "broker/client/rebalance_lock_manager.h"
#include "broker/meta_worker.h"
#include "broker/processor/client_hooks.h"
#include "src/base/clock.h"
#include "src/base/status.h"
#include "src/remoting/remoting_command.h"
#include "src/remoting/rpc_server.h"

namespace tern::broker {

struct ClientProcessorOptions {
  // enablePropertyFilter: SQL92 subscriptions allowed.
  bool enable_property_filter = false;
  // Compiles a non-TAG expression for CHECK_CLIENT_CONFIG when property
  // filtering is on; an error answers SUBSCRIPTION_PARSE_FAILED. Unset: accept.
  std::function<Status(std::string_view expression_type, std::string_view expression)>
      compile_filter;
  // Optional, both or neither: see HeartBeatAsync.
  MetaWorker* meta_worker = nullptr;
  net::EventLoop* loop = nullptr;
  // Optional, with the two above: a heartbeat that created a group's retry
  // topic is answered once the nameservers have its route (quirks Q24;
  // PostAfterAnnounce), or after `announce_wait_ms` if they do not confirm.
  AnnounceTopics announce;
  int64_t announce_wait_ms = 1500;
};

class ClientProcessor {
 public:
  ClientProcessor(ProducerManager& producers, ConsumerManager& consumers,
                  RebalanceLockManager& locks, SubscriptionGroupSource& groups,
                  RetryTopicCreator& retry_topics, const Clock& clock,
                  ClientProcessorOptions options = {});

  using Handler = Result<remoting::RemotingCommand> (ClientProcessor::*)(
      const remoting::RequestContext&, const remoting::RemotingCommand&);
  struct Entry {
    int32_t code;
    std::string_view name;
    Handler handler;
  };
  static const std::vector<Entry>& Handlers();
  bool has_meta_worker() const {
    return options_.meta_worker != nullptr && options_.loop != nullptr;
  }

  Result<remoting::RemotingCommand> HeartBeat(const remoting::RequestContext& ctx,
                                              const remoting::RemotingCommand& request);
  // HEART_BEAT as registered when `meta_worker` is set (loop thread): a
  // heartbeat that would create a consumer group or a retry topic has that
  // done on the worker first, then HeartBeat runs on the loop and answers.
  // Later heartbeats of the same connection queue behind it (order).
  void HeartBeatAsync(const remoting::RequestContext& ctx, remoting::RemotingCommand request,
                      remoting::Responder responder);
  Result<remoting::RemotingCommand> UnregisterClient(const remoting::RequestContext& ctx,
                                                     const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetConsumerListByGroup(
      const remoting::RequestContext& ctx, const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> CheckClientConfig(const remoting::RequestContext& ctx,
                                                      const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> LockBatchMq(const remoting::RequestContext& ctx,
                                                const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> UnlockBatchMq(const remoting::RequestContext& ctx,
                                                  const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetConsumerConnectionList(
      const remoting::RequestContext& ctx, const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetProducerConnectionList(
      const remoting::RequestContext& ctx, const remoting::RemotingCommand& request);

 private:
  ClientChannel ChannelOf(const remoting::RequestContext& ctx,
                          const remoting::RemotingCommand& request, std::string client_id) const;

  ProducerManager& producers_;
  ConsumerManager& consumers_;
  RebalanceLockManager& locks_;
  SubscriptionGroupSource& groups_;
  RetryTopicCreator& retry_topics_;
  const Clock& clock_;
  const ClientProcessorOptions options_;
  // Heartbeats waiting for the worker, per connection. Loop thread.
  std::map<ConnectionId, int> pending_heartbeats_;
};

// Registers every handler of Handlers() as a sync handler on `server`
// (HEART_BEAT as HeartBeatAsync when the processor has a meta worker).
// `processor` must outlive the server's use of the handlers.
void RegisterClientHandlers(ClientProcessor& processor, remoting::RpcServer& server);

}  // namespace tern::broker
