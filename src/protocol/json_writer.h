// JsonWriter: compact JSON text exactly as fastjson writes it for RocketMQ
// bodies -- no whitespace, keys in the order the caller writes them (callers
// write bean fields alphabetically, like fastjson), and the one non-standard
// form real clients expect: bare numeric map keys (`{0:"ip:port"}`, quirks Q3).
//
//   JsonWriter w;
//   w.BeginObject().Key("counter").Int(1).Key("timestamp").Int(ts).EndObject();
//   std::string text = w.Take();
//
// Commas are inserted automatically. Misuse (a value where a key is due,
// unbalanced Begin/End) is a programmer error and aborts. Any thread; not
// shared.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tern::protocol {

// Appends `s` as a JSON string literal: quotes, backslash-escapes `"` and `\`,
// \b \f \n \r \t, other control characters as \u00XX. Other bytes (UTF-8) are
// copied unchanged.
void AppendJsonString(std::string* out, std::string_view s);

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // An object key, quoted and escaped.
  JsonWriter& Key(std::string_view key);
  // An integer map key written without quotes (fastjson's Map<Long,...> form).
  JsonWriter& BareKey(int64_t key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  // Already-encoded JSON text for one value (caller guarantees it is compact).
  JsonWriter& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take();

 private:
  enum class Frame : uint8_t { kObject, kArray };
  void BeforeValue();
  void BeforeKey();

  std::string out_;
  std::vector<Frame> frames_;
  std::vector<bool> first_;   // parallel to frames_: no element written yet
  bool key_pending_ = false;  // a key was written, its value is due
};

}  // namespace tern::protocol
