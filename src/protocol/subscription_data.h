// SubscriptionData: one topic subscription of a consumer group, as carried in
// HEART_BEAT (requests.md §C.5), CHECK_CLIENT_CONFIG (§B.14), consumer
// connection lists (§C.6) and built from a PULL_MESSAGE header (§B.2).
//
//   {"classFilterMode":false,"codeSet":[65],"expressionType":"TAG",
//    "subString":"A || B","subVersion":1700000000000,"tagsSet":["A"],"topic":"T"}
//
// Clients disagree on the value forms (quirks Q21): Go sends `codeSet` as
// strings of UTF-8 hashes, C++ sends `codeSet` from atoi(tag) and `subVersion`
// as a string. Decoding accepts every form; Normalize() then rebuilds the
// broker's view: `codeSet` is recomputed from `tagsSet` with Java's
// String.hashCode, which is what the consume queue's tag codes hold.
//
// Plain value type.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace tern::protocol {

class JsonWriter;

inline constexpr std::string_view kExpressionTypeTag = "TAG";
inline constexpr std::string_view kExpressionTypeSql92 = "SQL92";
inline constexpr std::string_view kSubAll = "*";

// Java ExpressionType.isTagType: empty or "TAG".
bool IsTagType(std::string_view expression_type);

struct SubscriptionData {
  std::string topic;
  std::string sub_string = "*";
  std::vector<std::string> tags_set;  // distinct, in the order first seen
  std::vector<int32_t> code_set;      // distinct, parallel to the tags after Normalize()
  int64_t sub_version = 0;
  std::string expression_type = "TAG";
  bool class_filter_mode = false;

  bool operator==(const SubscriptionData&) const = default;

  // For TAG subscriptions: an empty expression type becomes "TAG", an empty
  // subString becomes "*", "*" clears the tags, an empty tagsSet is rebuilt
  // from subString, and codeSet is recomputed from tagsSet (Java hash).
  // SQL92 subscriptions are left as they are.
  void Normalize();

  // True when the filter itself differs (topic, expression, tags); the
  // version is not compared.
  bool SameFilter(const SubscriptionData& o) const;

  void WriteJson(JsonWriter& w) const;
  std::string Encode() const;
  // Lenient (see above); not normalized.
  static Result<SubscriptionData> FromJson(const nlohmann::json& obj);
  static Result<SubscriptionData> Decode(std::string_view json_text);
};

// Java FilterAPI.buildSubscriptionData: tags split on "||", trimmed, empty
// parts dropped; "" or "*" subscribes to everything. `sub_version` is the
// caller's (pull header subVersion, or now).
SubscriptionData BuildSubscriptionData(std::string_view topic, std::string_view sub_string,
                                       std::string_view expression_type, int64_t sub_version);

}  // namespace tern::protocol
