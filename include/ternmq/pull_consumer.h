// PullConsumer: the low-level consumer. The application picks the queues and
// the offsets; the consumer fetches, and stores offsets on the broker.
//
//   ternmq::PullConsumerOptions options;
//   options.group = "order-export";
//   options.name_servers = {"127.0.0.1:9876"};
//   auto consumer = ternmq::PullConsumer::Create(options);
//   (*consumer)->Start();
//   auto queues = (*consumer)->FetchSubscribeQueues("orders");
//   for (const auto& q : *queues) {
//     auto offset = (*consumer)->QueryOffset(q);          // kNotFound: never committed
//     int64_t next = offset.ok() ? *offset : 0;
//     auto r = (*consumer)->Pull(q, "*", next, 32, {.long_poll_ms = 5000});
//     if (r.ok() && r->status == ternmq::PullStatus::kFound) { ... r->messages ... }
//     if (r.ok()) (*consumer)->UpdateOffset(q, r->next_begin_offset);
//   }
//
// The pull carries its own subscription (the tag expression), so the broker
// needs no heartbeat-registered subscription. Offsets are clustering offsets
// (stored by the broker for the group); nothing is committed automatically.
//
// Threading: every method may be called from any thread, concurrently, except
// Start() and Shutdown(), once each and not concurrently. Calls block the
// calling thread only, never longer than their timeout (plus connecting).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ternmq/message.h"
#include "ternmq/message_queue.h"
#include "ternmq/status.h"

namespace ternmq {

struct PullConsumerOptions {
  std::string group;                      // required
  std::vector<std::string> name_servers;  // required
  std::string instance_name;              // as ProducerOptions::instance_name
  int64_t pull_timeout_ms = 10'000;       // default per-call Pull timeout
  int64_t rpc_timeout_ms = 3'000;         // offsets and routes
  int64_t route_refresh_interval_ms = 30'000;
  int64_t heartbeat_interval_ms = 30'000;
};

enum class PullStatus : uint8_t {
  kFound,             // messages returned
  kNoNewMessage,      // nothing at `offset` yet (after the long poll, if asked)
  kNoMatchedMessage,  // entries were there but none matched the tags; pull on at next_begin_offset
  kOffsetIllegal,     // `offset` is outside [min_offset, max_offset]; next_begin_offset is valid
};
std::string_view PullStatusName(PullStatus status);  // "FOUND", "NO_NEW_MSG", ...

struct PullResult {
  PullStatus status = PullStatus::kNoNewMessage;
  int64_t next_begin_offset = 0;  // where the next pull should start
  int64_t min_offset = 0;         // the queue's oldest offset
  int64_t max_offset = 0;         // the queue's next offset to be written
  std::vector<MessageView> messages;  // kFound: in queue order, matching the tags
};

struct PullOptions {
  // > 0: when nothing is there, the broker holds the pull up to this long and
  // answers as soon as a message arrives (long polling). 0: answer at once.
  int64_t long_poll_ms = 0;
  // Whole call; 0: PullConsumerOptions::pull_timeout_ms, raised to
  // long_poll_ms + 5 s when long polling.
  int64_t timeout_ms = 0;
};

class PullConsumer {
 public:
  static Result<std::unique_ptr<PullConsumer>> Create(const PullConsumerOptions& options);
  virtual ~PullConsumer() = default;

  virtual Status Start() = 0;
  virtual void Shutdown() = 0;  // idempotent

  // The readable queues of `topic`, in RocketMQ order. kNotFound: no route.
  virtual Result<std::vector<MessageQueue>> FetchSubscribeQueues(const std::string& topic) = 0;

  // Up to `max_nums` (1..1024) messages of `queue` from `offset`, filtered by
  // the tag expression ("*" or "A || B").
  virtual Result<PullResult> Pull(const MessageQueue& queue, const std::string& tag_expression,
                                  int64_t offset, int32_t max_nums,
                                  const PullOptions& options = {}) = 0;

  // Stores `offset` (the next offset to consume) as the group's offset of `queue`.
  virtual Status UpdateOffset(const MessageQueue& queue, int64_t offset) = 0;
  // The group's stored offset; kNotFound when the broker has none.
  virtual Result<int64_t> QueryOffset(const MessageQueue& queue) = 0;

  // The queue's oldest offset, its next offset to be written, and the first
  // offset stored at or after `timestamp_ms`.
  virtual Result<int64_t> MinOffset(const MessageQueue& queue) = 0;
  virtual Result<int64_t> MaxOffset(const MessageQueue& queue) = 0;
  virtual Result<int64_t> SearchOffset(const MessageQueue& queue, int64_t timestamp_ms) = 0;

  virtual const std::string& client_id() const = 0;
};

}  // namespace ternmq
