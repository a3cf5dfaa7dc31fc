#include "src/protocol/message_id.h"

#include <doctest/doctest.h>

#include <set>

namespace tern::protocol {
namespace {

TEST_CASE("offset msgId encodes store host and offset in 32 upper-case hex chars") {
  HostAddress h = HostAddress::V4(0x7F000001, 10911);
  std::string id = EncodeOffsetMessageId(h, PhysicalOffset(1234));
  CHECK(id == "7F00000100002A9F00000000000004D2");
  auto back = DecodeOffsetMessageId(id);
  REQUIRE(back.ok());
  CHECK(back->store_host == h);
  CHECK(back->offset == PhysicalOffset(1234));
  auto lower = DecodeOffsetMessageId("7f00000100002a9f00000000000004d2");
  REQUIRE(lower.ok());
  CHECK(lower->offset == PhysicalOffset(1234));
}

TEST_CASE("offset msgId for an IPv6 store host has 56 chars") {
  auto h = HostAddress::Parse("[fd00::2]:10911");
  REQUIRE(h.ok());
  std::string id = EncodeOffsetMessageId(*h, PhysicalOffset(1));
  CHECK(id.size() == 56);
  auto back = DecodeOffsetMessageId(id);
  REQUIRE(back.ok());
  CHECK(back->store_host == *h);
  CHECK(back->offset == PhysicalOffset(1));
}

TEST_CASE("malformed offset msgIds are rejected") {
  CHECK_FALSE(DecodeOffsetMessageId("").ok());
  CHECK_FALSE(DecodeOffsetMessageId("7F00000100002A9F00000000000004D").ok());
  CHECK_FALSE(DecodeOffsetMessageId("7F00000100002A9F00000000000004DZ").ok());
}

TEST_CASE("millis since month start stays right across month boundaries, both ways") {
  const int64_t base = 1700000000000;                              // 2023-11-14
  const int64_t boundary = LocalMonthStartMs(base, 1);             // 2023-12-01
  const int64_t after_year_end = LocalMonthStartMs(boundary, 1);   // 2024-01-01
  for (int64_t t : {base, boundary - 1, boundary, boundary + 1, base + 5, boundary - 1,
                    after_year_end, after_year_end - 1, int64_t{0} + 86400000, base}) {
    CAPTURE(t);
    CHECK(MillisSinceMonthStart(t) == t - LocalMonthStartMs(t, 0));  // uncached
  }
  CHECK(MillisSinceMonthStart(boundary) == 0);
  CHECK(MillisSinceMonthStart(boundary - 1) > 27LL * 86400 * 1000);
}

TEST_CASE("uniq key has the MessageClientIDSetter layout") {
  ManualClock clock(1700000000000);
  UniqueIdGenerator gen(HostAddress::V4(0x0A000001, 0), 0x1234, 0x0BADCAFE, clock);
  std::string a = gen.Next();
  std::string b = gen.Next();
  CHECK(a.size() == 32);
  CHECK(gen.IdLength() == 32);
  CHECK(a.substr(0, 20) == "0A00000112340BADCAFE");
  char expected_time[9];
  snprintf(expected_time, sizeof(expected_time), "%08X",
           static_cast<uint32_t>(MillisSinceMonthStart(1700000000000)));
  CHECK(a.substr(20, 8) == expected_time);
  CHECK(a.substr(28) == "0000");
  CHECK(b.substr(28) == "0001");
  for (char c : a) CHECK(((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')));
  CHECK(MillisSinceMonthStart(1700000000000) >= 0);
  CHECK(MillisSinceMonthStart(1700000000000) < 31LL * 86400 * 1000);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(UniqueIdGenerator::ForThisProcess().Next());
  CHECK(seen.size() == 1000);
}

TEST_CASE("tag hash equals Java String.hashCode") {
  CHECK(JavaStringHashCode("A") == 65);
  CHECK(JavaStringHashCode("TagA") == 2598919);
  CHECK(JavaStringHashCode("\xE4\xB8\xAD\xE6\x96\x87") == 646394);  // "中文"
  CHECK(JavaStringHashCode("hello world") == 1794106052);
  CHECK(JavaStringHashCode("TopicTest#key") == 85128477);
  // U+1F600 (grinning face) is the surrogate pair D83D DE00: 55357 * 31 + 56832.
  CHECK(JavaStringHashCode("\xF0\x9F\x98\x80") == 1772899);
  CHECK(TagsHashCode("") == 0);
  CHECK(TagsHashCode("hello world, hello world") ==
        static_cast<int64_t>(JavaStringHashCode("hello world, hello world")));
  CHECK(TagsHashCode("zzzzzzzzzz") == -1580979136);  // sign-extended negative hash
}

}  // namespace
}  // namespace tern::protocol
