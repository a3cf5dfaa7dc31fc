#include "src/protocol/topic_config.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "src/base/properties.h"
#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"

namespace tern::protocol {

using nlohmann::json;

std::string_view TopicFilterTypeName(TopicFilterType t) {
  return t == TopicFilterType::kMultiTag ? "MULTI_TAG" : "SINGLE_TAG";
}

Result<TopicFilterType> ParseTopicFilterType(std::string_view name) {
  if (name == "SINGLE_TAG") return TopicFilterType::kSingleTag;
  if (name == "MULTI_TAG") return TopicFilterType::kMultiTag;
  return Status::InvalidArgument(fmt::format("unknown topicFilterType '{}'", name));
}

namespace {

void WriteAttributes(JsonWriter& w, const std::map<std::string, std::string>& attributes) {
  w.BeginObject();
  for (const auto& [k, v] : attributes) w.Key(k).String(v);
  w.EndObject();
}

Result<std::map<std::string, std::string>> ReadAttributes(const json& v) {
  std::map<std::string, std::string> out;
  if (v.is_null()) return out;
  if (!v.is_object()) return Status::InvalidArgument("field attributes: expected an object");
  for (const auto& [k, val] : v.items()) {
    TERN_ASSIGN_OR_RETURN(out[k], JsonValueToString(val, "attributes." + k));
  }
  return out;
}

}  // namespace

void TopicConfig::WriteJson(JsonWriter& w) const {
  w.BeginObject();
  if (!attributes.empty()) {
    w.Key("attributes");
    WriteAttributes(w, attributes);
  }
  w.Key("order").Bool(order);
  w.Key("perm").Int(perm);
  w.Key("readQueueNums").Int(read_queue_nums);
  w.Key("topicFilterType").String(TopicFilterTypeName(topic_filter_type));
  w.Key("topicName").String(topic_name);
  w.Key("topicSysFlag").Int(topic_sys_flag);
  w.Key("writeQueueNums").Int(write_queue_nums);
  w.EndObject();
}

std::string TopicConfig::Encode() const {
  JsonWriter w;
  WriteJson(w);
  return w.Take();
}

Result<TopicConfig> TopicConfig::FromJson(const json& obj) {
  if (!obj.is_object()) return Status::InvalidArgument("TopicConfig: expected a JSON object");
  TopicConfig c;
  TERN_ASSIGN_OR_RETURN(c.topic_name, JsonString(obj, "topicName", ""));
  TERN_ASSIGN_OR_RETURN(c.read_queue_nums, JsonInt32(obj, "readQueueNums", 16));
  TERN_ASSIGN_OR_RETURN(c.write_queue_nums, JsonInt32(obj, "writeQueueNums", 16));
  TERN_ASSIGN_OR_RETURN(c.perm, JsonInt32(obj, "perm", kPermReadWrite));
  TERN_ASSIGN_OR_RETURN(c.topic_sys_flag, JsonInt32(obj, "topicSysFlag", 0));
  TERN_ASSIGN_OR_RETURN(c.order, JsonBool(obj, "order", false));
  TERN_ASSIGN_OR_RETURN(std::string filter, JsonString(obj, "topicFilterType", "SINGLE_TAG"));
  TERN_ASSIGN_OR_RETURN(c.topic_filter_type, ParseTopicFilterType(filter));
  if (auto it = obj.find("attributes"); it != obj.end()) {
    TERN_ASSIGN_OR_RETURN(c.attributes, ReadAttributes(*it));
  }
  return c;
}

Result<TopicConfig> TopicConfig::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "TopicConfig"));
  return FromJson(j);
}

std::string TopicConfig::EncodeLine() const {
  std::string line = fmt::format("{} {} {} {} {}", topic_name, read_queue_nums, write_queue_nums,
                                 perm, TopicFilterTypeName(topic_filter_type));
  if (!attributes.empty()) {
    JsonWriter w;
    WriteAttributes(w, attributes);
    line += ' ';
    line += w.Take();
  }
  return line;
}

Result<TopicConfig> TopicConfig::DecodeLine(std::string_view line) {
  // Five space-separated fields, then (5.x) the attributes JSON as the rest.
  std::string_view parts[5];
  std::string_view rest = line;
  for (int i = 0; i < 5; ++i) {
    size_t sp = rest.find(' ');
    if (sp == std::string_view::npos) {
      if (i < 4) {
        return Status::InvalidArgument(
            fmt::format("topic config line '{}': expected 5 fields", line));
      }
      parts[i] = rest;
      rest = {};
    } else {
      parts[i] = rest.substr(0, sp);
      rest = rest.substr(sp + 1);
    }
  }
  TopicConfig c;
  c.topic_name = std::string(parts[0]);
  auto to_int = [&](std::string_view text, const char* name) -> Result<int32_t> {
    auto v = ParseInt64(text);
    if (!v.ok() || *v < INT32_MIN || *v > INT32_MAX) {
      return Status::InvalidArgument(fmt::format("topic config line '{}': bad {}", line, name));
    }
    return static_cast<int32_t>(*v);
  };
  TERN_ASSIGN_OR_RETURN(c.read_queue_nums, to_int(parts[1], "readQueueNums"));
  TERN_ASSIGN_OR_RETURN(c.write_queue_nums, to_int(parts[2], "writeQueueNums"));
  TERN_ASSIGN_OR_RETURN(c.perm, to_int(parts[3], "perm"));
  TERN_ASSIGN_OR_RETURN(c.topic_filter_type, ParseTopicFilterType(parts[4]));
  if (!rest.empty()) {
    TERN_ASSIGN_OR_RETURN(json attrs, ParseLenientJson(rest, "topic config attributes"));
    TERN_ASSIGN_OR_RETURN(c.attributes, ReadAttributes(attrs));
  }
  return c;
}

void TopicConfigSerializeWrapper::WriteJson(JsonWriter& w) const {
  w.BeginObject().Key("dataVersion");
  data_version.WriteJson(w);
  w.Key("topicConfigTable").BeginObject();
  for (const auto& [name, config] : topic_config_table) {
    w.Key(name);
    config.WriteJson(w);
  }
  w.EndObject().EndObject();
}

std::string TopicConfigSerializeWrapper::Encode() const {
  JsonWriter w;
  WriteJson(w);
  return w.Take();
}

Result<TopicConfigSerializeWrapper> TopicConfigSerializeWrapper::FromJson(const json& obj) {
  if (!obj.is_object()) {
    return Status::InvalidArgument("TopicConfigSerializeWrapper: expected a JSON object");
  }
  TopicConfigSerializeWrapper w;
  if (auto it = obj.find("dataVersion"); it != obj.end() && !it->is_null()) {
    TERN_ASSIGN_OR_RETURN(w.data_version, DataVersion::FromJson(*it));
  }
  if (auto it = obj.find("topicConfigTable"); it != obj.end() && !it->is_null()) {
    if (!it->is_object()) {
      return Status::InvalidArgument("field topicConfigTable: expected an object");
    }
    for (const auto& [name, value] : it->items()) {
      auto config = TopicConfig::FromJson(value);
      if (!config.ok()) return config.status().WithContext(fmt::format("topic {}", name));
      if (config->topic_name.empty()) config->topic_name = name;
      w.topic_config_table[name] = std::move(config).value();
    }
  }
  return w;
}

Result<TopicConfigSerializeWrapper> TopicConfigSerializeWrapper::Decode(
    std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "TopicConfigSerializeWrapper"));
  return FromJson(j);
}

}  // namespace tern::protocol
