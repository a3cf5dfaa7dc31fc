// Message (what a producer sends) and MessageView (what a consumer receives).
//
// Both are plain values: copy them, move them, fill them field by field.
// Thread-safety: none needed; a const object may be read from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ternmq {

// A message to send. Only `topic` and `body` are required.
//
//   ternmq::Message m;
//   m.topic = "orders";
//   m.tags = "created";
//   m.keys = {"order-1001"};
//   m.body = R"({"id":1001})";
struct Message {
  std::string topic;  // letters, digits, '%', '|', '-', '_'; at most 127 characters
  std::string tags;   // one tag, used by consumers to filter ("TAGS" property)
  std::vector<std::string> keys;  // business keys, indexed by the broker ("KEYS")
  std::string body;               // opaque bytes; 1 byte .. ProducerOptions::max_message_bytes

  // Application properties, stored and delivered with the message. Names used
  // by RocketMQ itself (KEYS, TAGS, UNIQ_KEY, DELAY, ...) are refused by Send.
  // Names and values must not contain the characters U+0001 or U+0002.
  std::map<std::string, std::string> properties;

  // Delivery delay as a RocketMQ level: 1 = 1s, 2 = 5s, 3 = 10s, 4 = 30s,
  // 5 = 1m ... 18 = 2h (broker `messageDelayLevel`). 0 = deliver at once.
  int32_t delay_level = 0;
  // Absolute delivery time, ms since the Unix epoch ("TIMER_DELIVER_MS", a
  // RocketMQ 5 timer message). 0 = deliver at once. Not together with delay_level.
  int64_t delivery_time_ms = 0;

  // Application flag, stored verbatim.
  int32_t flag = 0;
  // false: the broker answers before the message is flushed/replicated ("WAIT").
  bool wait_store_ok = true;
};

// A received message (push and pull consumers, transaction checks). Filled
// by the SDK from the stored record. For a message consumed from the retry
// topic, `topic` is the original topic (property RETRY_TOPIC) and
// reconsume_times counts the earlier attempts.
struct MessageView {
  std::string msg_id;         // the producer's UNIQ_KEY, else offset_msg_id
  std::string offset_msg_id;  // broker store host + commit-log offset, hex
  std::string topic;
  std::string tags;
  std::vector<std::string> keys;
  std::string body;  // decompressed
  std::map<std::string, std::string> properties;  // every property, system ones included
  std::string broker_name;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  int64_t born_timestamp_ms = 0;
  int64_t store_timestamp_ms = 0;
  std::string born_host;   // "ip:port"
  std::string store_host;  // "ip:port"
  int32_t reconsume_times = 0;
  int32_t flag = 0;
};

}  // namespace ternmq
