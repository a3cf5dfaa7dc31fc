// PushConsumer: receives the messages of subscribed topics through a listener.
//
//   ternmq::PushConsumerOptions options;
//   options.group = "order-audit";
//   options.name_servers = {"127.0.0.1:9876"};
//   auto consumer = ternmq::PushConsumer::Create(options);
//   (*consumer)->Subscribe("orders", "created || paid");
//   (*consumer)->SetListener([](const std::vector<ternmq::MessageView>& msgs) {
//     for (const auto& m : msgs) handle(m);
//     return ternmq::ConsumeResult::kSuccess;
//   });
//   (*consumer)->Start();
//
// How it works (as the Java DefaultMQPushConsumer): the consumers of a group
// share a topic's queues (clustering) or each get all of them (broadcasting).
// The split is recomputed every rebalance_interval_ms and at once when the
// broker says the group changed. For each queue it owns, the consumer keeps a
// long-polling pull running (the broker holds it up to
// broker_suspend_max_ms when the queue is empty), caches what arrives and
// hands it to the listener on the consume threads. Consumed offsets are
// committed every persist_offset_interval_ms, on every pull and on Shutdown;
// the committed offset is the smallest one still being consumed, so after a
// crash in-flight messages come again (at least once delivery).
//
// A queue without a committed offset starts at consume_from_where; a group's
// first consumer on a young topic starts at offset 0 even with kLastOffset,
// because the broker answers 0 for a queue whose first message is still in
// memory (as with Apache RocketMQ).
//
// Listeners:
//   * concurrent (SetListener): messages of a queue may be consumed in
//     parallel on several threads. kReconsumeLater sends the message back to
//     the broker (CONSUMER_SEND_MSG_BACK) to come again later through the
//     group's retry topic; if that fails it is consumed again locally after
//     5 s. Broadcasting drops failed messages (as Java does).
//   * orderly (SetOrderlyListener): one queue is consumed by one thread at a
//     time in queue order, and only while this client holds the queue's lock
//     on the broker (clustering). kSuspendCurrentQueueAMoment retries the same
//     messages after suspend_current_queue_ms, up to max_reconsume_times
//     times; then they go to the dead-letter topic %DLQ%<group>.
//
// Threading: Subscribe/SetListener/SetOrderlyListener before Start(), from one
// thread. Start() and Shutdown() once each, not concurrently; Shutdown() must
// not be called from a listener. Other methods any thread. Listeners run on
// the consumer's consume threads (consume_threads of them), never on the
// network thread; the listener must be thread-safe when consume_threads > 1.
// Shutdown() waits for listener calls in progress, commits the offsets and
// leaves the group.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ternmq/message.h"
#include "ternmq/message_queue.h"
#include "ternmq/status.h"

namespace ternmq {

enum class MessageModel : uint8_t {
  kClustering,    // the group shares the queues; offsets on the broker
  kBroadcasting,  // every consumer gets every message; offsets in a local file
};

// Where a queue without a committed offset starts.
enum class ConsumeFromWhere : uint8_t {
  kLastOffset,   // new messages only (retry topics: from the start)
  kFirstOffset,  // from the oldest stored message
  kTimestamp,    // from the first message stored at or after consume_timestamp_ms
};

enum class AllocateStrategy : uint8_t {
  kAveragely,          // consecutive blocks (Java AllocateMessageQueueAveragely)
  kAveragelyByCircle,  // round-robin (AllocateMessageQueueAveragelyByCircle)
  kConsistentHash,     // MD5 ring, 10 virtual nodes (AllocateMessageQueueConsistentHash)
};

enum class ConsumeResult : uint8_t { kSuccess, kReconsumeLater };
enum class OrderlyConsumeResult : uint8_t { kSuccess, kSuspendCurrentQueueAMoment };

// Messages of one queue, at most consume_batch_size of them, in queue order.
using MessageListener = std::function<ConsumeResult(const std::vector<MessageView>& messages)>;
using OrderlyMessageListener =
    std::function<OrderlyConsumeResult(const std::vector<MessageView>& messages)>;

// Defaults follow the Java client (DefaultMQPushConsumer / ClientConfig).
struct PushConsumerOptions {
  std::string group;                      // required; as a producer group
  std::vector<std::string> name_servers;  // required
  // Part of the client id `ip@instance_name`; empty: "<pid>#<nanoseconds>".
  std::string instance_name;

  MessageModel message_model = MessageModel::kClustering;
  ConsumeFromWhere consume_from_where = ConsumeFromWhere::kLastOffset;
  // For kTimestamp; 0 = half an hour before Start().
  int64_t consume_timestamp_ms = 0;
  AllocateStrategy allocate_strategy = AllocateStrategy::kAveragely;

  int32_t consume_threads = 20;
  int32_t consume_batch_size = 1;   // messages per listener call
  int32_t pull_batch_size = 32;     // messages per pull
  int32_t pull_threshold_for_queue = 1000;        // cached messages per queue before pausing
  int32_t pull_threshold_size_for_queue_mib = 100;  // cached body MiB per queue
  int64_t pull_interval_ms = 0;     // pause between pulls of a queue
  // Concurrent: attempts before the broker moves a message to %DLQ%<group>
  // (-1 = 16). Orderly: local retries before the consumer sends it to
  // %DLQ%<group> and moves on (-1 = unlimited).
  int32_t max_reconsume_times = -1;
  int64_t suspend_current_queue_ms = 1000;  // orderly retry pause

  int64_t broker_suspend_max_ms = 15'000;  // long-poll time asked of the broker
  int64_t consumer_timeout_when_suspend_ms = 30'000;  // pull request timeout
  int64_t persist_offset_interval_ms = 5'000;
  int64_t rebalance_interval_ms = 20'000;
  int64_t lock_interval_ms = 20'000;  // orderly: LOCK_BATCH_MQ renewal
  int64_t route_refresh_interval_ms = 30'000;
  int64_t heartbeat_interval_ms = 30'000;
  int64_t rpc_timeout_ms = 3'000;  // offsets, locks, consumer lists, routes

  // Broadcasting offsets live in <offset_store_dir>/<client id>/<group>/offsets.json.
  // Empty: $HOME/.rocketmq_offsets (Java's default). Set instance_name to
  // resume from the same file after a restart.
  std::string offset_store_dir;
};

class PushConsumer {
 public:
  // Checks the options (kInvalidArgument names the field). Does not connect.
  static Result<std::unique_ptr<PushConsumer>> Create(const PushConsumerOptions& options);

  // Shuts down if still started.
  virtual ~PushConsumer() = default;

  // Subscribes to `topic`, filtered by tag: "*" (everything) or "A || B".
  // Before Start() (kIllegalState afterwards); subscribing again replaces.
  virtual Status Subscribe(const std::string& topic, const std::string& tag_expression) = 0;
  // Exactly one listener, before Start().
  virtual Status SetListener(MessageListener listener) = 0;
  virtual Status SetOrderlyListener(OrderlyMessageListener listener) = 0;

  // Joins the group and starts consuming. kInvalidArgument without a
  // subscription or listener; kIllegalState when called twice.
  virtual Status Start() = 0;
  // Stops pulling, waits for listener calls in progress, commits offsets,
  // unlocks queues (orderly) and leaves the group. Idempotent.
  virtual void Shutdown() = 0;

  // The queues this consumer owns now (for monitoring and tests).
  virtual std::vector<MessageQueue> AssignedQueues() const = 0;
  // "ip@instance_name".
  virtual const std::string& client_id() const = 0;
};

}  // namespace ternmq
