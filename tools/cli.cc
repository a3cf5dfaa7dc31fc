#include "tools/cli.h"

#include <algorithm>

#include <fmt/format.h>

namespace tern::tools {
namespace {

const OptionSpec* FindShort(const CommandSpec& spec, const std::string& name) {
  for (const auto& o : spec.options)
    if (!o.short_name.empty() && o.short_name == name) return &o;
  return nullptr;
}

const OptionSpec* FindLong(const CommandSpec& spec, const std::string& name) {
  for (const auto& o : spec.options)
    if (!o.long_name.empty() && o.long_name == name) return &o;
  return nullptr;
}

std::string KeyOf(const OptionSpec& o) { return o.long_name.empty() ? o.short_name : o.long_name; }

}  // namespace

bool ParsedArgs::Has(const std::string& key) const { return values_.count(key) > 0; }

std::string ParsedArgs::Get(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

Result<ParsedArgs> ParseArgs(const CommandSpec& spec, int argc, char** argv) {
  ParsedArgs out;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      out.values_["help"] = "true";
      continue;
    }
    if (arg == "--") {
      for (++i; i < argc; ++i) out.positionals_.push_back(argv[i]);
      break;
    }
    const OptionSpec* opt = nullptr;
    std::string inline_value;
    bool has_inline = false;
    std::string name;
    if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      name = arg.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_inline = true;
      }
      opt = FindLong(spec, name);
      if (!opt && spec.config_overrides) {
        std::string value = inline_value;
        if (!has_inline) {
          if (i + 1 >= argc) return Status::InvalidArgument(fmt::format("option --{} needs a value", name));
          value = argv[++i];
        }
        out.overrides_.emplace_back(name, value);
        continue;
      }
      if (!opt) {
        return Status::InvalidArgument(fmt::format("unknown option --{} for '{}' (see --help)", name, spec.name));
      }
    } else if (arg.size() >= 2 && arg[0] == '-' && arg[1] != '-') {
      name = arg.substr(1, 1);
      opt = FindShort(spec, name);
      if (!opt) {
        return Status::InvalidArgument(fmt::format("unknown option -{} for '{}' (see --help)", name, spec.name));
      }
      if (arg.size() > 2) {
        inline_value = arg.substr(2);
        has_inline = true;
      }
    } else {
      if (!spec.positionals) {
        return Status::InvalidArgument(fmt::format("unexpected argument '{}' for '{}' (see --help)", arg, spec.name));
      }
      out.positionals_.push_back(arg);
      continue;
    }
    std::string key = KeyOf(*opt);
    if (opt->value_name.empty()) {
      if (has_inline) {
        return Status::InvalidArgument(fmt::format("option {} takes no value", arg));
      }
      out.values_[key] = "true";
      continue;
    }
    if (has_inline) {
      out.values_[key] = inline_value;
    } else {
      if (i + 1 >= argc) {
        return Status::InvalidArgument(fmt::format("option {} needs a value ({})", arg, opt->value_name));
      }
      out.values_[key] = argv[++i];
    }
  }
  return out;
}

std::string UsageText(const CommandSpec& spec) {
  std::string out = fmt::format("{}\n\nusage: {}\n", spec.summary, spec.usage);
  if (!spec.options.empty()) out += "\noptions:\n";
  std::vector<std::string> left;
  size_t width = 0;
  for (const auto& o : spec.options) {
    std::string l;
    if (!o.short_name.empty()) l += "-" + o.short_name;
    if (!o.long_name.empty()) l += (l.empty() ? "" : ", ") + std::string("--") + o.long_name;
    if (!o.value_name.empty()) l += " " + o.value_name;
    width = std::max(width, l.size());
    left.push_back(l);
  }
  left.push_back("-h, --help");
  width = std::max(width, left.back().size());
  for (size_t i = 0; i < spec.options.size(); ++i) {
    out += fmt::format("  {:<{}}  {}\n", left[i], width, spec.options[i].help);
  }
  out += fmt::format("  {:<{}}  {}\n", left.back(), width, "show this help");
  if (spec.config_overrides) {
    out += "\nAny configuration key can also be given as --<key>=<value> (see --print-config).\n";
  }
  return out;
}

}  // namespace tern::tools
