// Test peers for the SDK: the real `ternmq namesrv` binary (NamesrvProcess)
// and StandInBroker, a temporary protocol peer built from RpcServer that
// answers SEND_MESSAGE / SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE and HEART_BEAT
// the way a broker does (requests.md §B.1, §B.5) and registers itself with the
// nameserver through REGISTER_BROKER, so the producer finds it only through
// routes. It records every request (decoded with the protocol's own header
// and body parsers) so tests can check what the producer put on the wire.
//
// Stand-in until `ternmq broker` exists: tests that only check outcomes
// (SendResult, retries, routes) are written against the nameserver address
// so they can be pointed at the real broker.
//
// Threading: the broker's handlers run on its own loop thread; every public
// method may be called from the test thread; recorded data is guarded by mu_.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "src/net/event_loop.h"
#include "src/protocol/heartbeat_data.h"
#include "src/protocol/send_headers.h"
#include "src/remoting/rpc_client.h"
#include "src/remoting/rpc_server.h"
#include "test/util/child_process.h"

namespace tern::testing {

// `ternmq namesrv -p 0` with its data and log under `dir`.
class NamesrvProcess {
 public:
  // FAILs the test when the binary does not boot.
  explicit NamesrvProcess(const std::string& dir);
  const std::string& addr() const { return addr_; }

 private:
  std::optional<ChildProcess> child_;
  std::string addr_;
};

struct ReceivedSend {
  int32_t code = 0;
  bool oneway = false;
  protocol::SendMessageRequestHeader header;
  std::string body;
};

class StandInBroker {
 public:
  enum class Mode {
    kStore,   // answer SUCCESS (or TOPIC_NOT_EXIST for an unknown topic without template)
    kFail,    // answer fail_code_
    kSilent,  // never answer
  };

  explicit StandInBroker(std::string broker_name, std::string cluster = "DefaultCluster");
  ~StandInBroker();

  // Listens on 127.0.0.1:0. REQUIREs success.
  void Start();
  std::string addr() const;
  const std::string& name() const { return name_; }

  // Topic table registered with the nameserver (perm 6; TBW102 is usually perm 7).
  void AddTopic(const std::string& topic, int32_t queues, int32_t perm = 6);
  // REGISTER_BROKER with the current table; the connection stays open (the
  // nameserver drops a broker whose connection closes). REQUIREs SUCCESS.
  void Register(const std::string& ns_addr);

  void SetMode(Mode mode, int32_t fail_code = 1);
  // Closes the listener and every client connection; the registration stays.
  void StopServing();

  // Waits (with a deadline) until at least `n` sends / heartbeats arrived.
  bool WaitForSends(size_t n, int timeout_ms = 5000);
  bool WaitForHeartbeats(size_t n, int timeout_ms = 5000);
  std::vector<ReceivedSend> sends() const;
  std::vector<protocol::HeartbeatData> heartbeats() const;
  // The offset msgIds answered so far, in order.
  std::vector<std::string> answered_msg_ids() const;
  std::map<std::string, int32_t> topics() const;

 private:
  void OnSend(const remoting::RequestContext& ctx, remoting::RemotingCommand request,
              remoting::Responder responder);
  remoting::RemotingCommand Store(const remoting::RemotingCommand& request,
                                  const protocol::SendMessageRequestHeader& header);
  // REGISTER_BROKER from the broker's loop thread (the client has its own loop).
  void RegisterNow();

  const std::string name_;
  const std::string cluster_;
  net::EventLoop loop_;
  net::EventLoop ns_loop_;  // the nameserver client's, so the broker loop may wait on it
  std::unique_ptr<remoting::RpcServer> server_;
  std::unique_ptr<remoting::RpcClient> ns_client_;
  uint16_t port_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  Mode mode_ = Mode::kStore;
  int32_t fail_code_ = 1;
  std::string ns_addr_;
  std::map<std::string, std::pair<int32_t, int32_t>> topics_;  // name -> (queues, perm)
  std::map<std::pair<std::string, int32_t>, int64_t> next_offset_;
  int64_t next_physical_ = 0;
  std::vector<ReceivedSend> sends_;
  std::vector<protocol::HeartbeatData> heartbeats_;
  std::vector<std::string> answered_;
};

}  // namespace tern::testing
