#include "src/protocol/message_properties.h"

#include <doctest/doctest.h>

namespace tern::protocol {
namespace {

TEST_CASE("properties parse with and without the trailing separator") {
  auto a = MessageProperties::Parse("TAGS\x01TagA\x02KEYS\x01k1\x02");
  auto b = MessageProperties::Parse("TAGS\x01TagA\x02KEYS\x01k1");
  CHECK(a.size() == 2);
  CHECK(b.size() == 2);
  CHECK(a.Get("TAGS").value() == "TagA");
  CHECK(b.Get("KEYS").value() == "k1");
  CHECK(a.Serialize() == "TAGS\x01TagA\x02KEYS\x01k1\x02");
  CHECK(b.Serialize() == a.Serialize());
}

TEST_CASE("properties drop empty names and values like Java") {
  auto p = MessageProperties::Parse(
      "\x01v\x02k\x01\x02"
      "ab\x02x\x01y\x01z\x02\x02");
  CHECK(p.size() == 1);
  CHECK(p.Get("x").value() == "y\x01z");  // later U+0001 stays in the value
  CHECK_FALSE(p.Has("k"));
}

TEST_CASE("later duplicate property wins") {
  CHECK(FindProperty("A\x01"
                     "1\x02"
                     "A\x01"
                     "2\x02",
                     "A")
            .value() == "2");
  CHECK_FALSE(FindProperty("A\x01"
                           "1",
                           "B")
                  .has_value());
  auto p = MessageProperties::Parse(
      "A\x01"
      "1\x02"
      "A\x01"
      "2");
  CHECK(p.size() == 1);
  CHECK(p.Get("A").value() == "2");
}

TEST_CASE("properties set replace and remove") {
  MessageProperties p;
  p.Set("WAIT", "true");
  p.Set("TAGS", "x");
  p.Set("WAIT", "false");
  CHECK(p.Serialize() ==
        "WAIT\x01"
        "false\x02TAGS\x01x\x02");
  CHECK(p.Remove("WAIT"));
  CHECK_FALSE(p.Remove("WAIT"));
  CHECK(p.Serialize() == "TAGS\x01x\x02");
}

}  // namespace
}  // namespace tern::protocol
