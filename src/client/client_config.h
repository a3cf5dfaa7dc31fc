// ClientConfig: what a ClientInstance needs (the part of the producer and
// consumer options that is per client, not per group), and the client id.
// Plain values and pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ternmq/status.h"

namespace tern::client {

struct ClientConfig {
  std::vector<std::string> name_servers;  // "host:port", at least one
  std::string instance_name;              // empty: DefaultInstanceName()
  int64_t route_refresh_interval_ms = 30'000;
  int64_t heartbeat_interval_ms = 30'000;
  int64_t rpc_timeout_ms = 3000;  // nameserver queries, heartbeats
};

// Checks every field; kInvalidArgument names the field. `what` prefixes the
// field names ("ProducerOptions").
ternmq::Status ValidateClientConfig(const ClientConfig& config, const std::string& what);

// The first non-loopback IPv4 address of this host, "127.0.0.1" if none.
std::string LocalIpv4();
// "<pid>#<monotonic nanoseconds>", as Java 5 makes it when instanceName is DEFAULT.
std::string DefaultInstanceName();

// The client-instance settings shared by every public options struct
// (ProducerOptions, PushConsumerOptions, PullConsumerOptions): they all name
// these fields the same way. `rpc_timeout_ms` is passed separately because the
// producer uses its send timeout for it.
template <typename Options>
ClientConfig ClientConfigFrom(const Options& o, int64_t rpc_timeout_ms) {
  ClientConfig c;
  c.name_servers = o.name_servers;
  c.instance_name = o.instance_name;
  c.route_refresh_interval_ms = o.route_refresh_interval_ms;
  c.heartbeat_interval_ms = o.heartbeat_interval_ms;
  c.rpc_timeout_ms = rpc_timeout_ms;
  return c;
}

// Options with instance_name resolved, so that client_id() is known before Start().
template <typename Options>
Options WithInstanceName(Options o) {
  if (o.instance_name.empty()) o.instance_name = DefaultInstanceName();
  return o;
}
// "ip@instance".
std::string MakeClientId(const std::string& ip, const std::string& instance_name);

}  // namespace tern::client
