// BrokerConfig: the broker's settings under RocketMQ's key names
// (BrokerConfig, MessageStoreConfig and NettyServerConfig in Java), so an
// existing broker.conf keeps working (shared/spec/features.md §10).
//
//   BrokerConfig config;
//   ConfigRegistry registry;
//   RegisterBrokerConfig(registry, &config);
//   TERN_RETURN_IF_ERROR(registry.ApplyAll(props));   // unknown key / bad value -> error naming it
//   TERN_RETURN_IF_ERROR(ResolveBrokerConfig(&config));
//
// Owned by the broker wiring. Plain struct: read from any thread after start;
// changes at run time (UPDATE_BROKER_CONFIG) are the wiring's to serialise.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/properties.h"
#include "src/base/status.h"

namespace tern::broker {

struct BrokerConfig {
  // --- identity and nameservers ---
  std::string rocketmq_home;                           // rocketmqHome (informational)
  std::string broker_cluster_name = "DefaultCluster";  // brokerClusterName
  std::string broker_name;                             // brokerName; default: host name
  int64_t broker_id = 0;                               // brokerId; 0 = master
  std::string namesrv_addr;                            // namesrvAddr "a:9876;b:9876"
  std::string broker_ip1;  // brokerIP1; default: first non-loopback IPv4 (store host, brokerAddr)
  std::string broker_ip2;  // brokerIP2; default: brokerIP1 (HA address)
  std::string region_id = "DefaultRegion";  // regionId (MSG_REGION on send responses)
  bool trace_on = true;                     // traceOn (TRACE_ON on send responses)

  // --- listener (NettyServerConfig) ---
  int32_t listen_port = 10911;                         // listenPort; the VIP port is listenPort - 2
  std::string bind_address = "0.0.0.0";                // bindAddress (5.x)
  int32_t server_channel_max_idle_time_seconds = 120;  // serverChannelMaxIdleTimeSeconds
  int32_t ha_listen_port = 0;  // haListenPort; 0 = listenPort + 1 (what Java 4.9 forces)

  // --- topics, groups, permissions ---
  int32_t broker_permission = 6;                             // brokerPermission (PERM bits)
  int32_t default_topic_queue_nums = 8;                      // defaultTopicQueueNums (TBW102)
  bool auto_create_topic_enable = true;                      // autoCreateTopicEnable
  bool auto_create_subscription_group = true;                // autoCreateSubscriptionGroup
  bool cluster_topic_enable = true;                          // clusterTopicEnable
  bool broker_topic_enable = true;                           // brokerTopicEnable
  bool trace_topic_enable = false;                           // traceTopicEnable
  std::string msg_trace_topic_name = "RMQ_SYS_TRACE_TOPIC";  // msgTraceTopicName
  bool reject_transaction_message = false;                   // rejectTransactionMessage
  bool enable_property_filter = false;                       // enablePropertyFilter (SQL92)
  bool notify_consumer_ids_changed_enable = true;            // notifyConsumerIdsChangedEnable
  bool slave_read_enable = false;                            // slaveReadEnable
  bool acl_enable = false;  // aclEnable (not supported; must stay false)
  // brokerConfigPath: the file UPDATE_BROKER_CONFIG saves changes to (the
  // `-c` file; empty = changes last until restart only). Not updatable.
  std::string broker_config_path;

  // --- consumption ---
  bool long_polling_enable = true;                // longPollingEnable
  int64_t short_polling_time_mills = 1000;        // shortPollingTimeMills
  int64_t flush_consumer_offset_interval = 5000;  // flushConsumerOffsetInterval (ms)
  int64_t rebalance_lock_max_live_time = 60'000;  // rocketmq.broker.rebalance.lockMaxLiveTime

  // --- nameserver registration ---
  int32_t register_name_server_period = 30'000;    // registerNameServerPeriod (clamped 10-60 s)
  int32_t register_broker_timeout_mills = 24'000;  // registerBrokerTimeoutMills
  bool compressed_register = false;                // compressedRegister
  bool force_register = true;                      // forceRegister

  // --- transactions ---
  int64_t transaction_timeout = 6000;           // transactionTimeOut (ms)
  int32_t transaction_check_max = 15;           // transactionCheckMax
  int64_t transaction_check_interval = 60'000;  // transactionCheckInterval (ms)

