#include "src/protocol/admin_bodies.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"

namespace tern::protocol {
namespace {

using nlohmann::json;

// `{k1:v1,k2:v2}` with each key a MessageQueue object (quirks Q27). JsonWriter
// has no object-key form, so the map is assembled here and written as Raw.
template <typename V, typename F>
std::string MqMapJson(const MessageQueueMap<V>& map, F write_value) {
  std::string out = "{";
  bool first = true;
  for (const auto& [mq, value] : map) {
    if (!first) out.push_back(',');
    first = false;
    out += mq.Encode();
    out.push_back(':');
    JsonWriter w;
    write_value(w, value);
    out += w.Take();
  }
  out.push_back('}');
  return out;
}

void WriteInt(JsonWriter& w, int64_t v) { w.Int(v); }

Result<double> JsonDouble(const json& obj, std::string_view key, double fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size()) return v;
  }
  return Status::InvalidArgument(fmt::format("field {}: expected a number", key));
}

// Reads a lenient-parsed Map<MessageQueue, V>: keys are the MessageQueue's
// JSON text. Entries come back sorted by MessageQueue.
template <typename V, typename F>
Result<MessageQueueMap<V>> ReadMqMap(const json& obj, std::string_view what, F read_value) {
  MessageQueueMap<V> out;
  if (obj.is_null()) return out;
  if (!obj.is_object()) return Status::InvalidArgument(fmt::format("{}: expected an object", what));
  for (const auto& [key, value] : obj.items()) {
    TERN_ASSIGN_OR_RETURN(json k, ParseLenientJsonObject(key, "MessageQueue key"));
    TERN_ASSIGN_OR_RETURN(MessageQueue mq, MessageQueue::FromJson(k));
    TERN_ASSIGN_OR_RETURN(V v, read_value(value));
    out.emplace_back(std::move(mq), std::move(v));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

Result<int64_t> ReadInt(const json& v) { return JsonValueToInt64(v, "offset"); }

const json& Member(const json& obj, std::string_view key) {
  static const json kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

// Java Double.toString: decimal notation for 1e-3 <= |v| < 1e7, otherwise
// computerized scientific notation; at least one digit after the point;
// the shortest digits that read back as `v`.
std::string JavaDouble(double v) {
  if (!std::isfinite(v)) return "null";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));  // "-1.2345e+06"
  std::string out;
  if (sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exp = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  const double mag = std::fabs(v);
  if (mag >= 1e-3 && mag < 1e7) {
    if (exp >= 0) {
      std::string int_part =
          digits.substr(0, std::min(digits.size(), static_cast<size_t>(exp) + 1));
      while (int_part.size() < static_cast<size_t>(exp) + 1) int_part.push_back('0');
      std::string frac = digits.size() > int_part.size() ? digits.substr(int_part.size()) : "0";
      out += int_part + "." + frac;
    } else {
      out += "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
    }
    return out;
  }
  out.push_back(digits[0]);
  out.push_back('.');
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out += "E" + std::to_string(exp);
  return out;
}

}  // namespace

std::string FormatJavaDouble(double value) { return JavaDouble(value); }

// ---- ConsumeStats ----

int64_t ConsumeStats::TotalDiff() const {
  int64_t diff = 0;
  for (const auto& [mq, w] : offset_table) diff += w.broker_offset - w.consumer_offset;
  return diff;
}

std::string ConsumeStats::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("consumeTps").Raw(JavaDouble(consume_tps));
  w.Key("offsetTable").Raw(MqMapJson(offset_table, [](JsonWriter& v, const OffsetWrapper& o) {
    v.BeginObject();
    v.Key("brokerOffset").Int(o.broker_offset);
    v.Key("consumerOffset").Int(o.consumer_offset);
    v.Key("lastTimestamp").Int(o.last_timestamp);
    if (o.pull_offset) v.Key("pullOffset").Int(*o.pull_offset);
    v.EndObject();
  }));
  w.EndObject();
  return w.Take();
}

