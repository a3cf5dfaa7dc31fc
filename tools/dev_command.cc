// `ternmq dev`: the zero-setup development server. The nameserver on
// 127.0.0.1:9876 and a broker on 127.0.0.1:10911 registered with it, in one
// process, data under ./data/{namesrv,broker}. `-c broker.conf` takes a
// broker configuration; --<key>=<value> sets a broker key (or a nameserver
// key the broker does not have).
#include <fmt/format.h>
#include <signal.h>

#include <cstdio>

#include "broker/broker.h"
#include "nameserver/nameserver.h"
#include "src/base/logging.h"
#include "tools/broker_runtime.h"
#include "tools/commands.h"
#include "tools/namesrv_runtime.h"
#include "tools/server_runtime.h"
#include "tools/version.h"

namespace tern::tools {
namespace {

constexpr const char* kDevHost = "127.0.0.1";  // a development server is not exposed

struct DevConfig {
  nameserver::NamesrvConfig ns;
  ConfigRegistry ns_registry;
  broker::BrokerConfig broker;
  ConfigRegistry broker_registry;
};

// Nameserver: -p, <data>/namesrv, and the overrides only it knows. Broker:
// 127.0.0.1, --broker-port, <data>/broker, then -c and the other overrides.
Status PrepareDevConfig(const ParsedArgs& args, DevConfig* dev) {
  const std::string data_dir = args.Get("data-dir", "./data");
  if (data_dir.empty()) return Status::InvalidArgument("--data-dir must not be empty");
  nameserver::RegisterNamesrvConfig(dev->ns_registry, &dev->ns);
  broker::RegisterBrokerConfig(dev->broker_registry, &dev->broker);
  PropertyList ns_overrides, broker_overrides;
  for (const auto& kv : args.overrides()) {
    bool broker_key = dev->broker_registry.Has(kv.first) || !dev->ns_registry.Has(kv.first);
    (broker_key ? broker_overrides : ns_overrides).push_back(kv);
  }
  dev->ns.bind_address = kDevHost;
  dev->ns.data_dir = data_dir + "/namesrv";
  if (Status st = dev->ns_registry.ApplyAll(ns_overrides); !st.ok()) {
    return st.WithContext("command line");
  }
  if (args.Has("listenPort")) {
    TERN_RETURN_IF_ERROR(dev->ns_registry.Set("listenPort", args.Get("listenPort")));
  }
  TERN_RETURN_IF_ERROR(EnsureDirectory(dev->ns.data_dir));

  dev->broker.broker_ip1 = kDevHost;
  dev->broker.bind_address = kDevHost;
  dev->broker.store_path_root_dir = data_dir + "/broker";
  TERN_RETURN_IF_ERROR(
      ApplyBrokerArgs(args, broker_overrides, &dev->broker, &dev->broker_registry));
  if (args.Has("broker-port")) {
    TERN_RETURN_IF_ERROR(dev->broker_registry.Set("listenPort", args.Get("broker-port")));
  }
  // Always the in-process nameserver, set once it listens (-p 0 picks its port).
  dev->broker.namesrv_addr.clear();
  return broker::ResolveBrokerConfig(&dev->broker);
}

}  // namespace

int DevMain(int argc, char** argv) {
  CommandSpec spec = NamesrvSpec("dev", "./data");
  spec.summary =
      "Run a development TernMQ: the nameserver on 127.0.0.1:9876 and a broker on\n"
      "127.0.0.1:10911 registered with it, data under ./data. Stop it with Ctrl-C.";
  spec.usage =
      "ternmq dev [-c broker.conf] [-p NAMESRV_PORT] [--broker-port PORT] [--data-dir DIR] "
      "[--<key>=<value>...]";
  for (auto& o : spec.options) {
    if (o.long_name == "config") o.help = "broker configuration (RocketMQ broker.conf keys)";
    if (o.long_name == "data-dir")
      o.help = "data root (default ./data): namesrv/ and broker/ below";
    if (o.long_name == "listenPort") o.help = "nameserver port (default 9876; 0 picks a free port)";
  }
  spec.options.push_back(
      {"", "broker-port", "PORT", "broker port (default 10911, fast port PORT-2; 0 = free ports)"});
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
  DevConfig dev;
  if (Status st = PrepareDevConfig(*args, &dev); !st.ok()) {
    std::fprintf(stderr, "ternmq dev: %s\n", st.message().c_str());
    return 2;
  }
  if (args->Has("print-config")) {
    dev.broker.namesrv_addr = fmt::format("{}:{}", kDevHost, dev.ns.listen_port);
    std::printf("# nameserver\n%s\n# broker\n%s", dev.ns_registry.ToPropertiesText().c_str(),
                dev.broker_registry.ToPropertiesText().c_str());
    return 0;
  }
  log::SetThreadName("main");
  nameserver::NameServer ns(dev.ns, SystemClock::Instance());
  if (Status st = ns.Start(); !st.ok()) {
    std::fprintf(stderr, "ternmq dev: %s\n", st.ToString().c_str());
    return 1;
  }
  dev.broker.namesrv_addr = fmt::format("{}:{}", kDevHost, ns.port());
  broker::Broker broker(dev.broker, SystemClock::Instance());
  if (Status st = broker.Start(); !st.ok()) {
    std::fprintf(stderr, "ternmq dev: %s\n", st.ToString().c_str());
    ns.Stop();
    return 1;
  }
  TERN_LOG_INFO("ternmq {} dev: nameserver on {}:{}, broker on {}, data in {}", TERNMQ_VERSION,
                kDevHost, ns.port(), broker.addr(), args->Get("data-dir", "./data"));
  PrintNamesrvBootLine(dev.ns, ns.port());
  PrintBrokerBootLine(broker);
  int sig = WaitForShutdownSignal();
  TERN_LOG_INFO("signal {} received, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  broker.Stop();  // unregisters from the nameserver while it still runs
  ns.Stop();
  return 0;
}

}  // namespace tern::tools
