// RemotingCommand: one request or response of the RocketMQ remoting protocol
// (shared/spec/remoting.md §2-§5). A plain value type; the codec in
// command_codec.h turns it into frames and back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/net/write_slice.h"
#include "src/protocol/codes.h"
#include "src/protocol/header_fields.h"

namespace tern::remoting {

enum class SerializeType : uint8_t { kJson = 0, kRocketmq = 1 };

inline constexpr int32_t kFlagResponse = 0x1;
inline constexpr int32_t kFlagOneway = 0x2;

// Bytes owned elsewhere plus the handle that keeps them valid.
using BodySlice = net::WriteSlice;

struct RemotingCommand {
  int32_t code = 0;
  // The language name as sent (JSON) or mapped from the binary byte. We send "JAVA".
  std::string language = "JAVA";
  int32_t version = protocol::kOurVersion;
  int32_t opaque = 0;
  int32_t flag = 0;
  std::optional<std::string> remark;
  // Custom header fields; always strings (numbers/booleans on input are stringified).
  protocol::HeaderFields ext_fields;
  std::string body;
  // More body bytes, written after `body` without copying (zero-copy pull
  // responses: records in the mapped CommitLog). Each slice's keep-alive holds
  // its bytes valid; the connection releases them once written. Only for
  // commands being sent: a received command has everything in `body`.
  std::vector<BodySlice> body_slices;
  // How this command was (or will be) serialized. Responses use the request's.
  SerializeType serialize_type = SerializeType::kJson;

  // body.size() plus the slices' sizes: the body length on the wire.
  size_t BodySize() const;
  // `body` followed by the slices, copied into one string (tests, in-process use).
  std::string FlatBody() const;

  bool IsResponse() const { return (flag & kFlagResponse) != 0; }
  bool IsOneway() const { return (flag & kFlagOneway) != 0; }

  // A new request with the given code (opaque is assigned by the sender).
  static RemotingCommand Request(int32_t code);
  // A response to `request`: same opaque and serialization, response flag set.
  static RemotingCommand ResponseTo(const RemotingCommand& request, int32_t code,
                                    std::optional<std::string> remark = std::nullopt);

  // Resets what a decoded header sets (code, version, opaque, flag, language,
  // remark, ext_fields) before a decoder fills them in.
  void ClearHeader();

  // Header field access. Missing fields are std::nullopt.
  std::optional<std::string_view> Field(std::string_view name) const;
  void SetField(std::string name, std::string value) { ext_fields[std::move(name)] = std::move(value); }
  void SetField(std::string name, int64_t value) { ext_fields[std::move(name)] = std::to_string(value); }
  void SetField(std::string name, bool value) { ext_fields[std::move(name)] = value ? "true" : "false"; }
  void SetField(std::string name, const char* value) { ext_fields[std::move(name)] = value; }

  // Typed reads following Java's conversions (remoting.md §3.1). A missing
  // field is InvalidArgument "missing header field <name>"; a malformed number
  // is InvalidArgument naming the field and the text.
  Result<std::string> RequiredString(std::string_view name) const;
  Result<int64_t> RequiredInt64(std::string_view name) const;
  Result<int32_t> RequiredInt32(std::string_view name) const;
  // Booleans: true iff the text equals "true" ignoring case (Java
  // Boolean.parseBoolean); missing -> `fallback`.
  bool BoolOr(std::string_view name, bool fallback) const;
  std::string StringOr(std::string_view name, std::string fallback) const;
  Result<int64_t> Int64Or(std::string_view name, int64_t fallback) const;
};

}  // namespace tern::remoting
