#include "tools/server_runtime.h"

#include <signal.h>

#include <cerrno>
#include <filesystem>

#include <fmt/format.h>

#include "src/base/logging.h"

namespace tern::tools {

void AddServerOptions(CommandSpec* spec) {
  spec->options.push_back({"c", "config", "FILE", "RocketMQ-style .properties configuration file"});
  spec->options.push_back({"", "data-dir", "DIR", "directory for persistent data"});
  spec->options.push_back({"", "log-level", "LEVEL", "trace, debug, info (default), warn or error"});
  spec->options.push_back({"", "log-file", "FILE", "also append log lines to FILE"});
  spec->options.push_back({"", "print-config", "", "print the effective configuration and exit"});
  spec->config_overrides = true;
}

void BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

int WaitForShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

Status SetupLogging(const ParsedArgs& args) {
  if (args.Has("log-level")) {
    auto level = log::ParseLevel(args.Get("log-level"));
    if (!level.ok()) return level.status().WithContext("--log-level");
    log::SetLevel(*level);
  }
  if (args.Has("log-file")) TERN_RETURN_IF_ERROR(log::SetFile(args.Get("log-file")));
  return Status::Ok();
}

Status ApplyConfig(const ParsedArgs& args, ConfigRegistry* registry) {
  if (args.Has("config")) {
    TERN_ASSIGN_OR_RETURN(PropertyList props, LoadPropertiesFile(args.Get("config")));
    Status st = registry->ApplyAll(props);
    if (!st.ok()) return st.WithContext("config file " + args.Get("config"));
  }
  Status st = registry->ApplyAll(args.overrides());
  if (!st.ok()) return st.WithContext("command line");
  return Status::Ok();
}

Status EnsureDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(fmt::format("cannot create data directory {}: {}", dir, ec.message()));
  return Status::Ok();
}

}  // namespace tern::tools
