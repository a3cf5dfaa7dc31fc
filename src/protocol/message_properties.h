// The message properties string (shared/spec/message-format.md §2):
// `name U+0001 value U+0002 ...`, with or without a trailing U+0002.
//
// FindProperty / ForEachProperty read a serialized string without allocating
// (dispatch uses them for TAGS, KEYS, UNIQ_KEY). MessageProperties is an
// editable, ordered map for code that rewrites properties (retry, delay, batch).
// Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/protocol/message_const.h"

namespace tern::protocol {

// Calls f(name, value) for every pair Java would keep: segments split on U+0002,
// kept only if ≥ 3 chars long and their first U+0001 is neither first nor last
// (empty names and values are dropped). Values may contain further U+0001.
template <typename F>
void ForEachProperty(std::string_view properties, F&& f) {
  size_t pos = 0;
  while (pos < properties.size()) {
    size_t end = properties.find(kPropertySeparator, pos);
    if (end == std::string_view::npos) end = properties.size();
    std::string_view seg = properties.substr(pos, end - pos);
    if (seg.size() >= 3) {
      size_t sep = seg.find(kNameValueSeparator);
      if (sep != std::string_view::npos && sep != 0 && sep != seg.size() - 1) {
        f(seg.substr(0, sep), seg.substr(sep + 1));
      }
    }
    pos = end + 1;
  }
}

// The value of `key` (the last occurrence wins, as with Java's HashMap), or nullopt.
std::optional<std::string_view> FindProperty(std::string_view properties, std::string_view key);

// An ordered name -> value map. Set() replaces an existing name in place.
class MessageProperties {
 public:
  MessageProperties() = default;
  // Never fails: malformed segments are dropped (Java rule above).
  static MessageProperties Parse(std::string_view properties);

  std::optional<std::string_view> Get(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key).has_value(); }
  void Set(std::string_view key, std::string_view value);
  // Returns true if the key was present.
  bool Remove(std::string_view key);

  // Writes U+0002 after every pair (Java ≤ 4.9.0 / ≥ 5.2, Go, C++, Node).
  std::string Serialize() const;
  void SerializeTo(std::string* out) const;

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// Appends one `name U+0001 value U+0002` pair.
void AppendProperty(std::string* out, std::string_view name, std::string_view value);

}  // namespace tern::protocol
