// The broker's own state for operators (shared/spec/requests.md §B.19, §B.23):
//   GET_BROKER_RUNTIME_INFO (28)  KVTable of figures (mqadmin clusterList / brokerStatus)
//   GET_BROKER_CONFIG (26)        `key=value` lines + response header `version`
//   UPDATE_BROKER_CONFIG (25)     properties body, applied at run time
//
// The processor keeps the authoritative run-time copy of BrokerConfig: it is
// what GET_BROKER_CONFIG shows, and UPDATE_BROKER_CONFIG changes it (never the
// caller's struct). An update is all or nothing: the black list
// (configBlackList;brokerConfigPath) answers NO_PERMISSION "Can not update
// config in black list."; an unknown key or a bad value answers SYSTEM_ERROR
// naming the key; changing a key that is not in `runtime_keys` answers
// SYSTEM_ERROR naming it (restart with it in broker.conf); keys given with
// their current value are accepted. A successful change bumps the config's
// data version and calls the change listener, which propagates the new values
// to the live components (brokerPermission: re-register with the nameservers).
//
// Threads: handlers on the loop thread; config() and the listener setter any
// thread (mu_). The listener runs on the loop thread with no lock held and
// must not block. References must outlive the processor.
#pragma once

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "broker/broker_config.h"
#include "broker/processor/broker_stats.h"
#include "broker/store/message_store.h"
#include "src/base/clock.h"
#include "src/protocol/data_version.h"
#include "src/protocol/topic_list.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

// The keys DefaultBrokerRuntimeOptions lets UPDATE_BROKER_CONFIG change:
// switches and limits that components read from their options and that the
// wiring can push to them (see the README for the list).
std::set<std::string, std::less<>> DefaultRuntimeConfigKeys();

struct BrokerRuntimeOptions {
  std::set<std::string, std::less<>> runtime_keys = DefaultRuntimeConfigKeys();
  // configBlackList: keys no UPDATE_BROKER_CONFIG may carry.
  std::vector<std::string> black_list = {"configBlackList", "brokerConfigPath"};
};

// Called after a successful UPDATE_BROKER_CONFIG that changed something.
using BrokerConfigListener = std::function<void(const broker::BrokerConfig& config,
                                                const std::vector<std::string>& changed_keys)>;

class BrokerRuntimeProcessor {
 public:
  BrokerRuntimeProcessor(const broker::BrokerConfig& config, store::MessageStore& store,
                         BrokerStats& stats, const Clock& clock, BrokerRuntimeOptions options = {});

  void SetConfigListener(BrokerConfigListener listener);
  // Registers codes 28, 26 and 25 (sync handlers).
  void Register(remoting::RpcServer& server);

  Result<remoting::RemotingCommand> GetBrokerRuntimeInfo(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetBrokerConfig(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> UpdateBrokerConfig(const remoting::RemotingCommand& request);

  // The figures of GET_BROKER_RUNTIME_INFO.
  protocol::KvTable RuntimeInfo() const;
  // The current run-time configuration and its data version.
  broker::BrokerConfig config() const;
  protocol::DataVersion config_version() const;

 private:
  store::MessageStore& store_;
  BrokerStats& stats_;
  const Clock& clock_;
  const BrokerRuntimeOptions options_;

  mutable std::mutex mu_;
  broker::BrokerConfig config_;    // GUARDED_BY(mu_)
  protocol::DataVersion version_;  // GUARDED_BY(mu_)
  BrokerConfigListener listener_;  // GUARDED_BY(mu_)
};

// Java MixAll.humanReadableByteCount(bytes, false): "512 B", "1.5 KiB".
std::string HumanReadableBytes(int64_t bytes);
// Java StoreStatsService runtime: "[ 1 days, 2 hours, 3 minutes, 4 seconds ]".
std::string FormatRuntime(int64_t elapsed_ms);

}  // namespace tern::processor
