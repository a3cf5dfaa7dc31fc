// The admin framework in-process: help, option validation and the error
// lines, without any server (nothing here may reach the network except the
// refused connection to a closed port).
#include <doctest/doctest.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "tools/admin/admin_client.h"
#include "tools/admin/command.h"

namespace tern::tools::admin {
namespace {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(std::FILE* f) {
  std::rewind(f);
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  std::fclose(f);
  return s;
}

Run Admin(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  REQUIRE(out != nullptr);
  REQUIRE(err != nullptr);
  Run r;
  r.code = RunAdmin(static_cast<int>(argv.size()), argv.data(), out, err);
  r.out = ReadAll(out);
  r.err = ReadAll(err);
  return r;
}

TEST_CASE("help lists every command with one line each") {
  Run r = Admin({"help"});
  CHECK(r.code == 0);
  for (const auto& c : AllCommands()) {
    CHECK_MESSAGE(r.out.find("  " + c.name + " ") != std::string::npos, c.name);
  }
  for (const char* name : {"clusterList", "topicRoute", "updateTopic", "wipeWritePerm",
                           "updateKvConfig", "getNamesrvConfig", "updateSubGroup"}) {
    CHECK_MESSAGE(FindCommand(name) != nullptr, name);
  }
}

TEST_CASE("command names are unique and every command has a summary and a run function") {
  std::set<std::string> names;
  for (const auto& c : AllCommands()) {
    CHECK(names.insert(c.name).second);
    CHECK(!c.summary.empty());
    CHECK((c.run != nullptr));
  }
}

TEST_CASE("help of a command and --help show its flags and the common ones") {
  Run a = Admin({"help", "topicRoute"});
  Run b = Admin({"topicRoute", "--help"});
  CHECK(a.code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out.find("-t, --topic TOPIC") != std::string::npos);
  CHECK(a.out.find("(required)") != std::string::npos);
  CHECK(a.out.find("-n, --namesrvAddr") != std::string::npos);
  CHECK(a.out.find("--json") != std::string::npos);
}

TEST_CASE("a missing required option is named and exits 2 before connecting") {
  Run r = Admin({"updateKvConfig", "-s", "NS", "-k", "K", "-n", "127.0.0.1:1"});
  CHECK(r.code == 2);
  CHECK(r.err.find("missing required option -v (value)") != std::string::npos);
  CHECK(r.err.find("connect") == std::string::npos);
}

TEST_CASE("alternatives -b and -c: one is required, not both") {
  Run none = Admin({"updateTopic", "-t", "T"});
  CHECK(none.code == 2);
  CHECK(none.err.find("one of -b (brokerAddr) or -c (clusterName)") != std::string::npos);
  Run both = Admin({"updateTopic", "-t", "T", "-b", "127.0.0.1:1", "-c", "C"});
  CHECK(both.code == 2);
  CHECK(both.err.find("cannot be used together") != std::string::npos);
}

TEST_CASE("unknown commands and unknown options are usage errors") {
  Run cmd = Admin({"frobnicate"});
  CHECK(cmd.code == 2);
  CHECK(cmd.err.find("unknown command 'frobnicate'") != std::string::npos);
  Run opt = Admin({"topicList", "-z"});
  CHECK(opt.code == 2);
  CHECK(opt.err.find("unknown option -z") != std::string::npos);
  Run help = Admin({"help", "frobnicate"});
  CHECK(help.code == 2);
}

TEST_CASE("bad option values name the option") {
  Run r = Admin({"updateTopic", "-t", "T", "-b", "127.0.0.1:1", "-r", "many"});
  CHECK(r.code == 2);
  CHECK(r.err.find("option -r (readQueueNums) expects an integer, got 'many'") != std::string::npos);
  Run p = Admin({"updateTopic", "-t", "T", "-b", "127.0.0.1:1", "-p", "5"});
  CHECK(p.code == 2);
  CHECK(p.err.find("-p (perm) must be 2 (W), 4 (R) or 6 (RW)") != std::string::npos);
  Run o = Admin({"updateTopic", "-t", "T", "-b", "127.0.0.1:1", "-o", "yes"});
  CHECK(o.code == 2);
  CHECK(o.err.find("option -o (order) expects true or false, got 'yes'") != std::string::npos);
  Run m = Admin({"updateOrderConf", "-t", "T", "-m", "post"});
  CHECK(m.code == 2);
  CHECK(m.err.find("put, get or delete") != std::string::npos);
}

TEST_CASE("an unreachable nameserver is named with what happened") {
  Run r = Admin({"topicList", "-n", "127.0.0.1:1"});
  CHECK(r.code == 1);
  CHECK(r.err == "mqadmin topicList: cannot reach nameserver 127.0.0.1:1: connection refused\n");
}

TEST_CASE("an unreachable broker is named with what happened") {
  Run r = Admin({"brokerStatus", "-b", "127.0.0.1:1"});
  CHECK(r.code == 1);
  CHECK(r.err == "mqadmin brokerStatus: cannot reach broker 127.0.0.1:1: connection refused\n");
}

TEST_CASE("nameserver lists split on semicolons and trim blanks") {
  CHECK(SplitNamesrvList("a:1; b:2;;") == std::vector<std::string>{"a:1", "b:2"});
  CHECK(SplitNamesrvList("").empty());
}

TEST_CASE("transport errors are described in a few words") {
  CHECK(DescribeTransportError(Status::Unavailable("connect to 1.2.3.4:5 failed: connection refused")) ==
        "connection refused");
  CHECK(DescribeTransportError(Status::Timeout("mqadmin: no answer from a:1 within 5000 ms")) ==
        "no answer within 5000 ms");
  CHECK(DescribeTransportError(Status::Unavailable("connection closed by peer 1.2.3.4:5")) ==
        "connection closed by the peer");
}

}  // namespace
}  // namespace tern::tools::admin
