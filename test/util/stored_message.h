// Helpers for tests that write and read stored message records: a properties
// string from key/value pairs, and a record copied out of the log so that it
// outlives the mapped view it was decoded from.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "src/protocol/message_codec.h"
#include "src/protocol/message_properties.h"

namespace tern::testing {

// The RocketMQ properties string (U+0001 between key and value, U+0002 after each pair).
inline std::string Props(std::initializer_list<std::pair<std::string, std::string>> kv) {
  std::string out;
  for (const auto& [k, v] : kv) protocol::AppendProperty(&out, k, v);
  return out;
}

// A stored record with its own copies of the strings.
struct StoredMessage {
  std::string topic;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  int64_t log_offset = 0;  // physical offset in the CommitLog
  int64_t store_timestamp = 0;
  int64_t born_timestamp = 0;
  int32_t flag = 0;
  int32_t sys_flag = 0;
  int32_t reconsume_times = 0;
  int64_t prepared_offset = 0;
  std::string body;
  std::string properties;

  std::optional<std::string> Prop(std::string_view key) const {
    auto v = protocol::FindProperty(properties, key);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
  }
};

inline StoredMessage ToStored(const protocol::MessageRecord& r) {
  StoredMessage m;
  m.topic = std::string(r.topic);
  m.queue_id = r.queue_id.value();
  m.queue_offset = r.queue_offset.value();
  m.log_offset = r.physical_offset.value();
  m.store_timestamp = r.store_timestamp;
  m.born_timestamp = r.born_timestamp;
  m.flag = r.flag;
  m.sys_flag = r.sys_flag;
  m.reconsume_times = r.reconsume_times;
  m.prepared_offset = r.prepared_transaction_offset.value();
  m.body = std::string(r.body);
  m.properties = std::string(r.properties);
  return m;
}

}  // namespace tern::testing
