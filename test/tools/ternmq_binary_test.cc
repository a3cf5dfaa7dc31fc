// The real `ternmq` binary: subcommands, aliases, help, configuration errors,
// clean shutdown on SIGTERM.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "test/util/child_process.h"
#include "test/util/temp_dir.h"

namespace tern {
namespace {

using testing::RunCommand;
using testing::TernmqBinary;

TEST_CASE("ternmq help lists every subcommand and version prints the version") {
  auto help = RunCommand({TernmqBinary(), "help"});
  CHECK(help.exit_code == 0);
  for (const char* c : {"namesrv", "broker", "dev", "admin", "bench", "version", "help"}) {
    CHECK_MESSAGE(help.out.find(std::string("  ") + c) != std::string::npos, c);
  }
  auto version = RunCommand({TernmqBinary(), "version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("ternmq ", 0) == 0);
}

TEST_CASE("every subcommand answers --help with its usage") {
  for (const char* c : {"namesrv", "broker", "dev", "admin", "bench"}) {
    auto r = RunCommand({TernmqBinary(), c, "--help"});
    CHECK_MESSAGE(r.exit_code == 0, c);
    CHECK_MESSAGE(r.out.find("usage:") != std::string::npos, c << ": " << r.out);
  }
}

TEST_CASE("unknown subcommand exits non-zero and says so") {
  auto r = RunCommand({TernmqBinary(), "frobnicate"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown command 'frobnicate'") != std::string::npos);
}

TEST_CASE("argv[0] aliases run the matching subcommand") {
  testing::TempDir dir;
  std::string bin = std::filesystem::absolute(TernmqBinary()).string();
  for (const char* alias : {"mqnamesrv", "mqadmin", "mqbroker"}) {
    std::string link = dir.Sub(alias);
    REQUIRE(::symlink(bin.c_str(), link.c_str()) == 0);
    auto r = RunCommand({link, "--help"});
    CHECK_MESSAGE(r.exit_code == 0, alias);
    CHECK_MESSAGE(r.out.find("usage:") != std::string::npos, alias);
  }
  auto ns = RunCommand({dir.Sub("mqnamesrv"), "--help"});
  CHECK(ns.out.find("nameserver") != std::string::npos);
}

TEST_CASE("namesrv reports an unknown config key by name and exits non-zero") {
  testing::TempDir dir;
  auto r = RunCommand({TernmqBinary(), "namesrv", "--data-dir", dir.path(), "--listenPrt=1"});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("unknown config key 'listenPrt'") != std::string::npos);
}

TEST_CASE("namesrv reports a bad value in a config file with the key and the file") {
  testing::TempDir dir;
  std::string conf = dir.Sub("namesrv.conf");
  testing::WriteFile(conf, "# test\nlistenPort=abc\n");
  auto r = RunCommand({TernmqBinary(), "namesrv", "-c", conf, "--data-dir", dir.path()});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("listenPort") != std::string::npos);
  CHECK(r.err.find(conf) != std::string::npos);

  testing::WriteFile(conf, "noSuchKey=1\n");
  auto unknown = RunCommand({TernmqBinary(), "namesrv", "-c", conf, "--data-dir", dir.path()});
  CHECK(unknown.exit_code != 0);
  CHECK(unknown.err.find("unknown config key 'noSuchKey'") != std::string::npos);

  auto missing = RunCommand({TernmqBinary(), "namesrv", "-c", dir.Sub("absent.conf")});
  CHECK(missing.exit_code != 0);
  CHECK(missing.err.find("absent.conf") != std::string::npos);
}

TEST_CASE("namesrv prints its effective configuration with file and command-line values") {
  testing::TempDir dir;
  std::string conf = dir.Sub("namesrv.conf");
  testing::WriteFile(conf, "orderMessageEnable=true\nlistenPort=9999\n");
  auto r = RunCommand({TernmqBinary(), "namesrv", "-c", conf, "-p", "9988", "--data-dir",
                       dir.path(), "--print-config"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("orderMessageEnable=true\n") != std::string::npos);
  CHECK(r.out.find("listenPort=9988\n") != std::string::npos);  // -p wins over the file
}

TEST_CASE("namesrv boots on an ephemeral port and stops cleanly on SIGTERM") {
  testing::TempDir dir;
  auto child = testing::ChildProcess::Start(
      {TernmqBinary(), "namesrv", "-p", "0", "--data-dir", dir.Sub("ns")}, dir.Sub("ns.log"));
  REQUIRE(child.ok());
  auto line = child->WaitForLine("The Name Server boot success.", 10'000);
  REQUIRE_MESSAGE(line.ok(), line.status().ToString() << testing::ReadFile(dir.Sub("ns.log")));
  CHECK(std::filesystem::is_directory(dir.Sub("ns")));
  REQUIRE(child->Signal(SIGTERM).ok());
  auto code = child->Wait(10'000);
  REQUIRE(code.ok());
  CHECK(*code == 0);
  CHECK(testing::ReadFile(dir.Sub("ns.log")).find("shutting down") != std::string::npos);
}

TEST_CASE("a second nameserver on a port in use fails with a clear error") {
  testing::TempDir dir;
  auto first = testing::ChildProcess::Start(
      {TernmqBinary(), "namesrv", "-p", "0", "--data-dir", dir.Sub("a")}, dir.Sub("a.log"));
  REQUIRE(first.ok());
  auto line = first->WaitForLine("boot success", 10'000);
  REQUIRE(line.ok());
  std::string port = line->substr(line->rfind(':') + 1);
  auto second = RunCommand({TernmqBinary(), "namesrv", "-p", port, "--data-dir", dir.Sub("b")});
  CHECK(second.exit_code != 0);
  CHECK(second.err.find(port) != std::string::npos);
}

}  // namespace
}  // namespace tern
