#include "src/client/client_config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>

#include "src/net/address.h"

namespace tern::client {

ternmq::Status ValidateClientConfig(const ClientConfig& config, const std::string& what) {
  auto invalid = [&](const std::string& msg) {
    return ternmq::Status(ternmq::StatusCode::kInvalidArgument, what + "." + msg);
  };
  if (config.name_servers.empty())
    return invalid("name_servers is empty: give at least one \"host:port\"");
  for (const auto& addr : config.name_servers) {
    auto hp = net::ParseHostPort(addr);
    if (!hp.ok() || hp->host.empty())
      return invalid("name_servers: \"" + addr + "\" is not \"host:port\"");
  }
  for (char c : config.instance_name) {
    if (c == '@' || static_cast<unsigned char>(c) < 0x20)
      return invalid("instance_name \"" + config.instance_name +
                     "\" contains '@' or a control character");
  }
  if (config.route_refresh_interval_ms <= 0)
    return invalid("route_refresh_interval_ms must be > 0");
  if (config.heartbeat_interval_ms <= 0) return invalid("heartbeat_interval_ms must be > 0");
  if (config.rpc_timeout_ms <= 0) return invalid("rpc_timeout_ms must be > 0");
  return ternmq::Status::Ok();
}

std::string LocalIpv4() {
  std::string ip = "127.0.0.1";
  struct ifaddrs* ifs = nullptr;
  if (getifaddrs(&ifs) != 0) return ip;
  for (auto* i = ifs; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    uint32_t host = ntohl(sin->sin_addr.s_addr);
    if ((host >> 24) == 127) continue;
    char buf[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf) != nullptr) {
      ip = buf;
      break;
    }
  }
  freeifaddrs(ifs);
  return ip;
}

std::string DefaultInstanceName() {
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
                   .count();
  return std::to_string(getpid()) + "#" + std::to_string(nanos);
}

std::string MakeClientId(const std::string& ip, const std::string& instance_name) {
  return ip + "@" + instance_name;
}

}  // namespace tern::client
