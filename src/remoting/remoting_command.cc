#include "src/remoting/remoting_command.h"

#include <fmt/format.h>

#include "src/base/properties.h"

namespace tern::remoting {

size_t RemotingCommand::BodySize() const {
  size_t n = body.size();
  for (const BodySlice& s : body_slices) n += s.data.size();
  return n;
}

std::string RemotingCommand::FlatBody() const {
  std::string out;
  out.reserve(BodySize());
  out.append(body);
  for (const BodySlice& s : body_slices) out.append(s.data);
  return out;
}

RemotingCommand RemotingCommand::Request(int32_t code) {
  RemotingCommand cmd;
  cmd.code = code;
  return cmd;
}

RemotingCommand RemotingCommand::ResponseTo(const RemotingCommand& request, int32_t code,
                                            std::optional<std::string> remark) {
  RemotingCommand cmd;
  cmd.code = code;
  cmd.opaque = request.opaque;
  cmd.flag = kFlagResponse;
  cmd.remark = std::move(remark);
  cmd.serialize_type = request.serialize_type;
  return cmd;
}

void RemotingCommand::ClearHeader() {
  code = 0;
  version = 0;
  opaque = 0;
  flag = 0;
  language.clear();
  remark.reset();
  ext_fields.clear();
}

std::optional<std::string_view> RemotingCommand::Field(std::string_view name) const {
  auto it = ext_fields.find(name);
  if (it == ext_fields.end()) return std::nullopt;
  return std::string_view(it->second);
}

Result<std::string> RemotingCommand::RequiredString(std::string_view name) const {
  auto v = Field(name);
  if (!v) return Status::InvalidArgument(fmt::format("missing header field {}", name));
  return std::string(*v);
}

Result<int64_t> RemotingCommand::RequiredInt64(std::string_view name) const {
  auto v = Field(name);
  if (!v) return Status::InvalidArgument(fmt::format("missing header field {}", name));
  auto r = ParseInt64(*v);
  if (!r.ok()) return Status::InvalidArgument(fmt::format("header field {}: {}", name, r.status().message()));
  return *r;
}

Result<int32_t> RemotingCommand::RequiredInt32(std::string_view name) const {
  TERN_ASSIGN_OR_RETURN(int64_t v, RequiredInt64(name));
  if (v < INT32_MIN || v > INT32_MAX) {
    return Status::InvalidArgument(fmt::format("header field {}: {} does not fit an int", name, v));
  }
  return static_cast<int32_t>(v);
}

bool RemotingCommand::BoolOr(std::string_view name, bool fallback) const {
  auto v = Field(name);
  if (!v) return fallback;
  if (v->size() != 4) return false;
  std::string lower(*v);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "true";
}

std::string RemotingCommand::StringOr(std::string_view name, std::string fallback) const {
  auto v = Field(name);
  return v ? std::string(*v) : std::move(fallback);
}

Result<int64_t> RemotingCommand::Int64Or(std::string_view name, int64_t fallback) const {
  if (!Field(name)) return fallback;
  return RequiredInt64(name);
}

}  // namespace tern::remoting