  // --- store (MessageStoreConfig) ---
  std::string store_path_root_dir;                  // storePathRootDir; default $HOME/store
  std::string store_path_commit_log;                // storePathCommitLog; default <root>/commitlog
  int64_t mapped_file_size_commit_log = 1LL << 30;  // mappedFileSizeCommitLog
  int32_t mapped_file_size_consume_queue = 300'000 * 20;  // mappedFileSizeConsumeQueue
  std::string flush_disk_type = "ASYNC_FLUSH";            // flushDiskType ASYNC_FLUSH | SYNC_FLUSH
  std::string broker_role = "ASYNC_MASTER";  // brokerRole ASYNC_MASTER | SYNC_MASTER | SLAVE
  int32_t flush_interval_commit_log = 500;   // flushIntervalCommitLog (ms)
  int32_t flush_commit_log_least_pages = 4;  // flushCommitLogLeastPages
  int32_t flush_commit_log_thorough_interval = 10'000;  // flushCommitLogThoroughInterval (ms)
  int32_t flush_interval_consume_queue = 1000;          // flushIntervalConsumeQueue (ms)
  int64_t sync_flush_timeout = 5000;                    // syncFlushTimeout (ms)
  int32_t file_reserved_time = 72;                      // fileReservedTime (hours)
  std::string delete_when = "04";                       // deleteWhen (hours "04;16")
  int32_t disk_max_used_space_ratio = 75;               // diskMaxUsedSpaceRatio (%)
  int32_t clean_resource_interval = 10'000;             // cleanResourceInterval (ms)
  bool clean_file_forcibly_enable = true;               // cleanFileForciblyEnable
  int32_t max_message_size = 4 * 1024 * 1024;           // maxMessageSize (bytes)
  bool check_crc_on_recover = true;                     // checkCRCOnRecover
  // warmMapedFileEnable: accepted so that RocketMQ configs load, but without
  // effect: the CommitLog is written with pwrite from a staging ring, so there
  // are no write faults to avoid by pre-faulting. Segments are allocated
  // (fallocate) ahead of the writer.
  bool warm_maped_file_enable = false;
  std::string message_delay_level =
      "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";  // messageDelayLevel
  // timerMaxDelaySec: the furthest delivery time a timer message may ask for
  // (RocketMQ 5's key; TernMQ's default is 40 days instead of 3).
  int64_t timer_max_delay_sec = 40LL * 24 * 3600;
  int32_t max_transfer_bytes_on_message_in_memory =
      256 * 1024;                                             // maxTransferBytesOnMessageInMemory
  int32_t max_transfer_count_on_message_in_memory = 32;       // maxTransferCountOnMessageInMemory
  int32_t max_transfer_bytes_on_message_in_disk = 64 * 1024;  // maxTransferBytesOnMessageInDisk
  int32_t max_transfer_count_on_message_in_disk = 8;          // maxTransferCountOnMessageInDisk
  int32_t access_message_in_memory_max_ratio = 40;            // accessMessageInMemoryMaxRatio (%)
  bool message_index_enable = true;                           // messageIndexEnable
  int32_t max_msgs_num_batch = 64;                            // maxMsgsNumBatch (QUERY_MESSAGE cap)
  int32_t default_query_max_num = 32;                         // defaultQueryMaxNum
  int64_t os_page_cache_busy_timeout_mills = 1000;            // osPageCacheBusyTimeOutMills
  int64_t wait_time_mills_in_send_queue = 200;                // waitTimeMillsInSendQueue

  // Java keys accepted so that existing broker.conf files load, with no
  // effect here (thread pools, Netty tuning, DLedger, ...): key -> text.
  std::map<std::string, std::string> compat;

  bool sync_flush() const { return flush_disk_type == "SYNC_FLUSH"; }
  // "brokerIP1:listenPort": what clients use and what goes in msgIds.
  std::string BrokerAddr() const;
  // "brokerIP2:haListenPort".
  std::string HaServerAddr() const;
  // namesrvAddr split on ';' (blanks trimmed, empties dropped).
  std::vector<std::string> NamesrvAddrList() const;
  // registerNameServerPeriod clamped to [10 s, 60 s] as Java does.
  int64_t RegisterPeriodMs() const;
};

// Binds every key above to `config` in `registry` (which must not outlive it).
void RegisterBrokerConfig(ConfigRegistry& registry, BrokerConfig* config);

// Fills the derived defaults (brokerName = host name, brokerIP1 = local IPv4,
// brokerIP2 = brokerIP1, haListenPort = listenPort + 1, store paths) and
// checks cross-field rules (namesrv addresses are host:port, aclEnable is
// false, brokerPermission has no bits beyond PERM_*). Errors name the key.
Status ResolveBrokerConfig(BrokerConfig* config);

// registry + ApplyAll + ResolveBrokerConfig in one call.
Status ApplyBrokerConfig(const PropertyList& props, BrokerConfig* config);

// The first address that is not 127.x.x.x, else "127.0.0.1".
std::string PickBrokerIp(const std::vector<std::string>& local_ipv4_addrs);
// The IPv4 addresses of the local interfaces that are up, in interface order.
std::vector<std::string> LocalIpv4Addresses();

}  // namespace tern::broker
