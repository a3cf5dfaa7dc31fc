#include "src/remoting/command_codec.h"

#include <fmt/format.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "src/base/byte_coding.h"
#include "src/base/properties.h"
#include "src/remoting/json_header_scan.h"

namespace tern::remoting {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence starting at s[i] (a non-ASCII
// lead byte), or 0 when it is malformed (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the first continuation byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < n) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if ((at(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Returns true when `s` is valid UTF-8; otherwise writes a copy with every
// malformed byte replaced by U+FFFD to `fixed`.
bool CheckUtf8(std::string_view s, std::string* fixed) {
  size_t i = 0;
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  bool valid = true;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      if (!valid) fixed->push_back(s[i]);
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      if (valid) {
        valid = false;
        fixed->assign(s.substr(0, i));
      }
      fixed->append(kReplacementChar);
      ++i;
      continue;
    }
    if (!valid) fixed->append(s.substr(i, n));
    i += n;
  }
  return valid;
}

// Appends `s` as a JSON string literal.
void AppendJsonString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied verbatim
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    size_t n = c >= 0x80 ? Utf8SequenceLength(s, i) : 0;
    if (n > 0) {  // well-formed non-ASCII: raw UTF-8, like Java
      i += n;
      continue;
    }
    out->append(s.substr(run, i - run));
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out->append(esc, sizeof(esc));
    } else {
      out->append(kReplacementChar);
    }
    run = ++i;
  }
  out->append(s.substr(run));
  out->push_back('"');
}

// Reads an int32 field given as a JSON integer or a numeric string (numbers
// up to 2^32-1 wrap, as a Java int would after an unsigned writer).
Status JsonInt32(const Json& obj, const char* name, int32_t* out) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  int64_t v;
  if (it->is_number_unsigned()) {
    uint64_t u = it->get<uint64_t>();
    if (u > std::numeric_limits<uint32_t>::max()) {
      return Status::Corruption(fmt::format("JSON header field {} out of range", name));
    }
    v = static_cast<int64_t>(u);
  } else if (it->is_number_integer()) {
    v = it->get<int64_t>();
  } else if (it->is_string()) {
    auto r = ParseInt64(it->get_ref<const std::string&>());
    if (!r.ok())
      return Status::Corruption(fmt::format("JSON header field {} is not a number", name));
    v = *r;
  } else {
    return Status::Corruption(fmt::format("JSON header field {} is not an integer", name));
  }
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<uint32_t>::max()) {
    return Status::Corruption(fmt::format("JSON header field {} out of range", name));
  }
  *out = static_cast<int32_t>(static_cast<uint32_t>(v));
  return Status::Ok();
}

