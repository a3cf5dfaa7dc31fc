// INVOKE_BROKER_TO_RESET_OFFSET (222; shared/spec/requests.md §B.25, quirks
// Q26): moves a consumer group's offsets on a topic to a point in time and
// tells the group's live consumers.
//
//   1. unknown topic                 -> SYSTEM_ERROR "[reset-offset] reset offset failed, ..."
//   2. per write queue: the group's stored offset (none -> SYSTEM_ERROR
//      "THe consumer group <g> not exist"); target = max offset when
//      timestamp == -1, else the offset by time; chosen = target when isForce
//      or target < stored, else stored. (5.x `queueId` >= 0 limits the reset
//      to that queue; 5.x `offset` sets the target directly, range-checked.)
//   3. no live consumer              -> CONSUMER_NOT_ONLINE (mqadmin then resets offline)
//   4. a consumer older than V3_0_7  -> SYSTEM_ERROR
//   5. the chosen offsets are stored (as 5.x does) and RESET_CONSUMER_CLIENT_OFFSET
//      (220, oneway) goes to every consumer connection of the group: the
//      list form to CPP channels, the map form to all others -- chosen per
//      receiving channel, not by the admin's language as Java does (Q26).
//   6. SUCCESS with the chosen offsets in the map form.
//
// Threads: loop thread (sync handler). Stored offsets change in memory and
// reach disk with the next offset flush. References must outlive the processor.
#pragma once

#include "broker/client/consumer_manager.h"
#include "broker/meta/consumer_offset_table.h"
#include "broker/store/message_store.h"
#include "broker/topic/topic_config_manager.h"
#include "src/protocol/admin_bodies.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

class ResetOffsetProcessor {
 public:
  // `clients` is the server whose connections the consumers heartbeat on
  // (RESET_CONSUMER_CLIENT_OFFSET goes out through it).
  ResetOffsetProcessor(topic::TopicConfigManager& topics, store::MessageStore& store,
                       meta::ConsumerOffsetTable& offsets, broker::ConsumerManager& consumers,
                       remoting::RpcServer& clients);

  // Registers code 222 (sync handler).
  void Register(remoting::RpcServer& server);

  Result<remoting::RemotingCommand> ResetOffset(const remoting::RemotingCommand& request);

 private:
  topic::TopicConfigManager& topics_;
  store::MessageStore& store_;
  meta::ConsumerOffsetTable& offsets_;
  broker::ConsumerManager& consumers_;
  remoting::RpcServer& clients_;
};

}  // namespace tern::processor
