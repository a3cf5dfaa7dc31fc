#include "src/net/address.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "src/base/properties.h"

namespace tern::net {

Result<HostPort> ParseHostPort(std::string_view text, bool allow_zero_port) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::InvalidArgument(fmt::format("address '{}' is not host:port", text));
  }
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port = ParseInt64(text.substr(colon + 1));
  if (!port.ok() || *port < (allow_zero_port ? 0 : 1) || *port > 65535) {
    return Status::InvalidArgument(fmt::format("address '{}' has a bad port", text));
  }
  return HostPort{std::string(host), static_cast<uint16_t>(*port)};
}

std::string FormatSockaddr(const struct sockaddr* addr) {
  char ip[INET6_ADDRSTRLEN] = {0};
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
    return fmt::format("{}:{}", ip, ntohs(in->sin_port));
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
      inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], ip, sizeof(ip));
    } else {
      inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
    }
    return fmt::format("{}:{}", ip, ntohs(in6->sin6_port));
  }
  return "unknown";
}

}  // namespace tern::net
