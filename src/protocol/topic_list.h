// Small list/map bodies (shared/spec/requests.md §C.2):
//   TopicList  {"topicList":["T1","T2"]}  (GET_SYSTEM_TOPIC_LIST adds "brokerAddr")
//   KvTable    {"table":{"k":"v"}}
// Standard JSON (quirks Q28: the Go admin parses TopicList strictly). Plain
// value types.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace tern::protocol {

struct TopicList {
  std::vector<std::string> topic_list;
  std::optional<std::string> broker_addr;

  bool operator==(const TopicList&) const = default;
  std::string Encode() const;
  static Result<TopicList> Decode(std::string_view json_text);
};

struct KvTable {
  std::map<std::string, std::string> table;

  bool operator==(const KvTable&) const = default;
  std::string Encode() const;
  static Result<KvTable> Decode(std::string_view json_text);
};

}  // namespace tern::protocol
