#include <doctest/doctest.h>

#include "src/base/byte_coding.h"
#include "src/base/crc32.h"

namespace tern {
namespace {

TEST_CASE("big-endian coding round-trips and matches wire order") {
  std::string buf;
  AppendBE32(&buf, 0x01020304u);
  AppendBE16(&buf, 0xA0B0u);
  AppendBE64(&buf, 0x1122334455667788ull);
  CHECK(buf.substr(0, 4) == std::string("\x01\x02\x03\x04", 4));
  ByteReader r(buf);
  uint32_t a; uint16_t b; uint64_t c;
  REQUIRE(r.ReadBE32(&a));
  REQUIRE(r.ReadBE16(&b));
  REQUIRE(r.ReadBE64(&c));
  CHECK(a == 0x01020304u);
  CHECK(b == 0xA0B0u);
  CHECK(c == 0x1122334455667788ull);
  CHECK(r.remaining() == 0);
}

TEST_CASE("byte reader refuses to read past the end") {
  ByteReader r(std::string_view("\x00\x01\x02", 3));
  uint32_t v;
  CHECK_FALSE(r.ReadBE32(&v));
  uint8_t b;
  CHECK_FALSE(r.ReadU8(&b));  // unusable after a failure
}

TEST_CASE("crc32 matches java.util.zip.CRC32") {
  // CRC32("123456789") = 0xCBF43926, the standard check value.
  CHECK(Crc32("123456789") == 0xCBF43926u);
  CHECK(JavaPositiveCrc32("123456789") == 0x4BF43926);
}

}  // namespace
}  // namespace tern
