// DataVersion: the version stamp of a broker's topic (or group) table
// (shared/spec/requests.md §C.4). The nameserver compares the stamp a broker
// registers with the one it stored to decide whether to re-read the topics.
//
// JSON: 4.9 `{"counter":1,"timestamp":1700000000000}`; 5.x adds
// `"stateVersion":0`. Plain value type.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "src/base/status.h"

namespace tern::protocol {

class JsonWriter;

struct DataVersion {
  int64_t timestamp = 0;
  int64_t counter = 0;
  // 5.x only; written only when set.
  std::optional<int64_t> state_version;

  // counter += 1, timestamp = now: what the owner does on every table change.
  void Next(int64_t now_ms) {
    ++counter;
    timestamp = now_ms;
  }

  // Equal iff timestamp, counter and state version (absent = 0) are equal.
  bool operator==(const DataVersion& o) const {
    return timestamp == o.timestamp && counter == o.counter &&
           state_version.value_or(0) == o.state_version.value_or(0);
  }

  std::string Encode() const;
  static Result<DataVersion> Decode(std::string_view json_text);

  void WriteJson(JsonWriter& w) const;
  static Result<DataVersion> FromJson(const nlohmann::json& obj);
};

}  // namespace tern::protocol
