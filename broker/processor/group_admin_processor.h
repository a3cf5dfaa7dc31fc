// Subscription-group administration (shared/spec/requests.md §B.18):
//   UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200, body SubscriptionGroupConfig),
//   GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201, body SubscriptionGroupWrapper,
//   standard JSON - quirks Q28), DELETE_SUBSCRIPTIONGROUP (207; with
//   removeOffset (4.9) / cleanOffset (5.x) also the group's offsets).
//
// Threads: GET on the loop thread; UPDATE/DELETE (fsynced RocksDB writes) on
// the broker-meta worker when Register() is given one (the broker does).
#pragma once

#include "broker/meta/consumer_offset_table.h"
#include "broker/meta_worker.h"
#include "broker/topic/subscription_group_manager.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

class GroupAdminProcessor {
 public:
  // References must outlive the processor.
  GroupAdminProcessor(topic::SubscriptionGroupManager& groups, meta::ConsumerOffsetTable& offsets)
      : groups_(groups), offsets_(offsets) {}

  // Registers codes 200, 201 and 207.
  // With `meta_worker`, the changing codes run on it (their RocksDB write is
  // fsynced off the loop) and answer once durable; without, on the loop.
  void Register(remoting::RpcServer& server, broker::MetaWorker* meta_worker = nullptr);

  Result<remoting::RemotingCommand> UpdateAndCreate(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetAll(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> Delete(const remoting::RemotingCommand& request);

 private:
  topic::SubscriptionGroupManager& groups_;
  meta::ConsumerOffsetTable& offsets_;
};

}  // namespace tern::processor
