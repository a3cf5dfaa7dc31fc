// The consumer's small broker requests (shared/spec/requests.md §B.6-§B.11,
// §B.13), one function each: build the request, call the broker, map the
// answer. Every function blocks the calling thread (InvokeSync) and must not
// run on the loop thread, except the *Oneway ones. Any thread.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "src/protocol/message_queue.h"
#include "src/remoting/rpc_client.h"
#include "ternmq/message.h"
#include "ternmq/message_queue.h"
#include "ternmq/status.h"

namespace tern::client {

protocol::MessageQueue ToProtocol(const ternmq::MessageQueue& q);
ternmq::MessageQueue FromProtocol(const protocol::MessageQueue& q);

// Where a request goes and how long it may take.
struct BrokerCall {
  remoting::RpcClient& rpc;
  std::string addr;
  int64_t timeout_ms = 3000;
};

// QUERY_CONSUMER_OFFSET (14): the stored offset; kNotFound on QUERY_NOT_FOUND (22).
ternmq::Result<int64_t> QueryConsumerOffset(const BrokerCall& call, const std::string& group,
                                            const ternmq::MessageQueue& queue);
// UPDATE_CONSUMER_OFFSET (15).
ternmq::Status UpdateConsumerOffset(const BrokerCall& call, const std::string& group,
                                    const ternmq::MessageQueue& queue, int64_t offset);
void UpdateConsumerOffsetOneway(const BrokerCall& call, const std::string& group,
                                const ternmq::MessageQueue& queue, int64_t offset);
// GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), SEARCH_OFFSET_BY_TIMESTAMP (29).
ternmq::Result<int64_t> GetMaxOffset(const BrokerCall& call, const ternmq::MessageQueue& queue);
ternmq::Result<int64_t> GetMinOffset(const BrokerCall& call, const ternmq::MessageQueue& queue);
ternmq::Result<int64_t> SearchOffset(const BrokerCall& call, const ternmq::MessageQueue& queue,
                                     int64_t timestamp_ms);
// GET_CONSUMER_LIST_BY_GROUP (38): the group's client ids. SYSTEM_ERROR (no
// consumer) is an error, never an empty list (quirks Q23).
ternmq::Result<std::vector<std::string>> GetConsumerIdList(const BrokerCall& call,
                                                           const std::string& group);
// CONSUMER_SEND_MSG_BACK (36) for a consumed message (offset from its offset msgId).
ternmq::Status SendMessageBack(const BrokerCall& call, const std::string& group,
                               const ternmq::MessageView& message, int32_t delay_level,
                               int32_t max_reconsume_times);
// LOCK_BATCH_MQ (41): the queues now held by `client_id`.
ternmq::Result<std::set<ternmq::MessageQueue>> LockBatch(
    const BrokerCall& call, const std::string& group, const std::string& client_id,
    const std::set<ternmq::MessageQueue>& queues);
// UNLOCK_BATCH_MQ (42), waiting for the answer.
ternmq::Status UnlockBatch(const BrokerCall& call, const std::string& group,
                           const std::string& client_id,
                           const std::set<ternmq::MessageQueue>& queues);
// UNLOCK_BATCH_MQ (42), oneway.
void UnlockBatchOneway(const BrokerCall& call, const std::string& group,
                       const std::string& client_id, const std::set<ternmq::MessageQueue>& queues);
// UNREGISTER_CLIENT (35) for a consumer group.
ternmq::Status UnregisterConsumer(const BrokerCall& call, const std::string& client_id,
                                  const std::string& group);

}  // namespace tern::client
