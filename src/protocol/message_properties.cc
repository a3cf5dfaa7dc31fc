#include "src/protocol/message_properties.h"

namespace tern::protocol {

std::optional<std::string_view> FindProperty(std::string_view properties, std::string_view key) {
  std::optional<std::string_view> found;
  ForEachProperty(properties, [&](std::string_view name, std::string_view value) {
    if (name == key) found = value;
  });
  return found;
}

MessageProperties MessageProperties::Parse(std::string_view properties) {
  MessageProperties p;
  ForEachProperty(properties, [&](std::string_view name, std::string_view value) {
    p.Set(name, value);
  });
  return p;
}

std::optional<std::string_view> MessageProperties::Get(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

void MessageProperties::Set(std::string_view key, std::string_view value) {
  for (auto& [k, v] : entries_) {
    if (k == key) {
      v.assign(value);
      return;
    }
  }
  entries_.emplace_back(std::string(key), std::string(value));
}

bool MessageProperties::Remove(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

void AppendProperty(std::string* out, std::string_view name, std::string_view value) {
  out->append(name);
  out->push_back(kNameValueSeparator);
  out->append(value);
  out->push_back(kPropertySeparator);
}

void MessageProperties::SerializeTo(std::string* out) const {
  for (const auto& [k, v] : entries_) AppendProperty(out, k, v);
}

std::string MessageProperties::Serialize() const {
  std::string out;
  SerializeTo(&out);
  return out;
}

}  // namespace tern::protocol
