// Socket address helpers: "host:port" parsing and peer formatting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/base/status.h"

struct sockaddr;

namespace tern::net {

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

// Splits "host:port" at the last ':' ("[::1]:9876" loses its brackets).
// The port must be 1..65535 (0 is allowed only when `allow_zero_port`).
Result<HostPort> ParseHostPort(std::string_view text, bool allow_zero_port = false);

// "ip:port". An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is shown as IPv4;
// other IPv6 addresses as "addr:port" without brackets, like Java's
// RemotingHelper. Unknown families give "unknown".
std::string FormatSockaddr(const struct sockaddr* addr);

}  // namespace tern::net
