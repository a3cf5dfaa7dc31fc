#include "broker/broker_config_file.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "test/util/temp_dir.h"

namespace tern::broker {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

TEST_CASE("a config file update replaces keys in place and keeps comments and order") {
  const std::string text =
      "# broker-a\n"
      "brokerName=broker-a\n"
      "brokerPermission = 6\n"
      "! old style comment\n"
      "deleteWhen: 04\n"
      "maxMessageSize 1024\\\n"
      "  000\n"
      "listenPort=10911\n";
  const std::string out = RewriteConfigText(text, {{"brokerPermission", "4"},
                                                   {"maxMessageSize", "2048"},
                                                   {"fileReservedTime", "24"},
                                                   {"deleteWhen", "01;13"}});
  CHECK(out ==
        "# broker-a\n"
        "brokerName=broker-a\n"
        "brokerPermission=4\n"
        "! old style comment\n"
        "deleteWhen=01;13\n"
        "maxMessageSize=2048\n"
        "listenPort=10911\n"
        "fileReservedTime=24\n");
}

TEST_CASE("a key set twice in one update is written once with its last value") {
  CHECK(RewriteConfigText("a=1\n", {{"b", "1"}, {"b", "2"}}) == "a=1\nb=2\n");
  CHECK(RewriteConfigText("b=0\nb=9\n", {{"b", "1"}}) == "b=1\nb=1\n");
}

TEST_CASE("a value with a backslash reads back unchanged") {
  const std::string out = RewriteConfigText("", {{"storePathRootDir", "C:\\store"}});
  auto props = ParseProperties(out, "out");
  REQUIRE(props.ok());
  REQUIRE(props->size() == 1);
  CHECK((*props)[0].second == "C:\\store");
}

TEST_CASE("UpdateConfigFile replaces the file and creates a missing one") {
  testing::TempDir dir;
  const std::string path = dir.Sub("broker.conf");
  REQUIRE(UpdateConfigFile(path, {{"brokerPermission", "4"}}).ok());
  CHECK(ReadAll(path) == "brokerPermission=4\n");
  REQUIRE(UpdateConfigFile(path, {{"brokerPermission", "6"}, {"listenPort", "0"}}).ok());
  CHECK(ReadAll(path) == "brokerPermission=6\nlistenPort=0\n");
  CHECK(UpdateConfigFile(dir.Sub("no/such/dir/broker.conf"), {{"a", "1"}}).code() ==
        StatusCode::kIoError);
}

}  // namespace
}  // namespace tern::broker