Result<ConsumeStats> ConsumeStats::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "ConsumeStats"));
  ConsumeStats out;
  TERN_ASSIGN_OR_RETURN(out.consume_tps, JsonDouble(j, "consumeTps", 0));
  auto read = [](const json& v) -> Result<OffsetWrapper> {
    if (!v.is_object())
      return Status::InvalidArgument("ConsumeStats: OffsetWrapper is not an object");
    OffsetWrapper o;
    TERN_ASSIGN_OR_RETURN(o.broker_offset, JsonInt64(v, "brokerOffset", 0));
    TERN_ASSIGN_OR_RETURN(o.consumer_offset, JsonInt64(v, "consumerOffset", 0));
    TERN_ASSIGN_OR_RETURN(o.last_timestamp, JsonInt64(v, "lastTimestamp", 0));
    if (auto it = v.find("pullOffset"); it != v.end() && !it->is_null()) {
      TERN_ASSIGN_OR_RETURN(int64_t p, JsonValueToInt64(*it, "pullOffset"));
      o.pull_offset = p;
    }
    return o;
  };
  TERN_ASSIGN_OR_RETURN(
      out.offset_table,
      (ReadMqMap<OffsetWrapper>(Member(j, "offsetTable"), "ConsumeStats.offsetTable", read)));
  return out;
}

// ---- TopicStatsTable ----

std::string TopicStatsTable::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("offsetTable").Raw(MqMapJson(offset_table, [](JsonWriter& v, const TopicOffset& o) {
    v.BeginObject();
    v.Key("lastUpdateTimestamp").Int(o.last_update_timestamp);
    v.Key("maxOffset").Int(o.max_offset);
    v.Key("minOffset").Int(o.min_offset);
    v.EndObject();
  }));
  if (topic_put_tps) w.Key("topicPutTps").Raw(JavaDouble(*topic_put_tps));
  w.EndObject();
  return w.Take();
}

Result<TopicStatsTable> TopicStatsTable::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "TopicStatsTable"));
  TopicStatsTable out;
  auto read = [](const json& v) -> Result<TopicOffset> {
    if (!v.is_object())
      return Status::InvalidArgument("TopicStatsTable: TopicOffset is not an object");
    TopicOffset o;
    TERN_ASSIGN_OR_RETURN(o.min_offset, JsonInt64(v, "minOffset", 0));
    TERN_ASSIGN_OR_RETURN(o.max_offset, JsonInt64(v, "maxOffset", 0));
    TERN_ASSIGN_OR_RETURN(o.last_update_timestamp, JsonInt64(v, "lastUpdateTimestamp", 0));
    return o;
  };
  TERN_ASSIGN_OR_RETURN(
      out.offset_table,
      (ReadMqMap<TopicOffset>(Member(j, "offsetTable"), "TopicStatsTable.offsetTable", read)));
  if (auto it = j.find("topicPutTps"); it != j.end() && !it->is_null()) {
    TERN_ASSIGN_OR_RETURN(double tps, JsonDouble(j, "topicPutTps", 0));
    out.topic_put_tps = tps;
  }
  return out;
}

// ---- ResetOffsetBody ----

std::string ResetOffsetBody::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("offsetTable").Raw(MqMapJson(offset_table, WriteInt));
  w.EndObject();
  return w.Take();
}

std::string ResetOffsetBody::EncodeForC() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("offsetTable").BeginArray();
  for (const auto& [mq, offset] : offset_table) {
    w.BeginObject();
    w.Key("brokerName").String(mq.broker_name);
    w.Key("offset").Int(offset);
    w.Key("queueId").Int(mq.queue_id);
    w.Key("topic").String(mq.topic);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

Result<ResetOffsetBody> ResetOffsetBody::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "ResetOffsetBody"));
  ResetOffsetBody out;
  const json& table = Member(j, "offsetTable");
  if (table.is_array()) {
    for (const json& e : table) {
      TERN_ASSIGN_OR_RETURN(MessageQueue mq, MessageQueue::FromJson(e));
      TERN_ASSIGN_OR_RETURN(int64_t offset, JsonInt64(e, "offset", 0));
      out.offset_table.emplace_back(std::move(mq), offset);
    }
    return out;
  }
  TERN_ASSIGN_OR_RETURN(out.offset_table,
                        (ReadMqMap<int64_t>(table, "ResetOffsetBody.offsetTable", ReadInt)));
  return out;
}

// ---- GetConsumerStatusBody ----

std::string GetConsumerStatusBody::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("consumerTable").BeginObject();
  for (const auto& [client_id, table] : consumer_table) {
    w.Key(client_id).Raw(MqMapJson(table, WriteInt));
  }
  w.EndObject();
  w.Key("messageQueueTable").Raw(MqMapJson(message_queue_table, WriteInt));
  w.EndObject();
  return w.Take();
}

