#include "src/protocol/header_fields.h"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace tern::protocol {
namespace {

using Reference = std::map<std::string, std::string, std::less<>>;

std::vector<std::pair<std::string, std::string>> Items(const HeaderFields& f) {
  return {f.begin(), f.end()};
}

std::vector<std::pair<std::string, std::string>> Items(const Reference& m) {
  return {m.begin(), m.end()};
}

TEST_CASE("header fields keep names in std::string order and one value per name") {
  HeaderFields f;
  f["topic"] = "T";
  f["a"] = "1";
  f.insert_or_assign("queueId", "3");
  f.insert_or_assign("a", "2");  // replaces
  f["\xC3\xA9"] = "high byte";   // sorts after ASCII, as unsigned bytes
  f["A"] = "upper";
  f["ab"] = "longer";
  CHECK(Items(f) == std::vector<std::pair<std::string, std::string>>{{"A", "upper"},
                                                                     {"a", "2"},
                                                                     {"ab", "longer"},
                                                                     {"queueId", "3"},
                                                                     {"topic", "T"},
                                                                     {"\xC3\xA9", "high byte"}});
  CHECK(f.size() == 6);
  CHECK(f.at("ab") == "longer");
  CHECK(f.count("queueId") == 1);
  CHECK(f.count("queue") == 0);
  CHECK(f.find("b") == f.end());
  CHECK(f.find("") == f.end());
  CHECK_THROWS_AS(f.at("missing"), std::out_of_range);
  CHECK(f.erase("a") == 1);
  CHECK(f.erase("a") == 0);
  CHECK(f.count("a") == 0);
  CHECK(f.at("ab") == "longer");

  f.clear();
  CHECK(f.empty());
  CHECK(f.begin() == f.end());
}

TEST_CASE("header fields built from a list keep the first of a repeated name, as std::map") {
  HeaderFields f = {{"k", "first"}, {"b", "x"}, {"k", "second"}};
  CHECK(f.size() == 2);
  CHECK(f.at("k") == "first");
  CHECK(f == HeaderFields{{"b", "x"}, {"k", "first"}});
  CHECK(f != HeaderFields{{"b", "x"}, {"k", "second"}});
}

TEST_CASE("header fields behave as a std::map under random edits") {
  std::mt19937 rng(20261122);
  // Names that share prefixes, differ in length and use bytes above 0x7F.
  const std::vector<std::string> names = {
      "",     "a",    "b",    "ab",       "abc",   "aa", "topic", "topiC", "queueId", "queueOffset",
      "\x7F", "\x80", "\xFF", "\xFF\x01", "bname", "n",  "m",     "i",     "sysFlag", "z"};
  for (int round = 0; round < 200; ++round) {
    HeaderFields f;
    Reference ref;
    for (int step = 0; step < 60; ++step) {
      const std::string& name = names[rng() % names.size()];
      const std::string value = std::to_string(rng() % 1000);
      switch (rng() % 4) {
        case 0:
          f[name] = value;
          ref[name] = value;
          break;
        case 1:
          f.insert_or_assign(name, value);
          ref.insert_or_assign(name, value);
          break;
        case 2:
          CHECK(f.erase(name) == ref.erase(name));
          break;
        default: {
          auto it = f.find(name);
          auto rit = ref.find(name);
          REQUIRE((it == f.end()) == (rit == ref.end()));
          if (it != f.end()) CHECK(it->second == rit->second);
        }
      }
      REQUIRE(Items(f) == Items(ref));
    }
  }
}

}  // namespace
}  // namespace tern::protocol
