#include "nameserver/namesrv_config.h"

namespace tern::nameserver {

std::string NamesrvConfig::KvConfigPath() const {
  if (!kv_config_path.empty()) return kv_config_path;
  return data_dir + "/kvConfig.json";
}

void RegisterNamesrvConfig(ConfigRegistry& r, NamesrvConfig* c) {
  r.AddString("rocketmqHome", &c->rocketmq_home, "RocketMQ home directory (informational)");
  r.AddString("kvConfigPath", &c->kv_config_path,
              "KV config file; empty means <data dir>/kvConfig.json");
  r.AddString("configStorePath", &c->config_store_path, "accepted for compatibility; unused");
  r.AddString("productEnvName", &c->product_env_name, "accepted for compatibility; unused");
  r.AddBool("clusterTest", &c->cluster_test, "accepted for compatibility; unused");
  r.AddBool("orderMessageEnable", &c->order_message_enable,
            "fill orderTopicConf in routes from KV namespace ORDER_TOPIC_CONFIG");
  r.AddInt64("scanNotActiveBrokerInterval", &c->scan_not_active_broker_interval,
             "milliseconds between scans for expired brokers (read at start)", 100, 3'600'000);
  r.AddInt("listenPort", &c->listen_port, "TCP port (0 = ephemeral)", 0, 65535);
  r.AddString("bindAddress", &c->bind_address, "address to listen on");
  r.AddInt("serverChannelMaxIdleTimeSeconds", &c->server_channel_max_idle_time_seconds,
           "close connections idle this long (read at start)", 1, 86'400);
  r.AddInt64("brokerChannelExpiredMillis", &c->broker_channel_expired_millis,
             "drop a broker this long after its last registration", 1000, 86'400'000);
  r.AddInt64("maxFrameBytes", &c->max_frame_bytes, "largest accepted frame (read at start)", 1024,
             1LL << 30);
}

bool IsNamesrvConfigUpdateForbidden(std::string_view key) {
  return key == "kvConfigPath" || key == "configStorePath" || key == "configBlackList";
}

}  // namespace tern::nameserver
