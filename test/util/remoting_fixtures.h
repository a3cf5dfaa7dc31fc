// Shared fixtures for tests that talk the remoting protocol: a booted `ternmq`
// child process, a blocking RPC client on its own loop, and a REGISTER_BROKER
// request for a test broker.
#pragma once

#include <future>
#include <optional>
#include <string>
#include <vector>

#include "src/net/event_loop.h"
#include "src/remoting/remoting_command.h"
#include "src/remoting/rpc_client.h"
#include "test/util/child_process.h"

namespace tern::testing {

// A `ternmq` child that printed its boot line, and the "127.0.0.1:<port>" read
// from that line (the text after its last ':').
struct BootedTernmq {
  std::optional<ChildProcess> child;
  std::string addr;
  std::string log;  // the child's stderr
};

// Starts `ternmq <args...>` with stderr in `log` and waits (10 s) for a stdout
// line containing `boot_needle`. Fails the current test if it does not boot.
BootedTernmq StartTernmq(const std::vector<std::string>& args, const std::string& log,
                         const std::string& boot_needle = "boot success");

// `ternmq namesrv -p 0 --data-dir <data_dir>`.
BootedTernmq StartNamesrv(const std::string& data_dir, const std::string& log);

// `ternmq dev` on ephemeral ports with data in `data_dir`, 16 MiB CommitLog
// segments (the 1 GiB default reserves 2 GiB of disk per dev) and `extra`
// arguments (`--key=value`), stderr in `log`. Returns once the broker booted
// and the nameserver serves TBW102's route, so that auto-created topics work;
// `addr` is the nameserver's. Fails the current test (with the log) otherwise.
BootedTernmq StartDev(const std::string& data_dir, const std::string& log,
                      const std::vector<std::string>& extra = {});

// A loop thread and an RpcClient on it. Call() fails the test on a transport
// error and returns the response otherwise.
class TestRpcClient {
 public:
  TestRpcClient();
  ~TestRpcClient();
  remoting::RemotingCommand Call(const std::string& addr, remoting::RemotingCommand request,
                                 int64_t timeout_ms = 5000);
  // Like Call, but a transport error is returned rather than failing the test.
  Result<remoting::RemotingCommand> TryCall(const std::string& addr,
                                            remoting::RemotingCommand request,
                                            int64_t timeout_ms = 5000);
  // Sends without waiting; the future gets the response or the transport error.
  std::future<Result<remoting::RemotingCommand>> CallAsync(const std::string& addr,
                                                           remoting::RemotingCommand request,
                                                           int64_t timeout_ms);
  remoting::RpcClient& rpc() { return *rpc_; }

 private:
  net::EventLoop loop_{"test-client"};
  std::optional<remoting::RpcClient> rpc_;
};

struct TestBroker {
  std::string name = "broker-a";
  std::string addr = "127.0.0.1:10911";
  std::string cluster = "DefaultCluster";
  int64_t id = 0;
  std::string ha_addr = "127.0.0.1:10912";
  int64_t data_version_counter = 1;
};

// REGISTER_BROKER for `broker` hosting `topics`, 4 read and 4 write queues each.
remoting::RemotingCommand RegisterBrokerRequest(const TestBroker& broker,
                                                const std::vector<std::string>& topics);

}  // namespace tern::testing
