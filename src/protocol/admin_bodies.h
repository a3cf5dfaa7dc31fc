// JSON bodies of the broker's administration requests (shared/spec/requests.md
// §B.19-B.27, §C.2, §C.9-C.11, §C.15):
//
//   ConsumeStats
//   {"consumeTps":1.5,"offsetTable":{{mq}:{"brokerOffset":10,"consumerOffset":7,"lastTimestamp":..}}}
//   TopicStatsTable {"offsetTable":{{mq}:{"lastUpdateTimestamp":..,"maxOffset":9,"minOffset":0}}}
//   ResetOffsetBody       {"offsetTable":{{mq}:100}}                                  (map form)
//                         {"offsetTable":[{"brokerName":..,"offset":100,"queueId":0,"topic":..}]}
//                         (list form, C++)
//   GetConsumerStatusBody {"consumerTable":{"cid":{{mq}:5}},"messageQueueTable":{{mq}:5}}
//   GroupList             {"groupList":["g1","g2"]}
//   ConsumerOffsetTable   {"offsetTable":{"topic@group":{0:10,1:7}}} (GET_ALL_CONSUMER_OFFSET)
//   DelayOffsetTable      {"offsetTable":{1:0,2:15}} (GET_ALL_DELAY_OFFSET)
//
// `{mq}` is a MessageQueue OBJECT written where a map key belongs: fastjson's
// Map<MessageQueue, V> form, which Java tools parse and no standard parser
// accepts (quirks Q27). Encoders write exactly what fastjson writes: compact,
// bean fields in alphabetical order, doubles in Java's Double.toString form,
// map entries in the order held. Decoders go through lenient_json (object
// keys arrive as strings holding the key's JSON text, parsed again here),
// accept any key order and missing fields, and sort map entries by
// MessageQueue. Plain value types; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/base/status.h"
#include "src/protocol/message_queue.h"

namespace tern::protocol {

// A fastjson Map<MessageQueue, V>: entries written in this order.
template <typename V>
using MessageQueueMap = std::vector<std::pair<MessageQueue, V>>;

// The value for `mq`, or nullptr.
template <typename V>
const V* FindQueue(const MessageQueueMap<V>& map, const MessageQueue& mq) {
  for (const auto& [k, v] : map) {
    if (k == mq) return &v;
  }
  return nullptr;
}

// A double as Java's Double.toString writes it (what fastjson writes for a
// double field): "0.0", "1.5", "12345.0", "1.0E7", "1.0E-4". NaN and
// infinities, which fastjson writes as null, give "null".
std::string FormatJavaDouble(double value);

struct OffsetWrapper {
  int64_t broker_offset = 0;
  int64_t consumer_offset = 0;
  int64_t last_timestamp = 0;
  std::optional<int64_t> pull_offset;  // 5.x; written only when set

  bool operator==(const OffsetWrapper&) const = default;
};

// GET_CONSUME_STATS (208) response body (§C.9).
struct ConsumeStats {
  MessageQueueMap<OffsetWrapper> offset_table;
  double consume_tps = 0;

  bool operator==(const ConsumeStats&) const = default;
  // Sum over queues of brokerOffset - consumerOffset (Java computeTotalDiff).
  int64_t TotalDiff() const;
  std::string Encode() const;
  static Result<ConsumeStats> Decode(std::string_view json_text);
};

struct TopicOffset {
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  int64_t last_update_timestamp = 0;

  bool operator==(const TopicOffset&) const = default;
};

// GET_TOPIC_STATS_INFO (202) response body (§C.10).
struct TopicStatsTable {
  MessageQueueMap<TopicOffset> offset_table;
  std::optional<double> topic_put_tps;  // 5.x; written only when set

  bool operator==(const TopicStatsTable&) const = default;
  std::string Encode() const;
  static Result<TopicStatsTable> Decode(std::string_view json_text);
};

// Reset offsets (§C.11): the INVOKE_BROKER_TO_RESET_OFFSET response and the
// RESET_CONSUMER_CLIENT_OFFSET body.
struct ResetOffsetBody {
  MessageQueueMap<int64_t> offset_table;

  bool operator==(const ResetOffsetBody&) const = default;
  // The map form (ResetOffsetBody; Java and Go clients).
  std::string Encode() const;
  // The list form (ResetOffsetBodyForC; the C++ client cannot read object keys).
  std::string EncodeForC() const;
  // Either form.
  static Result<ResetOffsetBody> Decode(std::string_view json_text);
};

// INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) response and the client's
// GET_CONSUMER_STATUS_FROM_CLIENT (221) reply (§C.15). Both maps are always
// written ({} when empty), as fastjson writes an initialised map field.
struct GetConsumerStatusBody {
  MessageQueueMap<int64_t> message_queue_table;
  std::map<std::string, MessageQueueMap<int64_t>> consumer_table;  // clientId -> offsets

  bool operator==(const GetConsumerStatusBody&) const = default;
  std::string Encode() const;
  static Result<GetConsumerStatusBody> Decode(std::string_view json_text);
};

// QUERY_TOPIC_CONSUME_BY_WHO (300) response body (§C.2). Standard JSON.
struct GroupList {
  std::vector<std::string> group_list;

  bool operator==(const GroupList&) const = default;
  std::string Encode() const;
  static Result<GroupList> Decode(std::string_view json_text);
};

// GET_ALL_CONSUMER_OFFSET (43) body (§B.27): "topic@group" -> queueId -> offset,
// queue ids as bare numeric keys (fastjson Map<Integer, Long>).
struct ConsumerOffsetSerializeWrapper {
  std::map<std::string, std::map<int32_t, int64_t>> offset_table;

  bool operator==(const ConsumerOffsetSerializeWrapper&) const = default;
  std::string Encode() const;
  static Result<ConsumerOffsetSerializeWrapper> Decode(std::string_view json_text);
};

// GET_ALL_DELAY_OFFSET (45) body (§B.27): delay level -> offset, bare keys.
struct DelayOffsetSerializeWrapper {
  std::map<int32_t, int64_t> offset_table;

  bool operator==(const DelayOffsetSerializeWrapper&) const = default;
  std::string Encode() const;
  static Result<DelayOffsetSerializeWrapper> Decode(std::string_view json_text);
};

}  // namespace tern::protocol
