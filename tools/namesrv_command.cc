// `ternmq namesrv` (also `mqnamesrv`): a standalone nameserver.
#include <signal.h>

#include <cstdio>

#include "nameserver/nameserver.h"
#include "src/base/logging.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/namesrv_runtime.h"
#include "tools/server_runtime.h"
#include "tools/version.h"

namespace tern::tools {

CommandSpec NamesrvSpec(const std::string& name, const std::string& default_data_dir) {
  CommandSpec spec{name,
                   "Run a TernMQ nameserver: tracks brokers and serves topic routes.",
                   "ternmq " + name + " [-c namesrv.conf] [-p PORT] [--data-dir DIR] [--<key>=<value>...]",
                   {{"p", "listenPort", "PORT", "listen port (default 9876; 0 picks a free port)"}}};
  AddServerOptions(&spec);
  for (auto& o : spec.options) {
    if (o.long_name == "data-dir") o.help += " (default " + default_data_dir + "; kvConfig.json lives here)";
  }
  return spec;
}

Status PrepareNamesrvConfig(const ParsedArgs& args, const std::string& default_data_dir,
                            nameserver::NamesrvConfig* config, ConfigRegistry* registry) {
  nameserver::RegisterNamesrvConfig(*registry, config);
  config->data_dir = default_data_dir;
  TERN_RETURN_IF_ERROR(ApplyConfig(args, registry));
  if (args.Has("listenPort")) TERN_RETURN_IF_ERROR(registry->Set("listenPort", args.Get("listenPort")));
  if (args.Has("data-dir")) config->data_dir = args.Get("data-dir");
  if (config->data_dir.empty()) return Status::InvalidArgument("--data-dir must not be empty");
  return EnsureDirectory(config->data_dir);
}

void PrintNamesrvBootLine(const nameserver::NamesrvConfig& config, uint16_t port) {
  // RocketMQ's startup scripts and users look for this sentence.
  std::string host = config.bind_address == "0.0.0.0" ? "127.0.0.1" : config.bind_address;
  std::printf("The Name Server boot success. serializeType=JSON listen=%s:%u\n", host.c_str(), port);
  std::fflush(stdout);
}

int NamesrvMain(int argc, char** argv) {
  const std::string default_data_dir = "./data/namesrv";
  CommandSpec spec = NamesrvSpec("namesrv", default_data_dir);
  auto args = ParseArgs(spec, argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "ternmq namesrv: %s\n", args.status().message().c_str());
    return 2;
  }
  if (args->Has("help")) {
    std::fputs(UsageText(spec).c_str(), stdout);
    return 0;
  }
  nameserver::NamesrvConfig config;
  ConfigRegistry registry;
  if (Status st = SetupLogging(*args); !st.ok()) {
    std::fprintf(stderr, "ternmq namesrv: %s\n", st.message().c_str());
    return 2;
  }
  if (Status st = PrepareNamesrvConfig(*args, default_data_dir, &config, &registry); !st.ok()) {
    std::fprintf(stderr, "ternmq namesrv: %s\n", st.message().c_str());
    return 2;
  }
  if (args->Has("print-config")) {
    std::fputs(registry.ToPropertiesText().c_str(), stdout);
    return 0;
  }
  log::SetThreadName("main");
  nameserver::NameServer server(config, SystemClock::Instance());
  if (Status st = server.Start(); !st.ok()) {
    TERN_LOG_ERROR("nameserver failed to start: {}", st.ToString());
    std::fprintf(stderr, "ternmq namesrv: %s\n", st.ToString().c_str());
    return 1;
  }
  TERN_LOG_INFO("ternmq {} nameserver started, data in {}", TERNMQ_VERSION, config.data_dir);
  PrintNamesrvBootLine(config, server.port());
  int sig = WaitForShutdownSignal();
  TERN_LOG_INFO("signal {} received, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Stop();
  TERN_LOG_INFO("nameserver stopped");
  return 0;
}

}  // namespace tern::tools
