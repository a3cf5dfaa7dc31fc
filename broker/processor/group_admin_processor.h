// Subscription-group administration (shared/spec/requests.md §B.18):
//   UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200, body SubscriptionGroupConfig),
//   GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201, body SubscriptionGroupWrapper,
//   standard JSON - quirks Q28), DELETE_SUBSCRIPTIONGROUP (207; with
//   removeOffset (4.9) / cleanOffset (5.x) also the group's offsets).
//
// Threads: loop thread (sync handlers; changes are fsynced RocksDB writes).
#pragma once

#include "broker/meta/consumer_offset_table.h"
#include "broker/topic/subscription_group_manager.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

class GroupAdminProcessor {
 public:
  // References must outlive the processor.
  GroupAdminProcessor(topic::SubscriptionGroupManager& groups, meta::ConsumerOffsetTable& offsets)
      : groups_(groups), offsets_(offsets) {}

  // Registers codes 200, 201 and 207 (sync handlers).
  void Register(remoting::RpcServer& server);

  Result<remoting::RemotingCommand> UpdateAndCreate(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetAll(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> Delete(const remoting::RemotingCommand& request);

 private:
  topic::SubscriptionGroupManager& groups_;
  meta::ConsumerOffsetTable& offsets_;
};

}  // namespace tern::processor
