// TopicPublishInfo: the writable queues of one topic, built from its route,
// and how a producer picks one of them.
//
// Queues follow RocketMQ's order (QueueData sorted by broker name, then queue
// id), so that a queue index means the same queue to every client: sharding
// keys and selectors rely on it. Only QueueData with PERM_WRITE whose broker
// has a master (id 0) contribute (features.md §1.1); an `orderTopicConf`
// ("broker-a:4;broker-b:4") replaces the QueueData when present.
//
// A TopicPublishInfo is an immutable snapshot shared by sends
// (shared_ptr<const>); a route refresh replaces it. The round-robin counter is
// the one mutable part (atomic).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/client/broker_backoff.h"
#include "src/protocol/route_data.h"
#include "ternmq/message_queue.h"
#include "ternmq/status.h"

namespace tern::client {

struct TopicPublishInfo {
  std::string topic;
  // Built from the auto-create template's route (TBW102) because the topic
  // itself has none yet (features.md §1.3).
  bool from_default_topic = false;
  bool order_topic = false;
  std::vector<ternmq::MessageQueue> queues;
  protocol::TopicRouteData route;  // as received (the template's, when from_default_topic)
  mutable std::atomic<uint32_t> next{0};
};
using PublishInfoPtr = std::shared_ptr<const TopicPublishInfo>;

// Builds the snapshot. With `from_default_topic`, every QueueData counts
// min(default_queue_nums, readQueueNums) queues, as Java does with the TBW102
// route. kNotFound when no queue is writable. The round-robin counter starts
// at `start_index` (callers pass a random number, as Java's ThreadLocalIndex).
ternmq::Result<PublishInfoPtr> BuildPublishInfo(const std::string& topic,
                                                const protocol::TopicRouteData& route,
                                                bool from_default_topic,
                                                int32_t default_queue_nums,
                                                uint32_t start_index);

// Round-robin over the queues, skipping queues of `avoid_broker` (the broker
// the previous attempt failed on) and brokers in backoff; when every queue is
// excluded, relaxes the backoff, then the avoided broker. nullopt only when
// there are no queues.
std::optional<ternmq::MessageQueue> SelectQueue(const TopicPublishInfo& info,
                                                std::string_view avoid_broker,
                                                const BrokerBackoff* backoff, int64_t now_ms);

// Java SelectMessageQueueByHash: |String.hashCode(key) % n|. REQUIRES: n > 0.
size_t ShardingIndex(std::string_view key, size_t n);

}  // namespace tern::client
