// TopicConfig and TopicConfigSerializeWrapper (shared/spec/requests.md §C.7):
// a broker's topic table as it travels to the nameserver and to admin tools.
//
//   {"dataVersion":{"counter":1,"timestamp":1700000000000},
//    "topicConfigTable":{"T":{"order":false,"perm":6,"readQueueNums":4,
//      "topicFilterType":"SINGLE_TAG","topicName":"T","topicSysFlag":0,"writeQueueNums":4}}}
//
// Plain value types. Encoding is compact with fastjson's alphabetical field
// order; decoding accepts any order, missing optional fields, extra fields and
// numbers given as strings.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/protocol/data_version.h"
#include "src/protocol/perm.h"

namespace tern::protocol {

class JsonWriter;

enum class TopicFilterType : uint8_t { kSingleTag, kMultiTag };
std::string_view TopicFilterTypeName(TopicFilterType t);  // "SINGLE_TAG" / "MULTI_TAG"
Result<TopicFilterType> ParseTopicFilterType(std::string_view name);

struct TopicConfig {
  std::string topic_name;
  int32_t read_queue_nums = 16;
  int32_t write_queue_nums = 16;
  int32_t perm = kPermReadWrite;
  TopicFilterType topic_filter_type = TopicFilterType::kSingleTag;
  int32_t topic_sys_flag = 0;
  bool order = false;
  // 5.x attributes ("+queue.type" -> "BatchCQ", ...); written only when non-empty.
  std::map<std::string, std::string> attributes;

  bool operator==(const TopicConfig&) const = default;

  std::string Encode() const;
  static Result<TopicConfig> Decode(std::string_view json_text);
  void WriteJson(JsonWriter& w) const;
  static Result<TopicConfig> FromJson(const nlohmann::json& obj);

  // The space-separated line used by the compressed REGISTER_BROKER body:
  // `name read write perm filterType` (5.x: then a space and the attributes
  // JSON). topicSysFlag and order are not carried.
  std::string EncodeLine() const;
  static Result<TopicConfig> DecodeLine(std::string_view line);
};

struct TopicConfigSerializeWrapper {
  DataVersion data_version;
  std::map<std::string, TopicConfig> topic_config_table;

  bool operator==(const TopicConfigSerializeWrapper&) const = default;

  std::string Encode() const;
  static Result<TopicConfigSerializeWrapper> Decode(std::string_view json_text);
  void WriteJson(JsonWriter& w) const;
  static Result<TopicConfigSerializeWrapper> FromJson(const nlohmann::json& obj);
};

}  // namespace tern::protocol
