#include "src/protocol/topic_list.h"

#include <nlohmann/json.hpp>

#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"

namespace tern::protocol {

using nlohmann::json;

std::string TopicList::Encode() const {
  JsonWriter w;
  w.BeginObject();
  if (broker_addr) w.Key("brokerAddr").String(*broker_addr);
  w.Key("topicList").BeginArray();
  for (const auto& t : topic_list) w.String(t);
  w.EndArray().EndObject();
  return w.Take();
}

Result<TopicList> TopicList::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "TopicList"));
  TopicList out;
  if (auto it = j.find("brokerAddr"); it != j.end() && !it->is_null()) {
    TERN_ASSIGN_OR_RETURN(std::string addr, JsonValueToString(*it, "brokerAddr"));
    out.broker_addr = std::move(addr);
  }
  if (auto it = j.find("topicList"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Status::InvalidArgument("TopicList: topicList is not an array");
    for (const json& t : *it) {
      TERN_ASSIGN_OR_RETURN(std::string s, JsonValueToString(t, "topicList"));
      out.topic_list.push_back(std::move(s));
    }
  }
  return out;
}

std::string KvTable::Encode() const {
  JsonWriter w;
  w.BeginObject().Key("table").BeginObject();
  for (const auto& [k, v] : table) w.Key(k).String(v);
  w.EndObject().EndObject();
  return w.Take();
}

Result<KvTable> KvTable::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "KVTable"));
  KvTable out;
  if (auto it = j.find("table"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return Status::InvalidArgument("KVTable: table is not an object");
    for (const auto& [k, v] : it->items()) {
      TERN_ASSIGN_OR_RETURN(out.table[k], JsonValueToString(v, k));
    }
  }
  return out;
}

}  // namespace tern::protocol
