#include "src/base/properties.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace tern {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\f'; }

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}

// Joins physical lines ending in an odd number of backslashes.
std::vector<std::pair<int, std::string>> LogicalLines(std::string_view text) {
  std::vector<std::pair<int, std::string>> out;
  std::string current;
  int start_line = 0;
  int line_no = 0;
  bool continuing = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    if (!continuing) {
      start_line = line_no;
      current.clear();
    } else {
      line = TrimLeft(line);
    }
    size_t backslashes = 0;
    while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
    std::string_view first = TrimLeft(line);
    bool comment = !continuing && !first.empty() && (first.front() == '#' || first.front() == '!');
    if (!comment && backslashes % 2 == 1) {
      current.append(line.substr(0, line.size() - 1));
      continuing = true;
    } else {
      current.append(line);
      continuing = false;
      out.emplace_back(start_line, current);
    }
    if (end == text.size()) break;
    pos = end + 1;
  }
  if (continuing) out.emplace_back(start_line, current);
  return out;
}

Status Unescape(std::string_view in, std::string* out, std::string_view where) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '\\' || i + 1 == in.size()) {
      out->push_back(c);
      continue;
    }
    char e = in[++i];
    switch (e) {
      case 't': out->push_back('\t'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 'f': out->push_back('\f'); break;
      case 'u': {
        if (i + 4 >= in.size()) {
          return Status::InvalidArgument(fmt::format("{}: truncated \\u escape", where));
        }
        unsigned cp = 0;
        auto r = std::from_chars(in.data() + i + 1, in.data() + i + 5, cp, 16);
        if (r.ec != std::errc() || r.ptr != in.data() + i + 5) {
          return Status::InvalidArgument(fmt::format("{}: bad \\u escape", where));
        }
        i += 4;
        if (cp < 0x80) {
          out->push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
          out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
          out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
          out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
          out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
          out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
        break;
      }
      default: out->push_back(e); break;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<PropertyList> ParseProperties(std::string_view text, std::string_view source) {
  PropertyList props;
  for (const auto& [line_no, raw] : LogicalLines(text)) {
    std::string_view line = TrimLeft(raw);
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    // The key ends at the first unescaped '=', ':' or whitespace.
    size_t k = 0;
    while (k < line.size()) {
      char c = line[k];
      if (c == '\\') { k += 2; continue; }
      if (c == '=' || c == ':' || IsSpace(c)) break;
      ++k;
    }
    k = std::min(k, line.size());
    std::string_view key_raw = line.substr(0, k);
    std::string_view rest = TrimLeft(line.substr(k));
    if (!rest.empty() && (rest.front() == '=' || rest.front() == ':')) rest = TrimLeft(rest.substr(1));
    // Trailing whitespace on values is kept by Java; config values never want it.
    while (!rest.empty() && (IsSpace(rest.back()))) rest.remove_suffix(1);
    std::string where = fmt::format("{}:{}", source, line_no);
    std::string key, value;
    TERN_RETURN_IF_ERROR(Unescape(key_raw, &key, where));
    TERN_RETURN_IF_ERROR(Unescape(rest, &value, where));
    props.emplace_back(std::move(key), std::move(value));
  }
  return props;
}

Result<PropertyList> LoadPropertiesFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno("cannot read config file " + path, errno);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseProperties(ss.str(), path);
}

Result<int64_t> ParseInt64(std::string_view text) {
  std::string_view t = text;
  while (!t.empty() && IsSpace(t.front())) t.remove_prefix(1);
  while (!t.empty() && IsSpace(t.back())) t.remove_suffix(1);
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  int64_t v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size()) {
    return Status::InvalidArgument(fmt::format("'{}' is not an integer", text));
  }
  return v;
}

Result<bool> ParseBoolStrict(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true") return true;
  if (lower == "false") return false;
  return Status::InvalidArgument(fmt::format("'{}' is not a boolean (expected true or false)", text));
}

void ConfigRegistry::Add(Entry e) {
  e.default_text = e.get();
  entries_.push_back(std::move(e));
}

void ConfigRegistry::AddString(std::string name, std::string* field, std::string help) {
  Add({std::move(name), "string", std::move(help), "",
       [field](std::string_view v) {
         *field = std::string(v);
         return Status::Ok();
       },
       [field] { return *field; }});
}

namespace {

// A setter that parses an integer, checks [min, max] and stores it in *field.
template <typename Int>
std::function<Status(std::string_view)> IntSetter(Int* field, int64_t min, int64_t max) {
  return [field, min, max](std::string_view v) -> Status {
    auto r = ParseInt64(v);
    if (!r.ok()) return r.status();
    if (*r < min || *r > max) {
      return Status::InvalidArgument(fmt::format("{} is out of range [{}, {}]", *r, min, max));
    }
    *field = static_cast<Int>(*r);
    return Status::Ok();
  };
}

}  // namespace

void ConfigRegistry::AddInt(std::string name, int32_t* field, std::string help, int64_t min,
                            int64_t max) {
  Add({std::move(name), "int", std::move(help), "", IntSetter(field, min, max),
       [field] { return std::to_string(*field); }});
}

void ConfigRegistry::AddInt64(std::string name, int64_t* field, std::string help, int64_t min,
                              int64_t max) {
  Add({std::move(name), "long", std::move(help), "", IntSetter(field, min, max),
       [field] { return std::to_string(*field); }});
}

void ConfigRegistry::AddBool(std::string name, bool* field, std::string help) {
  Add({std::move(name), "bool", std::move(help), "",
       [field](std::string_view v) -> Status {
         auto r = ParseBoolStrict(v);
         if (!r.ok()) return r.status();
         *field = *r;
         return Status::Ok();
       },
       [field] { return std::string(*field ? "true" : "false"); }});
}

void ConfigRegistry::AddEnum(std::string name, std::string* field, std::vector<std::string> choices,
                             std::string help) {
  std::string type = "one of";
  for (const auto& c : choices) type += " " + c;
  Add({std::move(name), type, std::move(help), "",
       [field, choices](std::string_view v) -> Status {
         for (const auto& c : choices) {
           if (c == v) {
             *field = c;
             return Status::Ok();
           }
         }
         std::string list;
         for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
         return Status::InvalidArgument(fmt::format("'{}' is not one of {}", v, list));
       },
       [field] { return *field; }});
}

bool ConfigRegistry::Has(std::string_view name) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.name == name; });
}

