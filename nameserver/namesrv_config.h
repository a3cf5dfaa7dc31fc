// NamesrvConfig: the nameserver's settings, with RocketMQ's key names
// (NamesrvConfig + NettyServerConfig) where they exist, so an existing
// namesrv.conf keeps working.
//
// Owned by NameServer; read and updated (UPDATE_NAMESRV_CONFIG) on the loop
// thread only.
#pragma once

#include <cstdint>
#include <string>

#include "src/base/properties.h"

namespace tern::nameserver {

struct NamesrvConfig {
  // --- NamesrvConfig (Java) ---
  std::string rocketmq_home;                // rocketmqHome; informational
  std::string kv_config_path;               // kvConfigPath; empty = <dataDir>/kvConfig.json
  std::string config_store_path;            // configStorePath; accepted, unused
  std::string product_env_name = "center";  // productEnvName; accepted, unused
  bool cluster_test = false;                // clusterTest; accepted, unused
  bool order_message_enable = false;        // orderMessageEnable: routes carry orderTopicConf
  int64_t scan_not_active_broker_interval = 10'000;  // scanNotActiveBrokerInterval (ms)

  // --- NettyServerConfig (Java) ---
  int32_t listen_port = 9876;                          // listenPort; 0 = ephemeral
  std::string bind_address = "0.0.0.0";                // bindAddress
  int32_t server_channel_max_idle_time_seconds = 120;  // serverChannelMaxIdleTimeSeconds

  // --- TernMQ ---
  // A broker that has not registered for this long is dropped (Java's fixed
  // BROKER_CHANNEL_EXPIRED_TIME); a 5.x broker may override it per broker with
  // the heartbeatTimeoutMillis header.
  int64_t broker_channel_expired_millis = 120'000;  // brokerChannelExpiredMillis
  int64_t max_frame_bytes = 16 * 1024 * 1024;       // maxFrameBytes
  // Directory for kvConfig.json; set from --data-dir, not a config key.
  std::string data_dir = "./data";

  // kv_config_path, or <data_dir>/kvConfig.json when that is empty.
  std::string KvConfigPath() const;
};

// Binds every key above to `config` in `registry` (which must not outlive it).
void RegisterNamesrvConfig(ConfigRegistry& registry, NamesrvConfig* config);

// Keys UPDATE_NAMESRV_CONFIG refuses to change at run time (RocketMQ 5.x
// configBlackList): changing them would not take effect or would move files.
bool IsNamesrvConfigUpdateForbidden(std::string_view key);

}  // namespace tern::nameserver
