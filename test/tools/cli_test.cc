#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tools/cli.h"

namespace tern::tools {
namespace {

Result<ParsedArgs> Parse(const CommandSpec& spec, std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return ParseArgs(spec, static_cast<int>(argv.size()), argv.data());
}

CommandSpec Spec() {
  return CommandSpec{"demo", "Demo.", "ternmq demo",
                     {{"c", "config", "FILE", "config"},
                      {"p", "listenPort", "PORT", "port"},
                      {"", "print-config", "", "print"}},
                     /*config_overrides=*/true};
}

TEST_CASE("cli parses short, long, inline and flag options") {
  auto r = Parse(Spec(), {"-c", "a.conf", "--listenPort=9877", "--print-config"});
  REQUIRE(r.ok());
  CHECK(r->Get("config") == "a.conf");
  CHECK(r->Get("listenPort") == "9877");
  CHECK(r->Has("print-config"));
  auto glued = Parse(Spec(), {"-p9000"});
  REQUIRE(glued.ok());
  CHECK(glued->Get("listenPort") == "9000");
}

TEST_CASE("cli collects unknown long options as config overrides") {
  auto r = Parse(Spec(), {"--brokerName=b1", "--flushDiskType", "SYNC_FLUSH"});
  REQUIRE(r.ok());
  REQUIRE(r->overrides().size() == 2);
  CHECK(r->overrides()[0] == std::make_pair(std::string("brokerName"), std::string("b1")));
  CHECK(r->overrides()[1].second == "SYNC_FLUSH");
}

TEST_CASE("cli reports unknown short options, missing values and stray arguments") {
  CHECK(Parse(Spec(), {"-x"}).status().message().find("unknown option -x") != std::string::npos);
  CHECK(Parse(Spec(), {"-c"}).status().message().find("needs a value") != std::string::npos);
  CHECK(Parse(Spec(), {"stray"}).status().message().find("unexpected argument 'stray'") !=
        std::string::npos);
  CHECK(Parse(Spec(), {"--print-config=yes"}).status().message().find("takes no value") !=
        std::string::npos);
  CommandSpec strict = Spec();
  strict.config_overrides = false;
  CHECK(Parse(strict, {"--nope=1"}).status().message().find("unknown option --nope") !=
        std::string::npos);
}

TEST_CASE("cli usage lists every option and help") {
  std::string text = UsageText(Spec());
  CHECK(text.find("-c, --config FILE") != std::string::npos);
  CHECK(text.find("-h, --help") != std::string::npos);
  CHECK(text.find("--<key>=<value>") != std::string::npos);
}

}  // namespace
}  // namespace tern::tools