Status ConfigRegistry::Set(std::string_view name, std::string_view value) {
  for (auto& e : entries_) {
    if (e.name == name) {
      Status st = e.set(value);
      if (!st.ok()) {
        return Status::InvalidArgument(fmt::format("bad value for {}: {}", name, st.message()));
      }
      return Status::Ok();
    }
  }
  return Status::InvalidArgument(fmt::format("unknown config key '{}'", name));
}

Status ConfigRegistry::ApplyAll(const PropertyList& props) {
  for (const auto& [k, v] : props) TERN_RETURN_IF_ERROR(Set(k, v));
  return Status::Ok();
}

std::string ConfigRegistry::ToPropertiesText() const {
  std::vector<const Entry*> sorted;
  for (const auto& e : entries_) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name < b->name; });
  std::string out;
  for (const Entry* e : sorted) out += fmt::format("{}={}\n", e->name, e->get());
  return out;
}

std::string ConfigRegistry::HelpText() const {
  size_t width = 0;
  for (const auto& e : entries_) width = std::max(width, e.name.size());
  std::string out;
  for (const auto& e : entries_) {
    out += fmt::format("  {:<{}}  {} (default: {}; {})\n", e.name, width, e.help,
                       e.default_text.empty() ? "\"\"" : e.default_text, e.type);
  }
  return out;
}

}  // namespace tern
