// `ternmq dev`: the zero-setup development server. Today it runs the
// nameserver on 127.0.0.1:9876 with data under ./data/namesrv; the broker
// joins it (port 10911, data under ./data/broker) when it lands.
#include <signal.h>

#include <cstdio>

#include "nameserver/nameserver.h"
#include "src/base/logging.h"
#include "tools/commands.h"
#include "tools/namesrv_runtime.h"
#include "tools/server_runtime.h"
#include "tools/version.h"

namespace tern::tools {

int DevMain(int argc, char** argv) {
  const std::string default_data_dir = "./data/namesrv";
  CommandSpec spec = NamesrvSpec("dev", default_data_dir);
  spec.summary =
      "Run a development TernMQ: the nameserver on 127.0.0.1:9876 (the broker joins it in a\n"
      "later release), data under ./data. Stop it with Ctrl-C.";
  spec.usage = "ternmq dev [-p NAMESRV_PORT] [--data-dir DIR] [--<namesrv key>=<value>...]";
  auto args = ParseArgs(spec, argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "ternmq dev: %s\n", args.status().message().c_str());
    return 2;
  }
  if (args->Has("help")) {
    std::fputs(UsageText(spec).c_str(), stdout);
    return 0;
  }
  if (Status st = SetupLogging(*args); !st.ok()) {
    std::fprintf(stderr, "ternmq dev: %s\n", st.message().c_str());
    return 2;
  }
  nameserver::NamesrvConfig config;
  config.bind_address = "127.0.0.1";  // a development server is not exposed by default
  ConfigRegistry registry;
  if (Status st = PrepareNamesrvConfig(*args, default_data_dir, &config, &registry); !st.ok()) {
    std::fprintf(stderr, "ternmq dev: %s\n", st.message().c_str());
    return 2;
  }
  if (args->Has("print-config")) {
    std::fputs(registry.ToPropertiesText().c_str(), stdout);
    return 0;
  }
  log::SetThreadName("main");
  nameserver::NameServer server(config, SystemClock::Instance());
  if (Status st = server.Start(); !st.ok()) {
    std::fprintf(stderr, "ternmq dev: %s\n", st.ToString().c_str());
    return 1;
  }
  TERN_LOG_INFO("ternmq {} dev: nameserver on {}:{}, data in {}", TERNMQ_VERSION,
                config.bind_address, server.port(), config.data_dir);
  PrintNamesrvBootLine(config, server.port());
  int sig = WaitForShutdownSignal();
  TERN_LOG_INFO("signal {} received, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Stop();
  return 0;
}

}  // namespace tern::tools