Result<GetConsumerStatusBody> GetConsumerStatusBody::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "GetConsumerStatusBody"));
  GetConsumerStatusBody out;
  TERN_ASSIGN_OR_RETURN(out.message_queue_table,
                        (ReadMqMap<int64_t>(Member(j, "messageQueueTable"),
                                            "GetConsumerStatusBody.messageQueueTable", ReadInt)));
  const json& consumers = Member(j, "consumerTable");
  if (!consumers.is_null()) {
    if (!consumers.is_object()) {
      return Status::InvalidArgument("GetConsumerStatusBody: consumerTable is not an object");
    }
    for (const auto& [client_id, table] : consumers.items()) {
      TERN_ASSIGN_OR_RETURN(
          out.consumer_table[client_id],
          (ReadMqMap<int64_t>(table, "GetConsumerStatusBody.consumerTable", ReadInt)));
    }
  }
  return out;
}

// ---- GroupList ----

std::string GroupList::Encode() const {
  JsonWriter w;
  w.BeginObject().Key("groupList").BeginArray();
  for (const auto& g : group_list) w.String(g);
  w.EndArray().EndObject();
  return w.Take();
}

Result<GroupList> GroupList::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "GroupList"));
  GroupList out;
  const json& list = Member(j, "groupList");
  if (list.is_null()) return out;
  if (!list.is_array()) return Status::InvalidArgument("GroupList: groupList is not an array");
  for (const json& g : list) {
    TERN_ASSIGN_OR_RETURN(std::string s, JsonValueToString(g, "groupList"));
    out.group_list.push_back(std::move(s));
  }
  return out;
}

// ---- consumer / delay offset tables ----

namespace {

void WriteIntKeyed(JsonWriter& w, const std::map<int32_t, int64_t>& m) {
  w.BeginObject();
  for (const auto& [k, v] : m) w.BareKey(k).Int(v);
  w.EndObject();
}

Result<std::map<int32_t, int64_t>> ReadIntKeyed(const json& obj, std::string_view what) {
  std::map<int32_t, int64_t> out;
  if (obj.is_null()) return out;
  if (!obj.is_object()) return Status::InvalidArgument(fmt::format("{}: expected an object", what));
  for (const auto& [key, value] : obj.items()) {
    auto k = JsonValueToInt64(json(key), what);
    if (!k.ok() || *k < INT32_MIN || *k > INT32_MAX) {
      return Status::InvalidArgument(fmt::format("{}: bad key '{}'", what, key));
    }
    TERN_ASSIGN_OR_RETURN(int64_t v, JsonValueToInt64(value, what));
    out[static_cast<int32_t>(*k)] = v;
  }
  return out;
}

}  // namespace

std::string ConsumerOffsetSerializeWrapper::Encode() const {
  JsonWriter w;
  w.BeginObject().Key("offsetTable").BeginObject();
  for (const auto& [key, queues] : offset_table) {
    w.Key(key);
    WriteIntKeyed(w, queues);
  }
  w.EndObject().EndObject();
  return w.Take();
}

Result<ConsumerOffsetSerializeWrapper> ConsumerOffsetSerializeWrapper::Decode(
    std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "ConsumerOffset"));
  ConsumerOffsetSerializeWrapper out;
  const json& table = Member(j, "offsetTable");
  if (table.is_null()) return out;
  if (!table.is_object())
    return Status::InvalidArgument("ConsumerOffset: offsetTable is not an object");
  for (const auto& [key, queues] : table.items()) {
    TERN_ASSIGN_OR_RETURN(out.offset_table[key],
                          ReadIntKeyed(queues, "ConsumerOffset.offsetTable"));
  }
  return out;
}

std::string DelayOffsetSerializeWrapper::Encode() const {
  JsonWriter w;
  w.BeginObject().Key("offsetTable");
  WriteIntKeyed(w, offset_table);
  w.EndObject();
  return w.Take();
}

Result<DelayOffsetSerializeWrapper> DelayOffsetSerializeWrapper::Decode(
    std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "DelayOffset"));
  DelayOffsetSerializeWrapper out;
  TERN_ASSIGN_OR_RETURN(out.offset_table, ReadIntKeyed(Member(j, "offsetTable"), "DelayOffset"));
  return out;
}

}  // namespace tern::protocol
