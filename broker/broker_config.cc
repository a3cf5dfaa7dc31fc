#include "broker/broker_config.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace tern::broker {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return "DEFAULT_BROKER";
  return buf;
}

// Java keys with no effect in TernMQ, accepted so that broker.conf files
// written for Apache RocketMQ load unchanged.
constexpr std::string_view kCompatKeys[] = {"sendMessageThreadPoolNums",
                                            "pullMessageThreadPoolNums",
                                            "queryMessageThreadPoolNums",
                                            "adminBrokerThreadPoolNums",
                                            "clientManageThreadPoolNums",
                                            "consumerManageThreadPoolNums",
                                            "heartbeatThreadPoolNums",
                                            "endTransactionThreadPoolNums",
                                            "processReplyMessageThreadPoolNums",
                                            "sendThreadPoolQueueCapacity",
                                            "pullThreadPoolQueueCapacity",
                                            "queryThreadPoolQueueCapacity",
                                            "clientManagerThreadPoolQueueCapacity",
                                            "consumerManagerThreadPoolQueueCapacity",
                                            "heartbeatThreadPoolQueueCapacity",
                                            "endTransactionPoolQueueCapacity",
                                            "useReentrantLockWhenPutMessage",
                                            "waitTimeMillsInPullQueue",
                                            "waitTimeMillsInHeartbeatQueue",
                                            "waitTimeMillsInTransactionQueue",
                                            "brokerFastFailureEnable",
                                            "fetchNamesrvAddrByAddressServer",
                                            "serverWorkerThreads",
                                            "serverCallbackExecutorThreads",
                                            "serverSelectorThreads",
                                            "serverOnewaySemaphoreValue",
                                            "serverAsyncSemaphoreValue",
                                            "serverSocketSndBufSize",
                                            "serverSocketRcvBufSize",
                                            "serverPooledByteBufAllocatorEnable",
                                            "useEpollNativeSelector",
                                            "transientStorePoolEnable",
                                            "transientStorePoolSize",
                                            "fastFailIfNoBufferInStorePool",
                                            "commitIntervalCommitLog",
                                            "commitCommitLogLeastPages",
                                            "commitCommitLogThoroughInterval",
                                            "flushConsumeQueueLeastPages",
                                            "flushConsumeQueueThoroughInterval",
                                            "flushCommitLogTimed",
                                            "flushDelayOffsetInterval",
                                            "flushConsumerOffsetHistoryInterval",
                                            "flushLeastPagesWhenWarmMapedFile",
                                            "deleteCommitLogFilesInterval",
                                            "deleteConsumeQueueFilesInterval",
                                            "destroyMapedFileIntervalForcibly",
                                            "redeleteHangedFileInterval",
                                            "putMsgIndexHightWater",
                                            "maxHashSlotNum",
                                            "maxIndexNum",
                                            "messageIndexSafe",
                                            "haSendHeartbeatInterval",
                                            "haHousekeepingInterval",
                                            "haTransferBatchSize",
                                            "haMasterAddress",
                                            "haSlaveFallbehindMax",
                                            "offsetCheckInSlave",
                                            "debugLockEnable",
                                            "duplicationEnable",
                                            "diskFallRecorded",
                                            "enableConsumeQueueExt",
                                            "enableDLegerCommitLog",
                                            "dLegerGroup",
                                            "dLegerPeers",
                                            "dLegerSelfId",
                                            "isEnableBatchPush",
                                            "enableScheduleMessageStats",
                                            "enableScheduleAsyncDeliver",
                                            "highSpeedMode",
                                            "commercialEnable",
                                            "transferMsgByHeap",
                                            "maxDelayTime",
                                            "disableConsumeIfConsumerReadSlowly",
                                            "consumerFallbehindThreshold",
                                            "filterServerNums",
                                            "enableCalcFilterBitMap",
                                            "filterSupportRetry",
                                            "storeReplyMessageEnable",
                                            "autoDeleteUnusedStats",
                                            "startAcceptSendRequestTimeStamp",
                                            "messageStorePlugIn",
                                            "filterDataCleanTimeSpan",
                                            "traceTopicEnableFilter",
                                            "isolateLogEnable",
                                            "configBlackList",
                                            "accessMessageInMemoryHotRatio",
                                            "enableSlaveActingMaster",
                                            "enableControllerMode",
                                            "storePathIndex",
                                            "storePathConsumerQueue"};

}  // namespace

std::string BrokerConfig::BrokerAddr() const {
  return fmt::format("{}:{}", broker_ip1, listen_port);
}

