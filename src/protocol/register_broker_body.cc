#include "src/protocol/register_broker_body.h"

#include <fmt/format.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include "src/base/byte_coding.h"
#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"

namespace tern::protocol {
namespace {

using nlohmann::json;

Result<std::string> Deflate(std::string_view in) {
  z_stream zs{};
  if (deflateInit(&zs, Z_BEST_COMPRESSION) != Z_OK) return Status::Internal("deflateInit failed");
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::Internal(fmt::format("deflate failed: {}", rc));
  return out;
}

Result<std::string> Inflate(std::string_view in, size_t max_out) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Status::Internal("inflateInit failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof(chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status::InvalidArgument(fmt::format(
          "compressed RegisterBrokerBody: bad zlib stream ({})", zs.msg ? zs.msg : "truncated"));
    }
    out.append(chunk, sizeof(chunk) - zs.avail_out);
    if (out.size() > max_out) {
      inflateEnd(&zs);
      return Status::InvalidArgument("compressed RegisterBrokerBody: inflated size over limit");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Status::InvalidArgument("compressed RegisterBrokerBody: truncated zlib stream");
    }
  }
  inflateEnd(&zs);
  return out;
}

void PutPart(std::string* out, std::string_view part) {
  AppendBE32(out, static_cast<uint32_t>(part.size()));
  out->append(part);
}

// Reads length-prefixed parts from the inflated buffer.
class PartReader {
 public:
  explicit PartReader(std::string_view data) : data_(data) {}
  Result<int32_t> Int(std::string_view what) {
    if (data_.size() - pos_ < 4) return Truncated(what);
    int32_t v = static_cast<int32_t>(GetBE32(data_.data() + pos_));
    pos_ += 4;
    return v;
  }
  Result<std::string_view> Part(std::string_view what) {
    TERN_ASSIGN_OR_RETURN(int32_t len, Int(what));
    if (len < 0 || static_cast<size_t>(len) > data_.size() - pos_) return Truncated(what);
    std::string_view part = data_.substr(pos_, static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return part;
  }

 private:
  static Status Truncated(std::string_view what) {
    return Status::InvalidArgument(
        fmt::format("compressed RegisterBrokerBody: truncated at {}", what));
  }
  std::string_view data_;
  size_t pos_ = 0;
};

std::string EncodeStringArray(const std::vector<std::string>& items) {
  JsonWriter w;
  w.BeginArray();
  for (const auto& s : items) w.String(s);
  w.EndArray();
  return w.Take();
}

Result<RegisterBrokerBody> DecodeCompressed(std::string_view body) {
  TERN_ASSIGN_OR_RETURN(std::string raw, Inflate(body, RegisterBrokerBody::kMaxInflatedBytes));
  PartReader r(raw);
  RegisterBrokerBody out;
  TERN_ASSIGN_OR_RETURN(std::string_view dv, r.Part("dataVersion"));
  TERN_ASSIGN_OR_RETURN(out.topic_config_serialize_wrapper.data_version, DataVersion::Decode(dv));
  TERN_ASSIGN_OR_RETURN(int32_t count, r.Int("topic count"));
  if (count < 0)
    return Status::InvalidArgument("compressed RegisterBrokerBody: negative topic count");
  for (int32_t i = 0; i < count; ++i) {
    TERN_ASSIGN_OR_RETURN(std::string_view line, r.Part("topic config"));
    TERN_ASSIGN_OR_RETURN(TopicConfig config, TopicConfig::DecodeLine(line));
    std::string name = config.topic_name;
    out.topic_config_serialize_wrapper.topic_config_table[name] = std::move(config);
  }
  TERN_ASSIGN_OR_RETURN(std::string_view filters, r.Part("filterServerList"));
  TERN_ASSIGN_OR_RETURN(json list, ParseLenientJson(filters, "filterServerList"));
  TERN_ASSIGN_OR_RETURN(out.filter_server_list, JsonStringArray(list, "filterServerList"));
  // 5.x appends TopicQueueMappingInfo entries (static topics); not supported, ignored.
  return out;
}

}  // namespace

std::string RegisterBrokerBody::Encode() const {
  JsonWriter w;
  w.BeginObject().Key("filterServerList").Raw(EncodeStringArray(filter_server_list));
  w.Key("topicConfigSerializeWrapper");
  topic_config_serialize_wrapper.WriteJson(w);
  w.EndObject();
  return w.Take();
}

Result<std::string> RegisterBrokerBody::EncodeCompressed() const {
  std::string raw;
  PutPart(&raw, topic_config_serialize_wrapper.data_version.Encode());
  const auto& table = topic_config_serialize_wrapper.topic_config_table;
  AppendBE32(&raw, static_cast<uint32_t>(table.size()));
  for (const auto& [name, config] : table) PutPart(&raw, config.EncodeLine());
  PutPart(&raw, EncodeStringArray(filter_server_list));
  return Deflate(raw);
}

Result<RegisterBrokerBody> RegisterBrokerBody::Decode(std::string_view body, bool compressed) {
  if (compressed) return DecodeCompressed(body);
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(body, "RegisterBrokerBody"));
  RegisterBrokerBody out;
  if (auto it = j.find("topicConfigSerializeWrapper"); it != j.end() && !it->is_null()) {
    TERN_ASSIGN_OR_RETURN(out.topic_config_serialize_wrapper,
                          TopicConfigSerializeWrapper::FromJson(*it));
  }
  if (auto it = j.find("filterServerList"); it != j.end()) {
    TERN_ASSIGN_OR_RETURN(out.filter_server_list, JsonStringArray(*it, "filterServerList"));
  }
  return out;
}

}  // namespace tern::protocol
