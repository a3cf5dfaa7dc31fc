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
// Threading: any thread; the managers are internally synchronized. HEART_BEAT
// may block on the first heartbeat of a group while RetryTopicCreator writes
// the new topic durably. All references must outlive the processor.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "broker/client/consumer_manager.h"
#include "broker/client/producer_manager.h"
#include "broker/client/rebalance_lock_manager.h"
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

  Result<remoting::RemotingCommand> HeartBeat(const remoting::RequestContext& ctx,
                                              const remoting::RemotingCommand& request);
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
};

// Registers every handler of Handlers() as a sync handler on `server`.
// `processor` must outlive the server's use of the handlers.
void RegisterClientHandlers(ClientProcessor& processor, remoting::RpcServer& server);

}  // namespace tern::broker
