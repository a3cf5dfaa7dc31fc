#include "src/protocol/lenient_json.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "src/base/properties.h"
#include "src/protocol/json_writer.h"

namespace tern::protocol {
namespace {

using nlohmann::json;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsBareKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '-' ||
         c == '+' || c == '.';
}

// Copies a double-quoted string literal starting at text[i] (the opening
// quote) to *out; returns the index after the closing quote.
size_t CopyDoubleQuoted(std::string_view text, size_t i, std::string* out) {
  out->push_back('"');
  ++i;
  while (i < text.size()) {
    char c = text[i];
    out->push_back(c);
    ++i;
    if (c == '\\' && i < text.size()) {
      out->push_back(text[i]);
      ++i;
    } else if (c == '"') {
      break;
    }
  }
  return i;
}

// Converts a single-quoted literal at text[i] into a double-quoted one.
size_t CopySingleQuoted(std::string_view text, size_t i, std::string* out) {
  out->push_back('"');
  ++i;
  while (i < text.size()) {
    char c = text[i++];
    if (c == '\\' && i < text.size()) {
      char n = text[i++];
      if (n == '\'') {
        out->push_back('\'');
      } else {
        out->push_back('\\');
        out->push_back(n);
      }
    } else if (c == '\'') {
      break;
    } else if (c == '"') {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
  return i;
}

// Returns the index just past the balanced object or array starting at
// text[i], skipping over string literals. Returns text.size() if unbalanced.
size_t SkipBalanced(std::string_view text, size_t i) {
  int depth = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"' || c == '\'') {
      char quote = c;
      ++i;
      while (i < text.size() && text[i] != quote) i += (text[i] == '\\') ? 2 : 1;
      ++i;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') {
      --depth;
      if (depth == 0) return i + 1;
    }
    ++i;
  }
  return text.size();
}

void DropTrailingComma(std::string* out) {
  size_t j = out->size();
  while (j > 0 && IsSpace((*out)[j - 1])) --j;
  if (j > 0 && (*out)[j - 1] == ',') out->erase(j - 1, 1);
}

std::string TypeError(std::string_view key, const json& v, std::string_view expected) {
  return fmt::format("field {}: expected {}, got {}", key, expected,
                     v.dump(-1, ' ', false, json::error_handler_t::replace));
}

// Object-valued keys nest at most this deep; deeper ones are left as they
// are (and then rejected by the parser) so hostile input cannot recurse
// without bound.
constexpr int kMaxKeyNesting = 8;

std::string ToStrictJsonAt(std::string_view text, int key_depth);

}  // namespace

std::string ToStrictJson(std::string_view text) { return ToStrictJsonAt(text, 0); }

namespace {

std::string ToStrictJsonAt(std::string_view text, int key_depth) {
  std::string out;
  out.reserve(text.size() + 16);
  std::vector<char> stack;  // '{' or '['
  bool expect_key = false;  // inside an object, at a key position
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (IsSpace(c)) {
      out.push_back(c);
      ++i;
      continue;
    }
    if (c == '"') {
      i = CopyDoubleQuoted(text, i, &out);
      expect_key = false;
      continue;
    }
    if (c == '\'') {
      i = CopySingleQuoted(text, i, &out);
      expect_key = false;
      continue;
    }
    if (expect_key && c == '{' && key_depth < kMaxKeyNesting) {
      // An object used as a map key: keep its text as a string key.
      size_t end = SkipBalanced(text, i);
      std::string key_text = ToStrictJsonAt(text.substr(i, end - i), key_depth + 1);
      AppendJsonString(&out, key_text);
      i = end;
      expect_key = false;
      continue;
    }
    if (expect_key && IsBareKeyChar(c)) {
      size_t start = i;
      while (i < text.size() && IsBareKeyChar(text[i])) ++i;
      AppendJsonString(&out, text.substr(start, i - start));
      expect_key = false;
      continue;
    }
    switch (c) {
      case '{':
        stack.push_back('{');
        expect_key = true;
        break;
      case '[':
        stack.push_back('[');
        expect_key = false;
        break;
      case '}':
      case ']':
        DropTrailingComma(&out);
        if (!stack.empty()) stack.pop_back();
        expect_key = false;
        break;
      case ',':
        expect_key = !stack.empty() && stack.back() == '{';
        break;
      default:
        expect_key = false;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace

Result<json> ParseLenientJson(std::string_view text, std::string_view what) {
  if (text.empty()) return Status::InvalidArgument(fmt::format("{}: empty JSON body", what));
  std::string strict = ToStrictJson(text);
  try {
    return json::parse(strict);
  } catch (const json::exception& e) {
    return Status::InvalidArgument(fmt::format("{}: bad JSON: {}", what, e.what()));
  }
}

Result<json> ParseLenientJsonObject(std::string_view text, std::string_view what) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJson(text, what));
  if (!j.is_object()) {
    return Status::InvalidArgument(fmt::format("{}: expected a JSON object", what));
  }
  return j;
}

Result<int64_t> JsonValueToInt64(const json& v, std::string_view what) {
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return Status::InvalidArgument(TypeError(what, v, "a 64-bit integer"));
    }
    return v.get<int64_t>();
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::trunc(d) == d && std::fabs(d) < 9.2e18) return static_cast<int64_t>(d);
    return Status::InvalidArgument(TypeError(what, v, "an integer"));
  }
  if (v.is_string()) {
    auto r = ParseInt64(v.get_ref<const std::string&>());
    if (r.ok()) return *r;
  }
  return Status::InvalidArgument(TypeError(what, v, "an integer"));
}

Result<std::string> JsonValueToString(const json& v, std::string_view what) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_boolean()) return v.dump();
  return Status::InvalidArgument(TypeError(what, v, "a string"));
}

Result<std::vector<std::string>> JsonStringArray(const json& v, std::string_view what) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (!v.is_array()) return Status::InvalidArgument(fmt::format("{}: expected an array", what));
  for (const json& item : v) {
    TERN_ASSIGN_OR_RETURN(std::string s, JsonValueToString(item, what));
    out.push_back(std::move(s));
  }
  return out;
}

Result<int64_t> JsonInt64(const json& obj, std::string_view key, int64_t fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  return JsonValueToInt64(*it, key);
}

Result<int32_t> JsonInt32(const json& obj, std::string_view key, int32_t fallback) {
  TERN_ASSIGN_OR_RETURN(int64_t v, JsonInt64(obj, key, fallback));
  if (v < INT32_MIN || v > INT32_MAX) {
    return Status::InvalidArgument(fmt::format("field {}: {} does not fit an int", key, v));
  }
  return static_cast<int32_t>(v);
}

Result<bool> JsonBool(const json& obj, std::string_view key, bool fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    if (s == "true") return true;
    if (s == "false") return false;
  }
  return Status::InvalidArgument(TypeError(key, *it, "a boolean"));
}

Result<std::string> JsonString(const json& obj, std::string_view key, std::string fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  return JsonValueToString(*it, key);
}

}  // namespace tern::protocol
