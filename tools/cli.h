// Command-line parsing for the `ternmq` subcommands.
//
// Options are declared per command (short and/or long name, whether they take
// a value). Server commands also accept `--<configKey>=<value>` (or
// `--<configKey> <value>`) for any key of their configuration, RocketMQ-style;
// those are collected as overrides and validated by the config registry, so an
// unknown key is reported by name.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "src/base/properties.h"
#include "src/base/status.h"

namespace tern::tools {

struct OptionSpec {
  std::string short_name;  // "c" for -c; empty if none
  std::string long_name;   // "config" for --config; empty if none
  std::string value_name;  // "FILE"; empty for a flag without value
  std::string help;
};

struct CommandSpec {
  std::string name;      // "namesrv"
  std::string summary;   // one line for `ternmq help`
  std::string usage;     // "ternmq namesrv [options]"
  std::vector<OptionSpec> options;
  bool config_overrides = false;  // accept --<configKey>=<value>
  bool positionals = false;       // accept arguments that are not options
};

class ParsedArgs {
 public:
  bool Has(const std::string& long_or_short) const;
  // The value of an option given by its long name (or short name when it has none).
  std::string Get(const std::string& key, const std::string& fallback = "") const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  const PropertyList& overrides() const { return overrides_; }

 private:
  friend Result<ParsedArgs> ParseArgs(const CommandSpec& spec, int argc, char** argv);
  std::map<std::string, std::string> values_;
  std::vector<std::string> positionals_;
  PropertyList overrides_;
};

// Parses argv[0..argc) (argv holds only the command's own arguments).
// `-h`/`--help` is always accepted and recorded as "help".
Result<ParsedArgs> ParseArgs(const CommandSpec& spec, int argc, char** argv);

// The --help text of a command.
std::string UsageText(const CommandSpec& spec);

}  // namespace tern::tools
