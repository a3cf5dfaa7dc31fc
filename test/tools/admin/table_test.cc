#include "tools/admin/table.h"

#include <doctest/doctest.h>

namespace tern::tools::admin {
namespace {

TEST_CASE("table columns are as wide as their widest cell and numbers align right") {
  Table t({{"#Name", "name"}, {"#Count", "count", Align::kRight}, {"#Note", "note"}});
  t.AddRow({"broker-a", 7, "x"});
  t.AddRow({"b", 12345678, ""});
  CHECK(t.Render() ==
        "#Name       #Count  #Note\n"
        "broker-a         7  x\n"
        "b         12345678\n");
}

TEST_CASE("a null cell prints blank and stays null in JSON") {
  Table t({{"#A", "a"}, {"#B", "b", Align::kRight}});
  t.AddRow({"x", nullptr});
  CHECK(t.Render() == "#A  #B\nx\n");
  nlohmann::json j = t.ToJson();
  REQUIRE(j.size() == 1);
  CHECK(j[0]["a"] == "x");
  CHECK(j[0]["b"].is_null());
}

TEST_CASE("table JSON keeps numbers typed and keys by json_key") {
  Table t({{"#Broker Name", "brokerName"}, {"#QID", "queueId"}});
  t.AddRow({"broker-a", 3});
  nlohmann::json j = t.ToJson();
  CHECK(j.dump() == R"([{"brokerName":"broker-a","queueId":3}])");
}

TEST_CASE("a table without header prints only rows") {
  Table t({{"k", "k"}, {"v", "v"}}, /*show_header=*/false);
  t.AddRow({"listenPort:", "9876"});
  t.AddRow({"a:", "b"});
  CHECK(t.Render() == "listenPort:  9876\na:           b\n");
}

}  // namespace
}  // namespace tern::tools::admin
