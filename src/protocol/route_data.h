// Route bodies served by the nameserver (shared/spec/requests.md §C.1, §C.3):
// QueueData, BrokerData, TopicRouteData and ClusterInfo.
//
// `brokerAddrs` is a Long-keyed map. Java's nameserver writes its keys bare
// (`{0:"ip:port"}`, not valid JSON) unless the client is new enough
// (quirks Q3); the caller picks the form with NumericKeys. Output is compact
// (quirks Q4: Go splits the brokerAddrs text on ',' and ':'). Decoding accepts
// both forms via lenient_json.
//
// Plain value types.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace tern::protocol {

class JsonWriter;

// How integer map keys are written.
enum class NumericKeys : uint8_t {
  kQuoted,    // {"0":"..."}  standard JSON (request version >= 401 or acceptStandardJsonOnly)
  kUnquoted,  // {0:"..."}    fastjson legacy form
};

struct QueueData {
  std::string broker_name;
  int32_t read_queue_nums = 0;
  int32_t write_queue_nums = 0;
  int32_t perm = 0;
  int32_t topic_sys_flag = 0;

  bool operator==(const QueueData&) const = default;
  void WriteJson(JsonWriter& w) const;
  static Result<QueueData> FromJson(const nlohmann::json& obj);
};

struct BrokerData {
  std::string cluster;
  std::string broker_name;
  std::map<int64_t, std::string> broker_addrs;  // brokerId -> "ip:port"; 0 = master

  bool operator==(const BrokerData&) const = default;
  void WriteJson(JsonWriter& w, NumericKeys keys) const;
  static Result<BrokerData> FromJson(const nlohmann::json& obj);
};

struct TopicRouteData {
  std::optional<std::string> order_topic_conf;
  std::vector<QueueData> queue_datas;
  std::vector<BrokerData> broker_datas;
  std::map<std::string, std::vector<std::string>> filter_server_table;  // brokerAddr -> servers

  bool operator==(const TopicRouteData&) const = default;
  std::string Encode(NumericKeys keys) const;
  static Result<TopicRouteData> Decode(std::string_view json_text);
};

struct ClusterInfo {
  std::map<std::string, BrokerData> broker_addr_table;              // brokerName -> data
  std::map<std::string, std::set<std::string>> cluster_addr_table;  // cluster -> brokerNames

  bool operator==(const ClusterInfo&) const = default;
  // Java always writes the legacy (unquoted) form here (requests.md §A.4).
  std::string Encode(NumericKeys keys = NumericKeys::kUnquoted) const;
  static Result<ClusterInfo> Decode(std::string_view json_text);
};

}  // namespace tern::protocol
