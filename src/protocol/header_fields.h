// Typed reads of a request's custom-header fields (extFields), following
// Java's conversions (shared/spec/remoting.md §3.1): every value is a string
// on the wire (numbers and booleans sent as JSON values were already
// stringified by the codec, quirks Q2); integers are decimal; a boolean is
// true iff the text equals "true" ignoring case (quirks Q36).
//
// Lives in src/protocol (not src/remoting) so that the typed header structs
// here can be parsed without depending on the remoting library: callers pass
// `RemotingCommand::ext_fields`.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/base/status.h"

namespace tern::protocol {

// The custom header fields of a remoting command (RemotingCommand::ext_fields):
// a small map from name to value, kept as one vector sorted by name (the same
// order a std::map would give, so encoded headers list fields by name).
//
// Every request and response is decoded into one and encoded from one on the
// I/O loops, each with about a dozen short names (one letter in SEND_MESSAGE_V2).
// A sorted vector costs one allocation per command, where a tree took a node
// per field, and names are compared inline instead of through memcmp calls.
class HeaderFields {
 public:
  using value_type = std::pair<std::string, std::string>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  HeaderFields() = default;
  // As std::map: of repeated names, the first one counts.
  HeaderFields(std::initializer_list<value_type> fields);

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  // Keeps the capacity: a command's header is cleared and refilled.
  void clear() { items_.clear(); }

  iterator find(std::string_view name);
  const_iterator find(std::string_view name) const;
  size_t count(std::string_view name) const { return find(name) == end() ? 0 : 1; }
  // std::out_of_range when `name` is absent.
  const std::string& at(std::string_view name) const;
  // The value of `name`, inserted empty when absent.
  std::string& operator[](std::string_view name);
  void insert_or_assign(std::string_view name, std::string value);
  // 1 if `name` was there, else 0.
  size_t erase(std::string_view name);

  friend bool operator==(const HeaderFields& a, const HeaderFields& b) {
    return a.items_ == b.items_;
  }
  friend bool operator!=(const HeaderFields& a, const HeaderFields& b) { return !(a == b); }

 private:
  // The first field whose name is not less than `name`.
  iterator LowerBound(std::string_view name);
  const_iterator LowerBound(std::string_view name) const;
  // `it` (from LowerBound) is the field named `name`.
  bool Holds(const_iterator it, std::string_view name) const;

  std::vector<value_type> items_;
};

// Missing -> InvalidArgument "missing header field <name>"; a malformed number
// -> InvalidArgument naming the field and its text.
Result<std::string> HeaderRequiredString(const HeaderFields& f, std::string_view name);
Result<int32_t> HeaderRequiredInt32(const HeaderFields& f, std::string_view name);
Result<int64_t> HeaderRequiredInt64(const HeaderFields& f, std::string_view name);
// Optional fields: missing -> nullopt. A malformed number is still an error
// (Java leaves it null and the processor fails later; we say why at once).
std::optional<std::string> HeaderOptionalString(const HeaderFields& f, std::string_view name);
Result<std::optional<int32_t>> HeaderOptionalInt32(const HeaderFields& f, std::string_view name);
Result<std::optional<int64_t>> HeaderOptionalInt64(const HeaderFields& f, std::string_view name);
// Java Boolean.parseBoolean; missing -> `fallback`.
bool HeaderBool(const HeaderFields& f, std::string_view name, bool fallback);

}  // namespace tern::protocol
