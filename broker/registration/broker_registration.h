// BrokerRegistration: keeps this broker registered with every nameserver
// (features.md §1.4, requests.md §A.1/§A.2).
//
// REGISTER_BROKER (header brokerName, brokerAddr, clusterName, haServerAddr,
// brokerId, compressed=false, bodyCrc32 = Java CRC32 & 0x7FFFFFFF of the body;
// body RegisterBrokerBody = the full topic table + data version) goes to each
// address of namesrvAddr in parallel: at Start(), every period (30 s, clamped
// to 10-60 s), and at once after RequestRegister() (a topic was created or
// changed). If brokerPermission is not read+write every topic is registered
// with perm = brokerPermission. Stop() sends UNREGISTER_BROKER to each.
// Logs: INFO on the first success per nameserver (and after a failure), WARN
// on every failure with the address.
//
// Threading: Start/Stop/RequestRegister from any thread. Registration runs on
// its own "broker-register" thread, which blocks on the RpcClient (never on an
// event loop). RegisterAll/UnregisterAll/RunOnce block the caller and must not
// run on the RpcClient's loop thread. The topic source, client and clock must
// outlive this object.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "src/base/clock.h"
#include "src/base/status.h"
#include "src/protocol/register_broker_body.h"
#include "src/protocol/topic_config.h"
#include "src/remoting/remoting_command.h"
#include "src/remoting/rpc_client.h"

namespace tern::broker {

struct BrokerConfig;

// Where the registration gets the topic table. The wiring adapts the topic
// config table (broker/meta) to it.
class TopicConfigSource {
 public:
  virtual ~TopicConfigSource() = default;
  // A consistent snapshot of every topic config with its data version. Any thread.
  virtual protocol::TopicConfigSerializeWrapper TopicConfigSnapshot() = 0;
};

struct RegistrationOptions {
  std::string cluster_name;
  std::string broker_name;
  std::string broker_addr;     // brokerIP1:listenPort
  std::string ha_server_addr;  // brokerIP2:haListenPort
  int64_t broker_id = 0;
  int32_t broker_permission = 6;
  std::vector<std::string> namesrv_addrs;
  int64_t period_ms = 30'000;
  int64_t timeout_ms = 24'000;

  static RegistrationOptions FromConfig(const BrokerConfig& config);
};

// The body: the snapshot, with every perm replaced by `broker_permission`
// when that is not read+write (features.md §1.1).
protocol::RegisterBrokerBody BuildRegisterBrokerBody(protocol::TopicConfigSerializeWrapper topics,
                                                     int32_t broker_permission);
remoting::RemotingCommand BuildRegisterBrokerRequest(const RegistrationOptions& options,
                                                     const protocol::RegisterBrokerBody& body);
remoting::RemotingCommand BuildUnregisterBrokerRequest(const RegistrationOptions& options);

class BrokerRegistration {
 public:
  BrokerRegistration(RegistrationOptions options, TopicConfigSource& topics,
                     remoting::RpcClient& client, const Clock& clock);
  ~BrokerRegistration();  // Stop() without unregistering if still running.
  BrokerRegistration(const BrokerRegistration&) = delete;
  BrokerRegistration& operator=(const BrokerRegistration&) = delete;

  // Starts the thread; it registers at once, then every period and on request.
  Status Start();
  // Asks for a registration as soon as possible. Any thread; never blocks.
  void RequestRegister();
  // As RequestRegister(), then calls `done` once a registration pass that
  // began after this call has been answered by every nameserver (or timed
  // out): the topic table it sent includes whatever the caller created
  // before. Any thread; never blocks. `done` runs on the registration thread,
  // or on the caller's thread when the registration is stopping or stopped
  // (at once) or stops before such a pass (in Stop()). Apache RocketMQ's
  // broker answers a send that auto-created a topic only after this (its
  // registerIncrementBrokerData is synchronous), and clients rely on finding
  // the route right after that first send.
  void RegisterThen(std::function<void()> done);
  // brokerPermission changed (UPDATE_BROKER_CONFIG): later registrations
  // carry it; asks for one at once. The caller also gives the topic table a
  // new data version, or the nameservers ignore the new perms. Any thread.
  void SetBrokerPermission(int32_t perm);
  int32_t broker_permission() const { return broker_permission_.load(); }
  // Stops the thread, then unregisters from every nameserver (when
  // `unregister`). Idempotent.
  void Stop(bool unregister = true);

  // The outcome of one request to one nameserver.
  struct NsResult {
    std::string addr;
    Status status;  // OK, a transport error, or the refusal (code and remark)
  };
  // Registers with every nameserver now and waits for all answers.
  std::vector<NsResult> RegisterAll();
  std::vector<NsResult> UnregisterAll();
  // Registers if a request is pending or `now_ms` (monotonic) reached the
  // next due time; returns whether it registered. The thread's step.
  bool RunOnce(int64_t now_ms);

  // Completed RegisterAll passes (for tests and runtime info).
  int64_t registrations() const;

 private:
  std::vector<NsResult> SendToAll(const remoting::RemotingCommand& request, std::string_view what);
  void ThreadMain();

  const RegistrationOptions options_;
  std::atomic<int32_t> broker_permission_;  // starts as options_.broker_permission
  TopicConfigSource& topics_;
  remoting::RpcClient& client_;
  const Clock& clock_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;     // GUARDED_BY(mu_)
  bool stopping_ = false;      // GUARDED_BY(mu_)
  int64_t next_due_ms_ = 0;    // GUARDED_BY(mu_); 0 = now
  int64_t registrations_ = 0;  // GUARDED_BY(mu_)
  // GUARDED_BY(mu_): RegisterThen callbacks for the next pass.
  std::vector<std::function<void()>> waiting_;
  std::set<std::string> healthy_;  // GUARDED_BY(mu_): nameservers whose last answer was OK
  std::thread thread_;
};

}  // namespace tern::broker
