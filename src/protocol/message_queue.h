// MessageQueue: one queue of a topic on one broker (requests.md §C.14).
//
//   {"brokerName":"broker-a","queueId":0,"topic":"T"}
//
// Ordered as RocketMQ orders them for rebalancing: topic, then brokerName,
// then queueId. Plain value type.
#pragma once

#include <compare>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "src/base/status.h"

namespace tern::protocol {

class JsonWriter;

struct MessageQueue {
  std::string topic;
  std::string broker_name;
  int32_t queue_id = 0;

  // Member order gives the RocketMQ ordering.
  auto operator<=>(const MessageQueue&) const = default;
  bool operator==(const MessageQueue&) const = default;

  void WriteJson(JsonWriter& w) const;
  std::string Encode() const;
  static Result<MessageQueue> FromJson(const nlohmann::json& obj);
};

}  // namespace tern::protocol
