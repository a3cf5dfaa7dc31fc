// Reading queues for the message commands (queryMsgByOffset, printMsg,
// consumeMessage), as RocketMQ's tools do with a DefaultMQPullConsumer but on
// the wire directly: the route names each queue's broker, whose master gets
// GET_MIN_OFFSET (31), GET_MAX_OFFSET (30), SEARCH_OFFSET_BY_TIMESTAMP (29)
// and PULL_MESSAGE (11) -- with a subscription, never committing an offset,
// never suspended (an operator's pull answers at once).
//
// Threading: main thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/protocol/message_queue.h"
#include "src/protocol/route_data.h"
#include "src/protocol/subscription_data.h"
#include "tools/admin/admin_client.h"
#include "tools/admin/message_print.h"

namespace tern::tools::admin {

// RocketMQ's MixAll.TOOLS_CONSUMER_GROUP: the group tools pull as.
inline constexpr char kToolsConsumerGroup[] = "TOOLS_CONSUMER";

// A queue and the master address that serves it.
struct QueueTarget {
  protocol::MessageQueue mq;
  std::string addr;
};

// Every read queue of `topic` on the route's brokers that have a master,
// sorted (RocketMQ's fetchSubscribeMessageQueues).
std::vector<QueueTarget> ReadQueuesOf(const protocol::TopicRouteData& route,
                                      const std::string& topic);
// One queue of the route: NotFound naming the broker when the topic is not on
// it (or it has no master), InvalidArgument when the queue id is past its
// read queues.
Result<QueueTarget> FindQueue(const protocol::TopicRouteData& route, const std::string& topic,
                              const std::string& broker_name, int32_t queue_id);

// A queue that takes sends (sendMessage, dlqRedrive) and its master's address.
struct WriteQueue {
  std::string broker_name;
  int32_t queue_id = 0;
  std::string addr;
};
// Every write queue of the route's writable queue data whose broker has a
// master, in route order.
std::vector<WriteQueue> WritableQueues(const protocol::TopicRouteData& route);

// One message for SEND_MESSAGE_V2 (sendMessage, dlqRedrive).
struct OutgoingMessage {
  std::string producer_group;
  std::string topic;
  std::string properties;  // serialized, as they go in the header
  std::string body;
  int32_t flag = 0;
  int32_t sys_flag = 0;
};
// SEND_MESSAGE_V2 of `m` to queue `q`, born now, reconsume times 0, TBW102 as
// the auto-creation template (4 queues).
RemotingCommand SendRequest(const WriteQueue& q, const OutgoingMessage& m);
// True for the response codes that mean the broker stored the message:
// SUCCESS and FLUSH_DISK_TIMEOUT / FLUSH_SLAVE_TIMEOUT / SLAVE_NOT_AVAILABLE.
bool SendStored(int32_t code);

Result<int64_t> MinOffset(AdminClient& client, const QueueTarget& q);
Result<int64_t> MaxOffset(AdminClient& client, const QueueTarget& q);
// The first offset stored at or after `timestamp_ms` (the broker's rule).
Result<int64_t> SearchOffset(AdminClient& client, const QueueTarget& q, int64_t timestamp_ms);

// RocketMQ's PullStatus.
enum class PullStatus { kFound, kNoNewMsg, kNoMatchedMsg, kOffsetIllegal };
std::string_view PullStatusName(PullStatus status);  // "FOUND", "NO_NEW_MSG", ...

struct PullOutcome {
  PullStatus status = PullStatus::kNoNewMsg;
  int64_t next_begin_offset = 0;
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  // Only messages whose tag the subscription takes (RocketMQ filters again on
  // the client); FOUND with none left becomes NO_MATCHED_MSG.
  std::vector<FoundMessage> messages;
};

// PULL_MESSAGE as `group` with `subscription` (TAG type), at most `max_nums`
// messages from `offset`. A refusal is an error naming the broker.
Result<PullOutcome> PullQueue(AdminClient& client, const QueueTarget& q, const std::string& group,
                              const protocol::SubscriptionData& subscription, int64_t offset,
                              int32_t max_nums);

// RocketMQ's timestampFormat: milliseconds since the epoch, or
// "yyyy-MM-dd#HH:mm:ss:SSS" in local time. InvalidArgument naming `option`.
Result<int64_t> ParseTimestamp(std::string_view value, std::string_view option);

// RocketMQ's MessageQueue.toString(): "MessageQueue [topic=T, brokerName=b, queueId=0]".
std::string DescribeQueue(const protocol::MessageQueue& mq);

}  // namespace tern::tools::admin
