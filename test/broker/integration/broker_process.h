// The real `ternmq` binary as a test sees it: a nameserver and a broker as
// two child processes on 127.0.0.1 with ephemeral ports, each logging to a
// file in the test's temp dir, and an RpcClient that talks to them with raw
// RocketMQ requests (request builders below).
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/net/event_loop.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/pull_headers.h"
#include "src/protocol/route_data.h"
#include "src/protocol/send_headers.h"
#include "src/remoting/remoting_command.h"
#include "src/remoting/rpc_client.h"
#include "test/util/child_process.h"
#include "test/util/remoting_fixtures.h"
#include "test/util/stored_message.h"
#include "test/util/temp_dir.h"

namespace tern::testing {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;
namespace Q = protocol::RequestCode;

// A small commit-log segment keeps start-up and fallocate cheap in tests.
inline constexpr const char* kTestSegmentSize = "--mappedFileSizeCommitLog=16777216";

// A process of `ternmq` that printed its boot line.
struct ServerProcess {
  std::optional<ChildProcess> child;
  std::string log_path;
  uint16_t port = 0;
  std::string addr;  // "127.0.0.1:port"
};

// Starts `ternmq namesrv -p 0`; REQUIREs the boot line.
ServerProcess StartNamesrv(const TempDir& dir);

// Starts `ternmq broker -p 0` registered with `namesrv_addr`, data in
// `data_dir`, plus `extra` arguments (--key=value); REQUIREs the boot line.
ServerProcess StartBroker(const std::string& namesrv_addr, const std::string& data_dir,
                          const std::string& log_path, const std::vector<std::string>& extra = {},
                          const std::string& broker_name = "broker-a");
// The broker's fast port, read from its log line "... and fast port N".
uint16_t FastPortOf(const ServerProcess& broker);
// SIGTERM, then expects exit code 0 within 10 s.
void StopGracefully(ServerProcess& p);

// A client (own event loop, own connections) for raw requests.
using Client = TestRpcClient;  // test/util/remoting_fixtures.h

// A nameserver plus one broker (the common case).
struct Cluster {
  explicit Cluster(const std::vector<std::string>& broker_args = {});
  ~Cluster();
  void RestartBroker(const std::vector<std::string>& broker_args = {});

  TempDir dir;
  ServerProcess ns;
  ServerProcess broker;
  Client client;
  std::string broker_data() const { return dir.Sub("broker"); }
};

// ---- requests ----
protocol::SendMessageRequestHeader SendHeader(const std::string& topic, int queue_id,
                                              const std::string& properties = {});
RemotingCommand SendRequest(const protocol::SendMessageRequestHeader& h, std::string body,
                            int32_t code = Q::kSendMessageV2);
protocol::PullMessageRequestHeader PullHeader(const std::string& group, const std::string& topic,
                                              int queue_id, int64_t offset,
                                              std::optional<std::string> sub = "*");
RemotingCommand PullRequest(const protocol::PullMessageRequestHeader& h);
RemotingCommand CreateTopicRequest(const std::string& topic, int queues);
RemotingCommand RouteRequest(const std::string& topic);
// Every stored record of a PULL body (views into `body`), CRC checked.
std::vector<protocol::MessageRecord> DecodeRecords(const std::string& body);
int64_t FieldInt(const RemotingCommand& r, const std::string& name);

// Polls GET_ROUTEINFO_BY_TOPIC until the nameserver has a route for `topic`
// or `deadline_ms` passes.
std::optional<protocol::TopicRouteData> WaitForRoute(Client& client, const std::string& ns_addr,
                                                     const std::string& topic, int64_t deadline_ms);

inline int64_t ElapsedMs(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

}  // namespace tern::testing
