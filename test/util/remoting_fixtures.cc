#include "test/util/remoting_fixtures.h"

#include <doctest/doctest.h>

#include "src/protocol/codes.h"
#include "src/protocol/register_broker_body.h"
#include "test/util/temp_dir.h"
#include "test/util/wait.h"

namespace tern::testing {

BootedTernmq StartTernmq(const std::vector<std::string>& args, const std::string& log,
                         const std::string& boot_needle) {
  std::vector<std::string> argv = {TernmqBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto child = ChildProcess::Start(argv, log);
  REQUIRE_MESSAGE(child.ok(), child.status().ToString());
  auto line = child->WaitForLine(boot_needle, 10'000);
  if (!line.ok()) FAIL("ternmq did not boot: " << line.status().ToString() << "\n" << ReadFile(log));
  size_t colon = line->rfind(':');
  REQUIRE(colon != std::string::npos);
  int port = std::stoi(line->substr(colon + 1));
  REQUIRE(port > 0);
  BootedTernmq booted;
  booted.addr = "127.0.0.1:" + std::to_string(port);
  booted.log = log;
  booted.child.emplace(std::move(child).value());
  return booted;
}

BootedTernmq StartNamesrv(const std::string& data_dir, const std::string& log) {
  return StartTernmq({"namesrv", "-p", "0", "--data-dir", data_dir}, log);
}

BootedTernmq StartDev(const std::string& data_dir, const std::string& log,
                      const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"dev",        "-p",     "0", "--broker-port",
                                   "0",          "--data-dir", data_dir,
                                   "--mappedFileSizeCommitLog=16777216"};
  args.insert(args.end(), extra.begin(), extra.end());
  BootedTernmq booted = StartTernmq(args, log, "Name Server boot success");
  auto line = booted.child->WaitForLine("The broker[", 10'000);
  if (!line.ok()) FAIL("broker did not boot: " << line.status().ToString() << "\n" << ReadFile(log));
  // The broker registers with the nameserver around its boot line.
  TestRpcClient rpc;
  bool routed = WaitUntil(
      [&] {
        auto req = remoting::RemotingCommand::Request(protocol::RequestCode::kGetRouteinfoByTopic);
        req.SetField("topic", "TBW102");
        auto r = rpc.rpc().InvokeSync(booted.addr, std::move(req), 2000);
        return r.ok() && r->code == protocol::ResponseCode::kSuccess;
      },
      10'000);
  if (!routed) FAIL("the dev broker never registered TBW102\n" << ReadFile(log));
  return booted;
}

TestRpcClient::TestRpcClient() {
  REQUIRE(loop_.Start().ok());
  rpc_.emplace(loop_, remoting::RpcClientOptions{});
}

TestRpcClient::~TestRpcClient() {
  rpc_->Shutdown();
  rpc_.reset();
  loop_.Stop();
}

remoting::RemotingCommand TestRpcClient::Call(const std::string& addr,
                                              remoting::RemotingCommand request,
                                              int64_t timeout_ms) {
  auto r = rpc_->InvokeSync(addr, std::move(request), timeout_ms);
  REQUIRE_MESSAGE(r.ok(), addr << ": " << r.status().ToString());
  return std::move(r).value();
}

Result<remoting::RemotingCommand> TestRpcClient::TryCall(const std::string& addr,
                                                        remoting::RemotingCommand request,
                                                        int64_t timeout_ms) {
  return rpc_->InvokeSync(addr, std::move(request), timeout_ms);
}

std::future<Result<remoting::RemotingCommand>> TestRpcClient::CallAsync(
    const std::string& addr, remoting::RemotingCommand request, int64_t timeout_ms) {
  auto promise = std::make_shared<std::promise<Result<remoting::RemotingCommand>>>();
  auto future = promise->get_future();
  rpc_->InvokeAsync(addr, std::move(request), timeout_ms,
                    [promise](Result<remoting::RemotingCommand> r) {
                      promise->set_value(std::move(r));
                    });
  return future;
}

remoting::RemotingCommand RegisterBrokerRequest(const TestBroker& broker,
                                                const std::vector<std::string>& topics) {
  protocol::RegisterBrokerBody body;
  body.topic_config_serialize_wrapper.data_version = {1700000000000, broker.data_version_counter,
                                                      std::nullopt};
  for (const auto& t : topics) {
    protocol::TopicConfig c;
    c.topic_name = t;
    c.read_queue_nums = 4;
    c.write_queue_nums = 4;
    body.topic_config_serialize_wrapper.topic_config_table[t] = c;
  }
  auto req = remoting::RemotingCommand::Request(protocol::RequestCode::kRegisterBroker);
  req.SetField("brokerName", broker.name);
  req.SetField("brokerAddr", broker.addr);
  req.SetField("clusterName", broker.cluster);
  req.SetField("haServerAddr", broker.ha_addr);
  req.SetField("brokerId", broker.id);
  req.body = body.Encode();
  return req;
}

}  // namespace tern::testing
