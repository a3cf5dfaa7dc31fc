#include "src/protocol/header_fields.h"

#include <fmt/format.h>

#include "src/base/properties.h"

namespace tern::protocol {
namespace {

const std::string* Find(const HeaderFields& f, std::string_view name) {
  auto it = f.find(name);
  return it == f.end() ? nullptr : &it->second;
}

Result<int64_t> ToInt64(std::string_view name, const std::string& text) {
  auto r = ParseInt64(text);
  if (!r.ok()) {
    return Status::InvalidArgument(
        fmt::format("header field {}: '{}' is not an integer", name, text));
  }
  return *r;
}

Result<int32_t> ToInt32(std::string_view name, const std::string& text) {
  TERN_ASSIGN_OR_RETURN(int64_t v, ToInt64(name, text));
  if (v < INT32_MIN || v > INT32_MAX) {
    return Status::InvalidArgument(fmt::format("header field {}: {} does not fit an int", name, v));
  }
  return static_cast<int32_t>(v);
}

Status Missing(std::string_view name) {
  return Status::InvalidArgument(fmt::format("missing header field {}", name));
}

}  // namespace

Result<std::string> HeaderRequiredString(const HeaderFields& f, std::string_view name) {
  const std::string* v = Find(f, name);
  if (v == nullptr) return Missing(name);
  return *v;
}

Result<int32_t> HeaderRequiredInt32(const HeaderFields& f, std::string_view name) {
  const std::string* v = Find(f, name);
  if (v == nullptr) return Missing(name);
  return ToInt32(name, *v);
}

Result<int64_t> HeaderRequiredInt64(const HeaderFields& f, std::string_view name) {
  const std::string* v = Find(f, name);
  if (v == nullptr) return Missing(name);
  return ToInt64(name, *v);
}

std::optional<std::string> HeaderOptionalString(const HeaderFields& f, std::string_view name) {
  const std::string* v = Find(f, name);
  if (v == nullptr) return std::nullopt;
  return *v;
}

Result<std::optional<int32_t>> HeaderOptionalInt32(const HeaderFields& f, std::string_view name) {
  const std::string* v = Find(f, name);
  if (v == nullptr) return std::optional<int32_t>();
  TERN_ASSIGN_OR_RETURN(int32_t x, ToInt32(name, *v));
  return std::optional<int32_t>(x);
}

Result<std::optional<int64_t>> HeaderOptionalInt64(const HeaderFields& f, std::string_view name) {
  const std::string* v = Find(f, name);
  if (v == nullptr) return std::optional<int64_t>();
  TERN_ASSIGN_OR_RETURN(int64_t x, ToInt64(name, *v));
  return std::optional<int64_t>(x);
}

bool HeaderBool(const HeaderFields& f, std::string_view name, bool fallback) {
  const std::string* v = Find(f, name);
  if (v == nullptr) return fallback;
  if (v->size() != 4) return false;
  std::string lower(*v);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "true";
}

}  // namespace tern::protocol