// The text of a scalar as fastjson would stringify it into a String field:
// 1, false, 1.5; objects and arrays as compact JSON.
std::string JsonText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Status DecodeJsonObject(const Json& j, RemotingCommand* cmd) {
  if (!j.is_object()) return Status::Corruption("JSON header is not an object");
  cmd->ClearHeader();
  TERN_RETURN_IF_ERROR(JsonInt32(j, "code", &cmd->code));
  TERN_RETURN_IF_ERROR(JsonInt32(j, "version", &cmd->version));
  TERN_RETURN_IF_ERROR(JsonInt32(j, "opaque", &cmd->opaque));
  TERN_RETURN_IF_ERROR(JsonInt32(j, "flag", &cmd->flag));
  if (auto it = j.find("language"); it != j.end() && !it->is_null()) {
    if (it->is_number_unsigned()) {
      uint64_t b = it->get<uint64_t>();
      cmd->language = protocol::LanguageName(
          protocol::LanguageFromByte(b > 255 ? 255 : static_cast<uint8_t>(b)));
    } else {
      cmd->language = JsonText(*it);
    }
  }
  if (auto it = j.find("remark"); it != j.end() && !it->is_null()) cmd->remark = JsonText(*it);
  if (auto it = j.find("extFields"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return Status::Corruption("JSON header extFields is not an object");
    for (const auto& [key, value] : it->items()) {
      if (value.is_null()) continue;
      cmd->ext_fields.insert_or_assign(key, JsonText(value));
    }
  }
  return Status::Ok();
}

void AppendJsonHeader(const RemotingCommand& cmd, std::string* o) {
  std::string& out = *o;
  out.reserve(out.size() + 128 + cmd.ext_fields.size() * 32 +
              (cmd.remark ? cmd.remark->size() : 0));
  out.append("{\"code\":").append(std::to_string(cmd.code));
  if (!cmd.ext_fields.empty()) {
    out.append(",\"extFields\":{");
    bool first = true;
    for (const auto& [key, value] : cmd.ext_fields) {
      if (!first) out.push_back(',');
      first = false;
      AppendJsonString(&out, key);
      out.push_back(':');
      AppendJsonString(&out, value);
    }
    out.push_back('}');
  }
  out.append(",\"flag\":").append(std::to_string(cmd.flag));
  out.append(",\"language\":");
  AppendJsonString(&out, cmd.language);
  out.append(",\"opaque\":").append(std::to_string(cmd.opaque));
  if (cmd.remark) {
    out.append(",\"remark\":");
    AppendJsonString(&out, *cmd.remark);
  }
  out.append(",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":")
      .append(std::to_string(cmd.version));
  out.push_back('}');
}

Status AppendBinaryHeader(const RemotingCommand& cmd, std::string* o) {
  auto fits16 = [](int32_t v) {
    return v >= std::numeric_limits<int16_t>::min() && v <= std::numeric_limits<int16_t>::max();
  };
  if (!fits16(cmd.code)) {
    return Status::InvalidArgument(
        fmt::format("code {} does not fit the ROCKETMQ header", cmd.code));
  }
  if (!fits16(cmd.version)) {
    return Status::InvalidArgument(
        fmt::format("version {} does not fit the ROCKETMQ header", cmd.version));
  }
  size_t ext_bytes = 0;
  for (const auto& [key, value] : cmd.ext_fields) {
    if (key.size() > static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
      return Status::InvalidArgument("extFields key too long for the ROCKETMQ header");
    }
    ext_bytes += 2 + key.size() + 4 + value.size();
  }
  size_t remark_bytes = cmd.remark ? cmd.remark->size() : 0;
  if (kMinBinaryHeaderBytes + remark_bytes + ext_bytes > kMaxHeaderBytes) {
    return Status::InvalidArgument("ROCKETMQ header too large");
  }
  std::string& out = *o;
  out.reserve(out.size() + kMinBinaryHeaderBytes + remark_bytes + ext_bytes);
  AppendBE16(&out, static_cast<uint16_t>(static_cast<int16_t>(cmd.code)));
  out.push_back(static_cast<char>(protocol::LanguageFromName(cmd.language)));
  AppendBE16(&out, static_cast<uint16_t>(static_cast<int16_t>(cmd.version)));
  AppendBE32(&out, static_cast<uint32_t>(cmd.opaque));
  AppendBE32(&out, static_cast<uint32_t>(cmd.flag));
  AppendBE32(&out, static_cast<uint32_t>(remark_bytes));
  if (cmd.remark) out.append(*cmd.remark);
  AppendBE32(&out, static_cast<uint32_t>(ext_bytes));
  for (const auto& [key, value] : cmd.ext_fields) {
    AppendBE16(&out, static_cast<uint16_t>(key.size()));
    out.append(key);
    AppendBE32(&out, static_cast<uint32_t>(value.size()));
    out.append(value);
  }
  return Status::Ok();
}

Status AppendHeader(const RemotingCommand& cmd, std::string* out) {
  if (cmd.serialize_type == SerializeType::kRocketmq) return AppendBinaryHeader(cmd, out);
  AppendJsonHeader(cmd, out);
  return Status::Ok();
}

}  // namespace

std::string EncodeJsonHeader(const RemotingCommand& cmd) {
  std::string out;
  AppendJsonHeader(cmd, &out);
  return out;
}

Result<std::string> EncodeBinaryHeader(const RemotingCommand& cmd) {
  std::string out;
  TERN_RETURN_IF_ERROR(AppendBinaryHeader(cmd, &out));
  return out;
}

Result<std::string> EncodeHeader(const RemotingCommand& cmd) {
  std::string out;
  TERN_RETURN_IF_ERROR(AppendHeader(cmd, &out));
  return out;
}

Status EncodeFramePrefix(const RemotingCommand& cmd, std::string* out) {
  // The header is built in place after 8 placeholder bytes, then the two
  // length words are patched in.
  out->assign(kFramePrefixBytes, '\0');
  TERN_RETURN_IF_ERROR(AppendHeader(cmd, out));
  size_t header_size = out->size() - kFramePrefixBytes;
  if (header_size > kMaxHeaderBytes) return Status::InvalidArgument("header longer than 16 MiB");
  uint64_t total = 4 + header_size + cmd.BodySize();
  if (total > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument("frame longer than 2 GiB");
  }
  PutBE32(out->data(), static_cast<uint32_t>(total));
  PutBE32(out->data() + 4,
          (static_cast<uint32_t>(cmd.serialize_type) << 24) | static_cast<uint32_t>(header_size));
  return Status::Ok();
}

Result<std::string> EncodeFrame(const RemotingCommand& cmd) {
  std::string out;
  TERN_RETURN_IF_ERROR(EncodeFramePrefix(cmd, &out));
  out.append(cmd.body);
  for (const BodySlice& slice : cmd.body_slices) out.append(slice.data);
  return out;
}

namespace {

// The DOM decoder proper; `header` is valid UTF-8.
Status DecodeValidJsonWithDom(std::string_view header, RemotingCommand* cmd) {
  cmd->serialize_type = SerializeType::kJson;
  try {
    Json j = Json::parse(header.begin(), header.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return Status::Corruption("JSON header does not parse");
    return DecodeJsonObject(j, cmd);
  } catch (const Json::exception& e) {
    return Status::Corruption(fmt::format("JSON header: {}", e.what()));
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted("JSON header: out of memory");
  }
}

}  // namespace

Status DecodeJsonHeader(std::string_view header, RemotingCommand* cmd) {
  std::string fixed;
  if (!CheckUtf8(header, &fixed)) header = fixed;
  cmd->serialize_type = SerializeType::kJson;
  if (ScanJsonHeader(header, cmd)) return Status::Ok();
  return DecodeValidJsonWithDom(header, cmd);
}

Status DecodeJsonHeaderWithDom(std::string_view header, RemotingCommand* cmd) {
  std::string fixed;
  if (!CheckUtf8(header, &fixed)) header = fixed;
  return DecodeValidJsonWithDom(header, cmd);
}

Status DecodeBinaryHeader(std::string_view header, RemotingCommand* cmd) {
  if (header.size() < kMinBinaryHeaderBytes) {
    return Status::Corruption(fmt::format("ROCKETMQ header of {} bytes is shorter than {}",
                                          header.size(), kMinBinaryHeaderBytes));
  }
  ByteReader r(header);
  uint16_t code, version;
  uint8_t lang;
  uint32_t opaque, flag, remark_len, ext_len;
  // The fixed fields cannot fail: the size was checked above.
  r.ReadBE16(&code);
  r.ReadU8(&lang);
  r.ReadBE16(&version);
  r.ReadBE32(&opaque);
  r.ReadBE32(&flag);
  r.ReadBE32(&remark_len);
  std::string_view remark;
  if (remark_len > r.remaining() || !r.ReadBytes(remark_len, &remark)) {
    return Status::Corruption(
        fmt::format("ROCKETMQ header remark length {} runs past the header", remark_len));
  }
  std::string_view ext;
  if (!r.ReadBE32(&ext_len) || ext_len > r.remaining() || !r.ReadBytes(ext_len, &ext)) {
    return Status::Corruption("ROCKETMQ header extFields length runs past the header");
  }
  cmd->serialize_type = SerializeType::kRocketmq;
  cmd->code = static_cast<int16_t>(code);
  cmd->language = std::string(protocol::LanguageName(protocol::LanguageFromByte(lang)));
  cmd->version = static_cast<int16_t>(version);
  cmd->opaque = static_cast<int32_t>(opaque);
  cmd->flag = static_cast<int32_t>(flag);
  if (remark.empty()) {
    cmd->remark.reset();
  } else {
    cmd->remark = std::string(remark);
  }
  cmd->ext_fields.clear();
  ByteReader e(ext);
  while (e.remaining() > 0) {
    uint16_t key_len;
    uint32_t value_len;
    std::string_view key, value;
    if (!e.ReadBE16(&key_len) || static_cast<int16_t>(key_len) < 0 || !e.ReadBytes(key_len, &key) ||
        !e.ReadBE32(&value_len) || value_len > e.remaining() || !e.ReadBytes(value_len, &value)) {
      return Status::Corruption("ROCKETMQ header extFields entry runs past its section");
    }
    // Java decodes a zero-length key or value as null: the field is absent.
    if (key.empty() || value.empty()) continue;
    cmd->ext_fields.insert_or_assign(std::string(key), std::string(value));
  }
  return Status::Ok();
}

Status DecodeHeader(uint8_t serialize_type, std::string_view header, RemotingCommand* cmd) {
  switch (serialize_type) {
    case static_cast<uint8_t>(SerializeType::kJson):
      return DecodeJsonHeader(header, cmd);
    case static_cast<uint8_t>(SerializeType::kRocketmq):
      return DecodeBinaryHeader(header, cmd);
    default:
      return Status::Corruption(fmt::format("unknown serialize type {}", serialize_type));
  }
}

Result<RemotingCommand> DecodeFrame(std::string_view frame) {
  if (frame.size() < kFramePrefixBytes) return Status::Corruption("frame shorter than 8 bytes");
  uint32_t total = GetBE32(frame.data());
  if (total != frame.size() - 4) {
    return Status::Corruption(
        fmt::format("frame length {} does not match {} bytes", total, frame.size() - 4));
  }
  uint32_t word = GetBE32(frame.data() + 4);
  uint8_t type = static_cast<uint8_t>(word >> 24);
  uint32_t header_len = word & kMaxHeaderBytes;
  if (header_len > total - 4) {
    return Status::Corruption(
        fmt::format("header length {} exceeds frame length {}", header_len, total));
  }
  RemotingCommand cmd;
  TERN_RETURN_IF_ERROR(DecodeHeader(type, frame.substr(kFramePrefixBytes, header_len), &cmd));
  cmd.body.assign(frame.substr(kFramePrefixBytes + header_len));
  return cmd;
}

}  // namespace tern::remoting
