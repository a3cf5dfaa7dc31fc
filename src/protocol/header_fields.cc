#include "src/protocol/header_fields.h"

#include <fmt/format.h>

#include <cstddef>
#include <stdexcept>

#include "src/base/properties.h"

namespace tern::protocol {
namespace {

// <0, 0 or >0 as std::string::compare orders them (bytes as unsigned char),
// without a memcmp call: header names are a few bytes long.
int CompareName(std::string_view a, std::string_view b) {
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

// Room for a whole request header at the first insertion (a send or pull
// request has 13 fields), so that filling one allocates once.
constexpr size_t kInitialCapacity = 16;

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

HeaderFields::HeaderFields(std::initializer_list<value_type> fields) {
  items_.reserve(fields.size());
  for (const auto& [name, value] : fields) {
    auto it = LowerBound(name);
    if (!Holds(it, name)) items_.emplace(it, name, value);
  }
}

bool HeaderFields::Holds(const_iterator it, std::string_view name) const {
  return it != items_.end() && CompareName(it->first, name) == 0;
}

HeaderFields::iterator HeaderFields::LowerBound(std::string_view name) {
  // Fields often arrive in name order (our encoders write them so): check the end first.
  if (items_.empty() || CompareName(items_.back().first, name) < 0) return items_.end();
  size_t lo = 0, hi = items_.size() - 1;  // the answer is in [lo, hi]
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (CompareName(items_[mid].first, name) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return items_.begin() + static_cast<std::ptrdiff_t>(lo);
}

HeaderFields::const_iterator HeaderFields::LowerBound(std::string_view name) const {
  return const_cast<HeaderFields*>(this)->LowerBound(name);
}

HeaderFields::iterator HeaderFields::find(std::string_view name) {
  auto it = LowerBound(name);
  return Holds(it, name) ? it : items_.end();
}

HeaderFields::const_iterator HeaderFields::find(std::string_view name) const {
  return const_cast<HeaderFields*>(this)->find(name);
}

const std::string& HeaderFields::at(std::string_view name) const {
  auto it = find(name);
  if (it == end()) throw std::out_of_range("no header field " + std::string(name));
  return it->second;
}

std::string& HeaderFields::operator[](std::string_view name) {
  auto it = LowerBound(name);
  if (Holds(it, name)) return it->second;
  if (items_.capacity() == 0) {
    items_.reserve(kInitialCapacity);
    it = items_.end();
  }
  return items_.emplace(it, std::string(name), std::string())->second;
}

void HeaderFields::insert_or_assign(std::string_view name, std::string value) {
  (*this)[name] = std::move(value);
}

size_t HeaderFields::erase(std::string_view name) {
  auto it = find(name);
  if (it == items_.end()) return 0;
  items_.erase(it);
  return 1;
}

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
