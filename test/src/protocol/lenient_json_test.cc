#include "src/protocol/lenient_json.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "src/protocol/json_writer.h"

namespace tern::protocol {
namespace {

TEST_CASE("lenient json quotes bare numeric keys and leaves strings alone") {
  CHECK(ToStrictJson(R"({"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"}})") ==
        R"({"brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"}})");
  // Text inside strings that looks like a key is untouched, escapes survive.
  CHECK(ToStrictJson(R"({"a":"{0:1,x:2}","b\"":[1,{2:"c"}]})") ==
        R"({"a":"{0:1,x:2}","b\"":[1,{"2":"c"}]})");
  // Standard JSON is copied byte for byte.
  std::string standard = R"({"x": [1, 2, {"y": -3}], "z": null})";
  CHECK(ToStrictJson(standard) == standard);
}

TEST_CASE("lenient json turns object keys into string keys holding their text") {
  auto j = ParseLenientJson(
      R"({"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:7,{"brokerName":"b","queueId":1,"topic":"T"}:9}})",
      "test");
  REQUIRE(j.ok());
  const auto& table = (*j)["offsetTable"];
  REQUIRE(table.size() == 2);
  CHECK(table[R"({"brokerName":"b","queueId":0,"topic":"T"})"] == 7);
  CHECK(table[R"({"brokerName":"b","queueId":1,"topic":"T"})"] == 9);
}

TEST_CASE("lenient json accepts bare identifier keys, single quotes and trailing commas") {
  auto j = ParseLenientJson("{name:'it''s',list:[1,2,],}", "test");
  // 'it''s' is two adjacent single-quoted strings: not JSON even for fastjson.
  CHECK_FALSE(j.ok());
  j = ParseLenientJson("{name:'say \"hi\"',list:[1,2,],}", "test");
  REQUIRE(j.ok());
  CHECK((*j)["name"] == "say \"hi\"");
  CHECK((*j)["list"].size() == 2);
}

TEST_CASE("lenient json reports parse errors as status naming the body") {
  auto r = ParseLenientJson("{\"a\":", "TopicRouteData");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message().find("TopicRouteData") != std::string::npos);
  CHECK_FALSE(ParseLenientJson("", "X").ok());
  CHECK_FALSE(ParseLenientJsonObject("[1]", "X").ok());
}

TEST_CASE("typed getters accept numbers and booleans given as strings") {
  auto j = ParseLenientJsonObject(R"({"a":"12","b":13,"c":"true","d":false,"e":"x","f":1.0})", "t");
  REQUIRE(j.ok());
  CHECK(*JsonInt64(*j, "a", 0) == 12);
  CHECK(*JsonInt64(*j, "b", 0) == 13);
  CHECK(*JsonInt64(*j, "f", 0) == 1);
  CHECK(*JsonInt64(*j, "missing", 5) == 5);
  CHECK(*JsonBool(*j, "c", false));
  CHECK_FALSE(*JsonBool(*j, "d", true));
  auto bad = JsonInt32(*j, "e", 0);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("field e") != std::string::npos);
  CHECK(*JsonString(*j, "b", "") == "13");
}

TEST_CASE("lenient json survives hostile nesting without unbounded recursion") {
  std::string deep_keys(200000, '{');
  CHECK_FALSE(ParseLenientJson(deep_keys, "test").ok());
  std::string deep_arrays = std::string(100000, '[') + std::string(100000, ']');
  CHECK(ParseLenientJson(deep_arrays, "test").ok());
}

TEST_CASE("json writer escapes strings and writes compact text") {
  JsonWriter w;
  w.BeginObject().Key("a\"b").String("line\n\ttab\x01").Key("n").Int(-5).Key("l").BeginArray();
  w.Bool(true).Bool(false).EndArray().Key("m").BeginObject().BareKey(3).String("x").EndObject();
  w.EndObject();
  CHECK(w.Take() == R"({"a\"b":"line\n\ttab\u0001","n":-5,"l":[true,false],"m":{3:"x"}})");
}

}  // namespace
}  // namespace tern::protocol
