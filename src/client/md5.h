// MD5 (RFC 1321), for the consistent-hash allocation strategy, which must
// place clients on the same ring positions as Java's MessageDigest("MD5").
// Not for security. Pure functions; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::client {

std::array<uint8_t, 16> Md5(std::string_view data);
// Lower-case hex of Md5(data) ("d41d8cd98f00b204e9800998ecf8427e" for "").
std::string Md5Hex(std::string_view data);

}  // namespace tern::client
