// Java-style .properties text (RocketMQ's broker.conf / namesrv.conf) and a
// typed configuration registry built on it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/base/status.h"

namespace tern {

using PropertyList = std::vector<std::pair<std::string, std::string>>;

// Parses .properties text: `key=value`, `key: value` or `key value`; `#` and `!`
// comments; blank lines; a trailing backslash continues a line; escapes \t \n
// \r \f \\ \uXXXX. Keys keep their order of appearance. `source` names the
// input in error messages ("broker.conf:12: ...").
Result<PropertyList> ParseProperties(std::string_view text, std::string_view source);

// Reads and parses a file.
Result<PropertyList> LoadPropertiesFile(const std::string& path);

// A set of named, typed settings bound to fields of a config struct.
//
//   ConfigRegistry reg;
//   reg.AddInt("listenPort", &cfg.listen_port, "port of the main listener");
//   TERN_RETURN_IF_ERROR(reg.ApplyAll(props));
//
// Unknown keys and bad values are errors that name the key. Not thread-safe:
// the bound fields belong to whoever owns the config struct.
class ConfigRegistry {
 public:
  void AddString(std::string name, std::string* field, std::string help);
  void AddInt(std::string name, int32_t* field, std::string help, int64_t min = INT32_MIN,
              int64_t max = INT32_MAX);
  void AddInt64(std::string name, int64_t* field, std::string help, int64_t min = INT64_MIN,
                int64_t max = INT64_MAX);
  void AddBool(std::string name, bool* field, std::string help);
  // A string restricted to one of `choices` (compared case-sensitively).
  void AddEnum(std::string name, std::string* field, std::vector<std::string> choices,
               std::string help);

  bool Has(std::string_view name) const;
  // Sets one key from its text; errors name the key and say what was expected.
  Status Set(std::string_view name, std::string_view value);
  // Applies every pair; stops at the first error.
  Status ApplyAll(const PropertyList& props);
  // Current values as `key=value` lines, sorted by key (GET_*_CONFIG bodies).
  std::string ToPropertiesText() const;
  // One line per key: "  name (type, default X)  help".
  std::string HelpText() const;

 private:
  struct Entry {
    std::string name;
    std::string type;
    std::string help;
    std::string default_text;
    std::function<Status(std::string_view)> set;
    std::function<std::string()> get;
  };
  void Add(Entry e);
  std::vector<Entry> entries_;
};

// Parsers shared by config and header decoding.
Result<int64_t> ParseInt64(std::string_view text);
// Config booleans: "true"/"false" in any case; anything else is an error.
Result<bool> ParseBoolStrict(std::string_view text);

}  // namespace tern