std::string BrokerConfig::HaServerAddr() const {
  return fmt::format("{}:{}", broker_ip2.empty() ? broker_ip1 : broker_ip2,
                     ha_listen_port == 0 ? listen_port + 1 : ha_listen_port);
}

std::vector<std::string> BrokerConfig::NamesrvAddrList() const {
  std::vector<std::string> out;
  std::string_view rest = namesrv_addr;
  while (!rest.empty()) {
    size_t semi = rest.find(';');
    std::string_view part = Trim(rest.substr(0, semi));
    if (!part.empty()) out.emplace_back(part);
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return out;
}

int64_t BrokerConfig::RegisterPeriodMs() const {
  return std::clamp<int64_t>(register_name_server_period, 10'000, 60'000);
}

void RegisterBrokerConfig(ConfigRegistry& r, BrokerConfig* c) {
  r.AddString("rocketmqHome", &c->rocketmq_home, "RocketMQ home directory (informational)");
  r.AddString("brokerClusterName", &c->broker_cluster_name, "cluster this broker belongs to");
  r.AddString("brokerName", &c->broker_name, "broker name (default: host name)");
  r.AddInt64("brokerId", &c->broker_id, "0 = master, >= 1 = slave", 0);
  r.AddString("namesrvAddr", &c->namesrv_addr, "nameservers, 'host:port;host:port'");
  r.AddString("brokerIP1", &c->broker_ip1,
              "address clients use (default: first non-loopback IPv4)");
  r.AddString("brokerIP2", &c->broker_ip2, "HA address (default: brokerIP1)");
  r.AddString("regionId", &c->region_id, "MSG_REGION returned on sends");
  r.AddBool("traceOn", &c->trace_on, "TRACE_ON returned on sends");

  r.AddInt("listenPort", &c->listen_port, "main listener port (0 = ephemeral)", 0, 65535);
  r.AddString("bindAddress", &c->bind_address, "address to listen on");
  r.AddInt("serverChannelMaxIdleTimeSeconds", &c->server_channel_max_idle_time_seconds,
           "close connections idle this long", 1, 86'400);
  r.AddInt("haListenPort", &c->ha_listen_port, "HA port (0 = listenPort + 1)", 0, 65535);

  r.AddInt("brokerPermission", &c->broker_permission,
           "PERM bits of the whole broker (6 = read/write, 4 = read-only)", 0, 15);
  r.AddInt("defaultTopicQueueNums", &c->default_topic_queue_nums,
           "queues of TBW102, the auto-creation template", 1, 1024);
  r.AddBool("autoCreateTopicEnable", &c->auto_create_topic_enable,
            "create unknown topics on send through TBW102");
  r.AddBool("autoCreateSubscriptionGroup", &c->auto_create_subscription_group,
            "create unknown consumer groups on heartbeat and pull");
  r.AddBool("clusterTopicEnable", &c->cluster_topic_enable, "cluster-name topic is inheritable");
  r.AddBool("brokerTopicEnable", &c->broker_topic_enable, "broker-name topic is inheritable");
  r.AddBool("traceTopicEnable", &c->trace_topic_enable, "create the message trace topic");
  r.AddString("msgTraceTopicName", &c->msg_trace_topic_name, "message trace topic");
  r.AddBool("rejectTransactionMessage", &c->reject_transaction_message,
            "refuse transactional (half) messages");
  r.AddBool("enablePropertyFilter", &c->enable_property_filter, "allow SQL92 subscriptions");
  r.AddBool("notifyConsumerIdsChangedEnable", &c->notify_consumer_ids_changed_enable,
            "send NOTIFY_CONSUMER_IDS_CHANGED when a group changes");
  r.AddBool("slaveReadEnable", &c->slave_read_enable, "suggest slaves for slow consumers");
  r.AddBool("aclEnable", &c->acl_enable, "ACL (not supported: must be false)");
  r.AddString("brokerConfigPath", &c->broker_config_path,
              "file UPDATE_BROKER_CONFIG saves changes to (default: the -c file)");

  r.AddBool("longPollingEnable", &c->long_polling_enable, "hold PULL_MESSAGE until data arrives");
  r.AddInt64("shortPollingTimeMills", &c->short_polling_time_mills,
             "hold time of a pull when long polling is off (ms)", 0, 60'000);
  r.AddInt64("flushConsumerOffsetInterval", &c->flush_consumer_offset_interval,
             "persist consumer offsets every this many ms", 100, 3'600'000);
  r.AddInt64("rocketmq.broker.rebalance.lockMaxLiveTime", &c->rebalance_lock_max_live_time,
             "an ordered-consumption queue lock expires after this many ms", 1000, 86'400'000);

  r.AddInt("registerNameServerPeriod", &c->register_name_server_period,
           "ms between registrations with the nameservers (clamped to 10000-60000)", 1000,
           3'600'000);
  r.AddInt("registerBrokerTimeoutMills", &c->register_broker_timeout_mills,
           "timeout of one REGISTER_BROKER (ms)", 100, 600'000);
  r.AddBool("compressedRegister", &c->compressed_register, "send the zlib register body");
  r.AddBool("forceRegister", &c->force_register, "always send the full topic table");

  r.AddInt64("transactionTimeOut", &c->transaction_timeout,
             "a half message is checked after this many ms", 0, 86'400'000);
  r.AddInt("transactionCheckMax", &c->transaction_check_max,
           "checks before a half message is discarded", 1, 1000);
  r.AddInt64("transactionCheckInterval", &c->transaction_check_interval,
             "ms between transaction check passes", 1000, 86'400'000);

  r.AddString("storePathRootDir", &c->store_path_root_dir, "store root (default $HOME/store)");
  r.AddString("storePathCommitLog", &c->store_path_commit_log,
              "commit log directory (default <storePathRootDir>/commitlog)");
  r.AddInt64("mappedFileSizeCommitLog", &c->mapped_file_size_commit_log,
             "commit log segment size (bytes)", 4096, 1LL << 40);
  r.AddInt("mappedFileSizeConsumeQueue", &c->mapped_file_size_consume_queue,
           "consume queue file size (bytes, multiple of 20)", 20, INT32_MAX);
  r.AddEnum("flushDiskType", &c->flush_disk_type, {"ASYNC_FLUSH", "SYNC_FLUSH"},
            "acknowledge sends after the page cache (async) or after fsync (sync)");
  r.AddEnum("brokerRole", &c->broker_role, {"ASYNC_MASTER", "SYNC_MASTER", "SLAVE"},
            "replication role (only masters are supported)");
  r.AddInt("flushIntervalCommitLog", &c->flush_interval_commit_log, "async flush interval (ms)", 1,
           60'000);
  r.AddInt("flushCommitLogLeastPages", &c->flush_commit_log_least_pages,
           "async flush waits for this many dirty pages", 0, 1 << 20);
  r.AddInt("flushCommitLogThoroughInterval", &c->flush_commit_log_thorough_interval,
           "flush everything at least this often (ms)", 1, 3'600'000);
  r.AddInt("flushIntervalConsumeQueue", &c->flush_interval_consume_queue,
           "consume queue flush interval (ms)", 1, 60'000);
  r.AddInt64("syncFlushTimeout", &c->sync_flush_timeout,
             "a sync-flush send waits this long before FLUSH_DISK_TIMEOUT (ms)", 1, 600'000);
  r.AddInt("fileReservedTime", &c->file_reserved_time, "keep commit log files (hours)", 0,
           1'000'000);
  r.AddString("deleteWhen", &c->delete_when, "hours of the day expired files are deleted");
  r.AddInt("diskMaxUsedSpaceRatio", &c->disk_max_used_space_ratio,
           "disk usage (%) above which old files are deleted", 10, 95);
  r.AddInt("cleanResourceInterval", &c->clean_resource_interval, "ms between retention passes", 100,
           3'600'000);
  r.AddBool("cleanFileForciblyEnable", &c->clean_file_forcibly_enable,
            "delete unexpired files when the disk is full");
  r.AddInt("maxMessageSize", &c->max_message_size, "largest message body (bytes)", 1, 1 << 30);
  r.AddBool("checkCRCOnRecover", &c->check_crc_on_recover, "verify body CRCs on recovery");
  r.AddBool("warmMapedFileEnable", &c->warm_maped_file_enable,
            "accepted for RocketMQ configs; no effect (the CommitLog is written with pwrite, never through the mapping)");
  r.AddString("messageDelayLevel", &c->message_delay_level, "delay levels 1..N");
  r.AddInt64("timerMaxDelaySec", &c->timer_max_delay_sec,
             "furthest delivery time a timer message may ask for, in seconds", 1,
             100LL * 365 * 24 * 3600);
  r.AddInt("maxTransferBytesOnMessageInMemory", &c->max_transfer_bytes_on_message_in_memory,
           "pull response byte limit, data in memory", 1, 1 << 30);
  r.AddInt("maxTransferCountOnMessageInMemory", &c->max_transfer_count_on_message_in_memory,
           "pull response message limit, data in memory", 1, 1 << 20);
  r.AddInt("maxTransferBytesOnMessageInDisk", &c->max_transfer_bytes_on_message_in_disk,
           "pull response byte limit, data on disk", 1, 1 << 30);
  r.AddInt("maxTransferCountOnMessageInDisk", &c->max_transfer_count_on_message_in_disk,
           "pull response message limit, data on disk", 1, 1 << 20);
  r.AddInt("accessMessageInMemoryMaxRatio", &c->access_message_in_memory_max_ratio,
           "share of RAM (%) considered 'in memory'", 0, 100);
  r.AddBool("messageIndexEnable", &c->message_index_enable, "index KEYS and UNIQ_KEY");
  r.AddInt("maxMsgsNumBatch", &c->max_msgs_num_batch, "QUERY_MESSAGE result cap", 1, 100'000);
  r.AddInt("defaultQueryMaxNum", &c->default_query_max_num,
           "QUERY_MESSAGE result size for unique keys", 1, 100'000);
  r.AddInt64("osPageCacheBusyTimeOutMills", &c->os_page_cache_busy_timeout_mills,
             "an append holding the lock this long means the page cache is busy (ms)", 1, 600'000);
  r.AddInt64("waitTimeMillsInSendQueue", &c->wait_time_mills_in_send_queue,
             "a send queued this long is refused with SYSTEM_BUSY (ms)", 1, 600'000);

  for (std::string_view key : kCompatKeys) {
    std::string name(key);
    std::string* field = &c->compat[name];
    r.AddString(std::move(name), field, "accepted for compatibility; no effect");
  }
}

std::string PickBrokerIp(const std::vector<std::string>& addrs) {
  for (const std::string& a : addrs) {
    if (a.rfind("127.", 0) != 0 && a != "0.0.0.0") return a;
  }
  return "127.0.0.1";
}

std::vector<std::string> LocalIpv4Addresses() {
  std::vector<std::string> out;
  struct ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (struct ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET) continue;
    if ((it->ifa_flags & IFF_UP) == 0) continue;
    char buf[INET_ADDRSTRLEN] = {};
    auto* sin = reinterpret_cast<const struct sockaddr_in*>(it->ifa_addr);
    if (inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf)) != nullptr) out.emplace_back(buf);
  }
  freeifaddrs(list);
  return out;
}

Status ResolveBrokerConfig(BrokerConfig* c) {
  if (c->broker_name.empty()) c->broker_name = HostName();
  if (c->broker_ip1.empty()) c->broker_ip1 = PickBrokerIp(LocalIpv4Addresses());
  if (c->broker_ip2.empty()) c->broker_ip2 = c->broker_ip1;
  if (c->ha_listen_port == 0) c->ha_listen_port = c->listen_port + 1;
  if (c->store_path_root_dir.empty()) {
    const char* home = std::getenv("HOME");
    c->store_path_root_dir = std::string(home != nullptr ? home : ".") + "/store";
  }
  if (c->store_path_commit_log.empty()) {
    c->store_path_commit_log = c->store_path_root_dir + "/commitlog";
  }
  if (c->acl_enable) {
    return Status::InvalidArgument("aclEnable: ACL is not supported by TernMQ; set it to false");
  }
  for (const std::string& addr : c->NamesrvAddrList()) {
    size_t colon = addr.rfind(':');
    auto port = colon == std::string::npos ? Result<int64_t>(Status::InvalidArgument(""))
                                           : ParseInt64(addr.substr(colon + 1));
    if (colon == 0 || !port.ok() || *port <= 0 || *port > 65535) {
      return Status::InvalidArgument(
          fmt::format("namesrvAddr: '{}' is not host:port (separate several with ';')", addr));
    }
  }
  if (c->broker_name.find_first_of(" \t") != std::string::npos) {
    return Status::InvalidArgument(fmt::format("brokerName: '{}' contains blanks", c->broker_name));
  }
  return Status::Ok();
}

Status ApplyBrokerConfig(const PropertyList& props, BrokerConfig* config) {
  ConfigRegistry registry;
  RegisterBrokerConfig(registry, config);
  TERN_RETURN_IF_ERROR(registry.ApplyAll(props));
  return ResolveBrokerConfig(config);
}

}  // namespace tern::broker
