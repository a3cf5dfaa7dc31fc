// `ternmq broker` (also `mqbroker`): one broker, RocketMQ's broker.conf keys.
#include <signal.h>

#include <cstdio>
#include <cstdlib>

#include "broker/broker.h"
#include "src/base/logging.h"
#include "tools/broker_runtime.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/server_runtime.h"
#include "tools/version.h"

namespace tern::tools {

Status ApplyBrokerArgs(const ParsedArgs& args, const PropertyList& overrides,
                       broker::BrokerConfig* config, ConfigRegistry* registry) {
  broker::RegisterBrokerConfig(*registry, config);
  if (const char* env = std::getenv("NAMESRV_ADDR"); env != nullptr) config->namesrv_addr = env;
  if (args.Has("config")) {
    TERN_ASSIGN_OR_RETURN(PropertyList props, LoadPropertiesFile(args.Get("config")));
    if (Status st = registry->ApplyAll(props); !st.ok()) {
      return st.WithContext("config file " + args.Get("config"));
    }
    // UPDATE_BROKER_CONFIG saves into the file the broker was started with, as RocketMQ does.
    if (config->broker_config_path.empty()) config->broker_config_path = args.Get("config");
  }
  if (Status st = registry->ApplyAll(overrides); !st.ok()) return st.WithContext("command line");
  if (args.Has("namesrvAddr")) {
    TERN_RETURN_IF_ERROR(registry->Set("namesrvAddr", args.Get("namesrvAddr")));
  }
  return Status::Ok();
}

namespace {
// -p and --data-dir of `ternmq broker`, which win over the file and overrides.
Status ApplyBrokerCommandArgs(const ParsedArgs& args, broker::BrokerConfig* config,
                              ConfigRegistry* registry) {
  TERN_RETURN_IF_ERROR(ApplyBrokerArgs(args, args.overrides(), config, registry));
  if (args.Has("listenPort")) {
    TERN_RETURN_IF_ERROR(registry->Set("listenPort", args.Get("listenPort")));
  }
  if (args.Has("data-dir")) {
    if (args.Get("data-dir").empty())
      return Status::InvalidArgument("--data-dir must not be empty");
    config->store_path_root_dir = args.Get("data-dir");
  }
  return broker::ResolveBrokerConfig(config);
}
}  // namespace

void PrintBrokerBootLine(const broker::Broker& broker) {
  // RocketMQ's BrokerStartup prints this sentence; scripts and users look for it.
  const broker::BrokerConfig& c = broker.config();
  std::string line =
      "The broker[" + c.broker_name + ", " + broker.addr() + "] boot success. serializeType=JSON";
  if (!c.namesrv_addr.empty()) line += " and name server is " + c.namesrv_addr;
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

int BrokerMain(int argc, char** argv) {
  CommandSpec spec{"broker",
                   "Run a TernMQ broker: stores messages and serves RocketMQ clients.",
                   "ternmq broker [-c broker.conf] [-n namesrvAddr] [-p PORT] [--data-dir DIR] "
                   "[--<key>=<value>...]",
                   {{"n", "namesrvAddr", "ADDRS",
                     "nameserver list 'host:port;host:port' (default $NAMESRV_ADDR)"},
                    {"p", "listenPort", "PORT",
                     "main port (default 10911; the fast port is PORT-2; 0 = ephemeral)"}}};
  AddServerOptions(&spec);
  for (auto& o : spec.options) {
    if (o.long_name == "data-dir") o.help = "store root, storePathRootDir (default $HOME/store)";
  }
  auto args = ParseArgs(spec, argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "ternmq broker: %s\n", args.status().message().c_str());
    return 2;
  }
  if (args->Has("help")) {
    std::fputs(UsageText(spec).c_str(), stdout);
    return 0;
  }
  if (Status st = SetupLogging(*args); !st.ok()) {
    std::fprintf(stderr, "ternmq broker: %s\n", st.message().c_str());
    return 2;
  }
  broker::BrokerConfig config;
  ConfigRegistry registry;
  if (Status st = ApplyBrokerCommandArgs(*args, &config, &registry); !st.ok()) {
    std::fprintf(stderr, "ternmq broker: %s\n", st.message().c_str());
    return 2;
  }
  if (args->Has("print-config")) {
    std::fputs(registry.ToPropertiesText().c_str(), stdout);
    return 0;
  }
  log::SetThreadName("main");
  broker::Broker broker(config, SystemClock::Instance());
  if (Status start = broker.Start(); !start.ok()) {
    TERN_LOG_ERROR("broker failed to start: {}", start.ToString());
    std::fprintf(stderr, "ternmq broker: %s\n", start.ToString().c_str());
    return 1;
  }
  TERN_LOG_INFO("ternmq {} broker started", TERNMQ_VERSION);
  PrintBrokerBootLine(broker);
  int sig = WaitForShutdownSignal();
  TERN_LOG_INFO("signal {} received, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  broker.Stop();
  return 0;
}

}  // namespace tern::tools
