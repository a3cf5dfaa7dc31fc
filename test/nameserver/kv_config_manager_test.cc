#include "nameserver/kv_config_manager.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "test/util/temp_dir.h"

namespace tern::nameserver {
namespace {

using testing::TempDir;

TEST_CASE("kv config survives a restart and is stored in rocketmq's file format") {
  TempDir dir;
  std::string path = dir.Sub("sub/kvConfig.json");  // parent created on first write
  {
    KvConfigManager kv(path);
    REQUIRE(kv.Load().ok());
    CHECK_FALSE(kv.Get("ORDER_TOPIC_CONFIG", "T"));
    REQUIRE(kv.Put("ORDER_TOPIC_CONFIG", "T", "broker-a:4").ok());
    REQUIRE(kv.Put("ns2", "k", "v \"quoted\"").ok());
    REQUIRE(kv.Put("ns2", "gone", "x").ok());
    REQUIRE(kv.Delete("ns2", "gone").ok());
    REQUIRE(kv.Delete("ns2", "never-there").ok());
  }
  CHECK(testing::ReadFile(path) ==
        R"({"configTable":{"ORDER_TOPIC_CONFIG":{"T":"broker-a:4"},"ns2":{"k":"v \"quoted\""}}})");
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));

  KvConfigManager again(path);
  REQUIRE(again.Load().ok());
  CHECK(again.Get("ORDER_TOPIC_CONFIG", "T") == "broker-a:4");
  CHECK(again.Get("ns2", "k") == "v \"quoted\"");
  CHECK_FALSE(again.Get("ns2", "gone"));
  auto table = again.GetNamespace("ns2");
  REQUIRE(table);
  CHECK(table->table.size() == 1);
  CHECK_FALSE(again.GetNamespace("empty"));
}

TEST_CASE("deleting the last key of a namespace removes the namespace") {
  TempDir dir;
  KvConfigManager kv(dir.Sub("kvConfig.json"));
  REQUIRE(kv.Load().ok());
  REQUIRE(kv.Put("ns", "k", "v").ok());
  REQUIRE(kv.Delete("ns", "k").ok());
  CHECK_FALSE(kv.GetNamespace("ns"));
  CHECK(testing::ReadFile(dir.Sub("kvConfig.json")) == R"({"configTable":{}})");
}

TEST_CASE("a corrupt kv config file is a startup error naming the file") {
  TempDir dir;
  std::string path = dir.Sub("kvConfig.json");
  testing::WriteFile(path, "{\"configTable\":{\"ns\":");
  KvConfigManager kv(path);
  Status st = kv.Load();
  REQUIRE_FALSE(st.ok());
  CHECK(st.code() == StatusCode::kCorruption);
  CHECK(st.message().find(path) != std::string::npos);

  testing::WriteFile(path, R"({"configTable":{"ns":["not","a","map"]}})");
  st = kv.Load();
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find("namespace ns") != std::string::npos);
}

TEST_CASE("a kv config file written by java (pretty, extra spacing) loads") {
  TempDir dir;
  std::string path = dir.Sub("kvConfig.json");
  testing::WriteFile(
      path,
      "{\n\t\"configTable\":{\n\t\t\"ORDER_TOPIC_CONFIG\":{\n\t\t\t\"T\":\"b:8\"\n\t\t}\n\t}\n}");
  KvConfigManager kv(path);
  REQUIRE(kv.Load().ok());
  CHECK(kv.Get("ORDER_TOPIC_CONFIG", "T") == "b:8");
}

TEST_CASE("a failed write reports an io error") {
  TempDir dir;
  testing::WriteFile(dir.Sub("file"), "x");
  // The parent "directory" is a regular file, so nothing can be written under it.
  KvConfigManager kv(dir.Sub("file/kvConfig.json"));
  REQUIRE(kv.Load().ok());
  Status st = kv.Put("ns", "k", "v");
  CHECK_FALSE(st.ok());
  CHECK(kv.Get("ns", "k") == "v");  // memory keeps the change
}

}  // namespace
}  // namespace tern::nameserver
