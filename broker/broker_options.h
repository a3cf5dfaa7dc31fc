// The options of each broker part, derived from BrokerConfig (RocketMQ's key
// names) in one place, so that broker.cc only wires. Pure functions; any
// thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "broker/broker_config.h"
#include "broker/processor/client_processor.h"
#include "broker/processor/offset_processor.h"
#include "broker/processor/pull_processor.h"
#include "broker/processor/send_processor.h"
#include "broker/store/message_store.h"
#include "broker/store/retention.h"
#include "broker/topic/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "src/base/status.h"
#include "src/protocol/message_codec.h"
#include "src/remoting/rpc_server.h"

namespace tern::broker {

// messageDelayLevel ("1s 5s 10s 30s 1m ... 2h", units s, m, h, d) in ms,
// level 1 first. An error names the key and the bad word.
Result<std::vector<int64_t>> ParseDelayLevels(std::string_view text);

// The store: root and commit log directories, segment sizes, flush mode and
// intervals, limits, and `store_host` (brokerIP1 + the bound port, Q12).
Result<store::MessageStoreOptions> StoreOptionsFrom(const BrokerConfig& config,
                                                    const protocol::HostAddress& store_host);
store::RetentionOptions RetentionOptionsFrom(const BrokerConfig& config);

topic::TopicConfigManagerOptions TopicOptionsFrom(const BrokerConfig& config);
topic::SubscriptionGroupManagerOptions GroupOptionsFrom(const BrokerConfig& config);
processor::SendOptions SendOptionsFrom(const BrokerConfig& config);
processor::PullOptions PullOptionsFrom(const BrokerConfig& config);
ClientProcessorOptions ClientOptionsFrom(const BrokerConfig& config);
ConsumerManagerOptions ConsumerOptionsFrom(const BrokerConfig& config);

// A listener on `port` (0 = ephemeral) at bindAddress, named for the logs.
remoting::RpcServerOptions ServerOptionsFrom(const BrokerConfig& config, std::string name,
                                             int port);

}  // namespace tern::broker
