#include <doctest/doctest.h>

#include "src/base/properties.h"

namespace tern {
namespace {

TEST_CASE("properties parse separators, comments, continuations and escapes") {
  auto r = ParseProperties(
      "# comment\n"
      "! also a comment\n"
      "brokerName = broker-a\n"
      "listenPort:10911\n"
      "namesrvAddr 127.0.0.1:9876;127.0.0.2:9876\n"
      "\n"
      "long=one \\\n"
      "     two\n"
      "esc=a\\tb\\u0041\r\n"
      "empty=\n",
      "test.conf");
  REQUIRE(r.ok());
  const PropertyList& p = *r;
  REQUIRE(p.size() == 6);
  CHECK(p[0] == std::make_pair(std::string("brokerName"), std::string("broker-a")));
  CHECK(p[1].second == "10911");
  CHECK(p[2].second == "127.0.0.1:9876;127.0.0.2:9876");
  CHECK(p[3].second == "one two");
  CHECK(p[4].second == "a\tbA");
  CHECK(p[5].second == "");
}

TEST_CASE("properties report a truncated unicode escape with file and line") {
  auto r = ParseProperties("a=1\nb=\\u12", "x.conf");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("x.conf:2") != std::string::npos);
}

TEST_CASE("config registry names unknown keys and bad values") {
  std::string name = "d";
  int32_t port = 1;
  bool flag = false;
  std::string mode = "ASYNC_FLUSH";
  ConfigRegistry reg;
  reg.AddString("brokerName", &name, "name");
  reg.AddInt("listenPort", &port, "port", 0, 65535);
  reg.AddBool("autoCreateTopicEnable", &flag, "auto");
  reg.AddEnum("flushDiskType", &mode, {"ASYNC_FLUSH", "SYNC_FLUSH"}, "flush");

  CHECK(reg.ApplyAll({{"brokerName", "b"}, {"listenPort", "10911"}, {"autoCreateTopicEnable", "TRUE"}}).ok());
  CHECK(name == "b");
  CHECK(port == 10911);
  CHECK(flag);

  Status unknown = reg.Set("listenPrt", "1");
  CHECK(unknown.message() == "unknown config key 'listenPrt'");
  Status bad = reg.Set("listenPort", "abc");
  CHECK(bad.message().find("listenPort") != std::string::npos);
  CHECK(reg.Set("listenPort", "70000").message().find("out of range") != std::string::npos);
  CHECK(reg.Set("autoCreateTopicEnable", "1").message().find("autoCreateTopicEnable") != std::string::npos);
  CHECK_FALSE(reg.Set("flushDiskType", "SOMETIMES").ok());
  CHECK(port == 10911);  // failed sets leave the value alone

  std::string text = reg.ToPropertiesText();
  CHECK(text.find("listenPort=10911\n") != std::string::npos);
  CHECK(text.find("autoCreateTopicEnable=true\n") != std::string::npos);
}

}  // namespace
}  // namespace tern
