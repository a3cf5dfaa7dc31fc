// The broker's own state for operators (shared/spec/requests.md §B.19, §B.23):
//   GET_BROKER_RUNTIME_INFO (28)  KVTable of figures (mqadmin clusterList / brokerStatus)
//   GET_BROKER_CONFIG (26)        `key=value` lines + response header `version`
//   UPDATE_BROKER_CONFIG (25)     properties body, applied at run time
//
// The processor keeps the authoritative run-time copy of BrokerConfig: it is
// what GET_BROKER_CONFIG shows (the values in force), and UPDATE_BROKER_CONFIG
// changes it (never the caller's struct). An update is all or nothing:
//   * the black list (configBlackList;brokerConfigPath) answers NO_PERMISSION
//     "Can not update config in black list."; an unknown key or a bad value
//     answers SYSTEM_ERROR naming the key; nothing changes.
//   * keys in `runtime_keys` ("live" keys) take effect at once: the config's
//     data version is bumped and the change listener propagates the new
//     values to the running parts (brokerPermission: re-register at once).
//   * other keys ("restart" keys: listenPort, storePathRootDir, ...) cannot
//     change a running broker. With a config file (`persist` set) the update
//     is accepted: every key of the request is saved to the file, the live
//     ones also apply now, and the response remark (and the log) says
//     "takes effect after restart: k1, k2"; GET_BROKER_CONFIG keeps showing
//     the running values of those keys. Without a config file the update is
//     refused with SYSTEM_ERROR naming the keys.
//   * with `persist` set, the response comes once the file is durable; if
//     saving fails the answer is SYSTEM_ERROR and nothing changes.
//   Keys given with their current value are accepted and change nothing.
//
// Threads: handlers on the loop thread; config() and the listener setter any
// thread (mu_). The listener runs on the loop thread with no lock held and
// must not block. References must outlive the processor.
#pragma once

#include <climits>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "broker/broker_config.h"
#include "broker/processor/broker_stats.h"
#include "broker/store/message_store.h"
#include "src/base/clock.h"
#include "src/base/properties.h"
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
  // More figures for GET_BROKER_RUNTIME_INFO from parts this library does not
  // link (the transaction counters); called on the loop thread, must not block.
  std::function<std::map<std::string, std::string>()> extra_figures;
  // maxMessageSize may be lowered at run time, and raised up to this (the
  // value the store started with: its limits and buffers are sized then);
  // above it, it is a restart key.
  int32_t max_live_message_size = INT32_MAX;
  // The broker's config file, if it has one: saves `updates` (the request's
  // keys and values) durably and calls `done` ON THE LOOP THREAD with the
  // outcome. Must not block the caller (hand the write to a worker).
  std::function<void(PropertyList updates, std::function<void(Status)> done)> persist;
};

// Called after a successful UPDATE_BROKER_CONFIG that changed something.
using BrokerConfigListener = std::function<void(const broker::BrokerConfig& config,
                                                const std::vector<std::string>& changed_keys)>;

class BrokerRuntimeProcessor {
 public:
  BrokerRuntimeProcessor(const broker::BrokerConfig& config, store::MessageStore& store,
                         BrokerStats& stats, const Clock& clock, BrokerRuntimeOptions options = {});

  void SetConfigListener(BrokerConfigListener listener);
  // Registers codes 28 and 26 (sync handlers) and 25 (async: it may wait for
  // the config file to be saved).
  void Register(remoting::RpcServer& server);

  Result<remoting::RemotingCommand> GetBrokerRuntimeInfo(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetBrokerConfig(const remoting::RemotingCommand& request);
  // Answers through `responder`, at once or after `persist`. Loop thread.
  void UpdateBrokerConfig(remoting::RemotingCommand request, remoting::Responder responder);

  // The figures of GET_BROKER_RUNTIME_INFO.
  protocol::KvTable RuntimeInfo() const;
  // The current run-time configuration and its data version.
  broker::BrokerConfig config() const;
  protocol::DataVersion config_version() const;

 private:
  store::MessageStore& store_;
  BrokerStats& stats_;
  const Clock& clock_;
  // What an UPDATE_BROKER_CONFIG asks for, once validated.
  struct ConfigUpdate {
    PropertyList props;                     // the request's keys
    std::vector<std::string> live;          // changed keys that apply now
    std::vector<std::string> restart_only;  // changed keys that need a restart
  };
  Result<ConfigUpdate> ValidateUpdate(const PropertyList& props) const;
  // Applies the live keys of `update` to config_, bumps the version, calls
  // the listener. Loop thread.
  Status ApplyLive(const ConfigUpdate& update);

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
