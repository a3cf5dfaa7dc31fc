#include "src/protocol/json_writer.h"

#include <fmt/format.h>

#include "src/base/check.h"

namespace tern::protocol {

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          out->append(fmt::format("\\u{:04x}", c));
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void JsonWriter::BeforeValue() {
  if (frames_.empty()) {
    TERN_CHECK(out_.empty()) << "JsonWriter: a second top-level value";
    return;
  }
  if (frames_.back() == Frame::kObject) {
    TERN_CHECK(key_pending_) << "JsonWriter: value without a key inside an object";
    key_pending_ = false;
    return;
  }
  if (!first_.back()) out_.push_back(',');
  first_.back() = false;
}

void JsonWriter::BeforeKey() {
  TERN_CHECK(!frames_.empty() && frames_.back() == Frame::kObject && !key_pending_)
      << "JsonWriter: key outside an object or after another key";
  if (!first_.back()) out_.push_back(',');
  first_.back() = false;
  key_pending_ = true;
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  frames_.push_back(Frame::kObject);
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  TERN_CHECK(!frames_.empty() && frames_.back() == Frame::kObject && !key_pending_)
      << "JsonWriter: unbalanced EndObject";
  frames_.pop_back();
  first_.pop_back();
  out_.push_back('}');
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  frames_.push_back(Frame::kArray);
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  TERN_CHECK(!frames_.empty() && frames_.back() == Frame::kArray)
      << "JsonWriter: unbalanced EndArray";
  frames_.pop_back();
  first_.pop_back();
  out_.push_back(']');
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  BeforeKey();
  AppendJsonString(&out_, key);
  out_.push_back(':');
  return *this;
}

JsonWriter& JsonWriter::BareKey(int64_t key) {
  BeforeKey();
  out_.append(std::to_string(key));
  out_.push_back(':');
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendJsonString(&out_, value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  out_.append(std::to_string(value));
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_.append(json);
  return *this;
}

std::string JsonWriter::Take() {
  TERN_CHECK(frames_.empty()) << "JsonWriter: Take() with open objects or arrays";
  std::string out = std::move(out_);
  out_.clear();
  return out;
}

}  // namespace tern::protocol
