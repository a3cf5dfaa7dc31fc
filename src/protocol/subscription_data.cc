#include "src/protocol/subscription_data.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"
#include "src/protocol/message_id.h"

namespace tern::protocol {

using nlohmann::json;

namespace {

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

void AddDistinct(std::vector<std::string>* v, std::string_view s) {
  if (std::find(v->begin(), v->end(), s) == v->end()) v->emplace_back(s);
}

std::vector<std::string> SplitTags(std::string_view sub_string) {
  std::vector<std::string> tags;
  size_t pos = 0;
  while (pos <= sub_string.size()) {
    size_t bar = sub_string.find("||", pos);
    std::string_view part =
        sub_string.substr(pos, bar == std::string_view::npos ? std::string_view::npos : bar - pos);
    part = Trim(part);
    if (!part.empty()) AddDistinct(&tags, part);
    if (bar == std::string_view::npos) break;
    pos = bar + 2;
  }
  return tags;
}

}  // namespace

bool IsTagType(std::string_view expression_type) {
  return expression_type.empty() || expression_type == kExpressionTypeTag;
}

void SubscriptionData::Normalize() {
  if (expression_type.empty()) expression_type = std::string(kExpressionTypeTag);
  if (!IsTagType(expression_type)) return;
  if (Trim(sub_string).empty()) sub_string = std::string(kSubAll);
  if (Trim(sub_string) == kSubAll) {
    tags_set.clear();
  } else if (tags_set.empty()) {
    tags_set = SplitTags(sub_string);
  }
  code_set.clear();
  for (const std::string& tag : tags_set) {
    int32_t code = JavaStringHashCode(tag);
    if (std::find(code_set.begin(), code_set.end(), code) == code_set.end()) {
      code_set.push_back(code);
    }
  }
}

bool SubscriptionData::SameFilter(const SubscriptionData& o) const {
  return topic == o.topic && sub_string == o.sub_string && expression_type == o.expression_type &&
         tags_set == o.tags_set && class_filter_mode == o.class_filter_mode;
}

void SubscriptionData::WriteJson(JsonWriter& w) const {
  w.BeginObject();
  w.Key("classFilterMode").Bool(class_filter_mode);
  w.Key("codeSet").BeginArray();
  for (int32_t c : code_set) w.Int(c);
  w.EndArray();
  w.Key("expressionType").String(expression_type);
  w.Key("subString").String(sub_string);
  w.Key("subVersion").Int(sub_version);
  w.Key("tagsSet").BeginArray();
  for (const std::string& t : tags_set) w.String(t);
  w.EndArray();
  w.Key("topic").String(topic);
  w.EndObject();
}

std::string SubscriptionData::Encode() const {
  JsonWriter w;
  WriteJson(w);
  return w.Take();
}

Result<SubscriptionData> SubscriptionData::FromJson(const json& obj) {
  if (!obj.is_object()) return Status::InvalidArgument("SubscriptionData: expected an object");
  SubscriptionData s;
  TERN_ASSIGN_OR_RETURN(s.topic, JsonString(obj, "topic", ""));
  TERN_ASSIGN_OR_RETURN(s.sub_string, JsonString(obj, "subString", ""));
  TERN_ASSIGN_OR_RETURN(s.sub_version, JsonInt64(obj, "subVersion", 0));
  TERN_ASSIGN_OR_RETURN(s.expression_type, JsonString(obj, "expressionType", "TAG"));
  TERN_ASSIGN_OR_RETURN(s.class_filter_mode, JsonBool(obj, "classFilterMode", false));
  if (auto it = obj.find("tagsSet"); it != obj.end() && !it->is_null()) {
    if (!it->is_array()) return Status::InvalidArgument("field tagsSet: expected an array");
    for (const json& t : *it) {
      TERN_ASSIGN_OR_RETURN(std::string tag, JsonValueToString(t, "tagsSet"));
      AddDistinct(&s.tags_set, tag);
    }
  }
  // codeSet is informational only: clients fill it with hashes of their own
  // (quirks Q21) and Normalize() recomputes it. Keep what parses.
  if (auto it = obj.find("codeSet"); it != obj.end() && it->is_array()) {
    for (const json& c : *it) {
      auto v = JsonValueToInt64(c, "codeSet");
      if (v.ok()) s.code_set.push_back(static_cast<int32_t>(*v));
    }
  }
  return s;
}

Result<SubscriptionData> SubscriptionData::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json obj, ParseLenientJsonObject(json_text, "SubscriptionData"));
  return FromJson(obj);
}

SubscriptionData BuildSubscriptionData(std::string_view topic, std::string_view sub_string,
                                       std::string_view expression_type, int64_t sub_version) {
  SubscriptionData s;
  s.topic = std::string(topic);
  s.sub_string = std::string(sub_string);
  s.expression_type =
      expression_type.empty() ? std::string(kExpressionTypeTag) : std::string(expression_type);
  s.sub_version = sub_version;
  if (IsTagType(s.expression_type) && Trim(sub_string) != kSubAll && !Trim(sub_string).empty()) {
    s.tags_set = SplitTags(sub_string);
  }
  s.Normalize();
  return s;
}

}  // namespace tern::protocol
