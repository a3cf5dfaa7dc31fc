// MessageQueue: one queue of a topic on one broker.
//
// Ordered as RocketMQ orders queues: by topic, then broker name, then queue id.
// Thread-safety: plain value; a const object may be read from any thread.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace ternmq {

struct MessageQueue {
  std::string topic;
  std::string broker_name;
  int32_t queue_id = 0;

  auto operator<=>(const MessageQueue&) const = default;
  bool operator==(const MessageQueue&) const = default;

  // "MessageQueue [topic=T, brokerName=broker-a, queueId=0]" (as Java prints it).
  std::string ToString() const {
    return "MessageQueue [topic=" + topic + ", brokerName=" + broker_name +
           ", queueId=" + std::to_string(queue_id) + "]";
  }
};

}  // namespace ternmq
