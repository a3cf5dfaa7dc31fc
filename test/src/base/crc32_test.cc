#include "src/base/crc32.h"

#include <zlib.h>

#include <doctest/doctest.h>

#include <random>
#include <string>

namespace tern {
namespace {

uint32_t ZlibReference(std::string_view s) {
  return static_cast<uint32_t>(
      ::crc32(0, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

TEST_CASE("crc32 equals zlib's for every length from 0 to 1100 and every alignment") {
  std::mt19937 rng(7);
  std::string data(1200, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  for (size_t offset = 0; offset < 16; offset += 5) {
    for (size_t len = 0; len + offset <= 1100; ++len) {
      std::string_view s(data.data() + offset, len);
      REQUIRE_MESSAGE(Crc32(s) == ZlibReference(s), "offset " << offset << " length " << len);
    }
  }
}

TEST_CASE("crc32 of large inputs and of pieces chained with Crc32Extend agree with zlib") {
  std::mt19937 rng(11);
  std::string data(1 << 20, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  CHECK(Crc32(data) == ZlibReference(data));
  uint32_t chained = 0;
  for (size_t at = 0; at < data.size();) {
    size_t n = std::min<size_t>(rng() % 5000, data.size() - at);
    chained = Crc32Extend(chained, std::string_view(data).substr(at, n));
    at += n;
  }
  CHECK(chained == ZlibReference(data));
  CHECK(Crc32(std::string(4096, '\0')) == ZlibReference(std::string(4096, '\0')));
  CHECK(Crc32(std::string(4096, '\xff')) == ZlibReference(std::string(4096, '\xff')));
}

TEST_CASE("crc32 reports whether the carry-less multiply path is in use") {
#if defined(__x86_64__)
  CHECK(Crc32IsAccelerated() == (__builtin_cpu_supports("pclmul") != 0));
#else
  CHECK_FALSE(Crc32IsAccelerated());
#endif
}

}  // namespace
}  // namespace tern
