// The body the crash writer stores for payload `id`: deterministic, of
// varying length (20..4000 bytes), so the test can check exact content.
#pragma once

#include <cstdint>
#include <string>

namespace tern::store::testing {

inline std::string CrashPayload(int64_t id) {
  uint64_t x = static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ull + 1;
  size_t len = 20 + static_cast<size_t>(x % 3981);
  std::string s = "payload-" + std::to_string(id) + "-";
  while (s.size() < len) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s.push_back(static_cast<char>('a' + x % 26));
  }
  s.resize(len);
  return s;
}

}  // namespace tern::store::testing
