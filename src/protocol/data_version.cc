#include "src/protocol/data_version.h"

#include <nlohmann/json.hpp>

#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"

namespace tern::protocol {

void DataVersion::WriteJson(JsonWriter& w) const {
  w.BeginObject().Key("counter").Int(counter);
  if (state_version) w.Key("stateVersion").Int(*state_version);
  w.Key("timestamp").Int(timestamp).EndObject();
}

std::string DataVersion::Encode() const {
  JsonWriter w;
  WriteJson(w);
  return w.Take();
}

Result<DataVersion> DataVersion::FromJson(const nlohmann::json& obj) {
  if (!obj.is_object()) return Status::InvalidArgument("DataVersion: expected a JSON object");
  DataVersion v;
  TERN_ASSIGN_OR_RETURN(v.counter, JsonInt64(obj, "counter", 0));
  TERN_ASSIGN_OR_RETURN(v.timestamp, JsonInt64(obj, "timestamp", 0));
  if (obj.contains("stateVersion") && !obj["stateVersion"].is_null()) {
    TERN_ASSIGN_OR_RETURN(int64_t sv, JsonInt64(obj, "stateVersion", 0));
    v.state_version = sv;
  }
  return v;
}

Result<DataVersion> DataVersion::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(nlohmann::json j, ParseLenientJsonObject(json_text, "DataVersion"));
  return FromJson(j);
}

}  // namespace tern::protocol
