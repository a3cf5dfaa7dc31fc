// TopicConfigManager: the broker's topic table with RocketMQ's rules on top of
// meta::TopicConfigTable (shared/spec/features.md §1.2-1.3, requests.md
// §B.1 step 4, §B.15-B.17):
//   * Init() creates the system topics that are missing (SELF_TEST_TOPIC,
//     TBW102 if autoCreateTopicEnable, BenchmarkTest, <cluster>, <brokerName>,
//     OFFSET_MOVED_EVENT, SCHEDULE_TOPIC_XXXX, <cluster>_REPLY_TOPIC and the
//     trace topic if enabled). Configs already stored win (as Java's file does).
//   * CreateTopicInSendMessageMethod: auto-creation from a template (TBW102).
//   * CreateTopicInSendMessageBackMethod: retry / DLQ / transaction topics.
//   * every change bumps the data version (in the table) and calls the change
//     listener, so the registration service re-registers with the nameservers
//     at once (quirks Q40).
//
// Threads: any thread; internally synchronized (the table is). Every change
// writes RocksDB with fsync on the calling thread (rare: topic creation).
// The change listener runs on the thread that made the change, after the
// change is durable and with no lock held; it must not block (post a task).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "broker/meta/config_table.h"
#include "src/base/status.h"
#include "src/protocol/topic_config.h"

namespace tern::topic {

using protocol::TopicConfig;

// Filled from BrokerConfig by the wiring (features.md §10 defaults).
struct TopicConfigManagerOptions {
  std::string cluster_name = "DefaultCluster";
  std::string broker_name = "broker-a";
  bool auto_create_topic_enable = true;
  int32_t default_topic_queue_nums = 8;
  bool cluster_topic_enable = true;
  bool broker_topic_enable = true;
  bool trace_topic_enable = false;
  std::string trace_topic_name = "RMQ_SYS_TRACE_TOPIC";
};

class TopicConfigManager {
 public:
  // `table` must be Load()ed and must outlive the manager.
  TopicConfigManager(meta::TopicConfigTable& table, TopicConfigManagerOptions options);
  TopicConfigManager(const TopicConfigManager&) = delete;
  TopicConfigManager& operator=(const TopicConfigManager&) = delete;

  // Creates the missing system topics in one durable write. Call once at
  // start, before serving. Does not call the change listener.
  Status Init();

  // Called after every change of the table (create, update, delete).
  void SetChangeListener(std::function<void()> listener);

  std::optional<TopicConfig> Select(std::string_view topic) const;
  bool Contains(std::string_view topic) const { return table_.Contains(topic); }
  bool IsOrderTopic(std::string_view topic) const;
  // Built-in system topics plus this broker's cluster-name and broker-name topics.
  bool IsSystemTopic(std::string_view topic) const;

  // Java createTopicInSendMessageMethod (features.md §1.3): returns the topic's
  // config (existing or newly created from `default_topic`), or nullopt when
  // the template is missing or lacks PERM_INHERIT. The template TBW102 loses
  // its inherit bit while autoCreateTopicEnable is false.
  Result<std::optional<TopicConfig>> CreateTopicInSendMessageMethod(
      std::string_view topic, std::string_view default_topic, int32_t client_default_queue_nums,
      int32_t topic_sys_flag);

  // Java createTopicInSendMessageBackMethod: the existing config, or a new one
  // with `queue_nums` read/write queues and `perm` (retry topics: 1 queue, RW;
  // DLQ: 1 queue, RW; RMQ_SYS_TRANS_HALF_TOPIC etc.: 1 queue, RW).
  Result<TopicConfig> CreateTopicInSendMessageBackMethod(std::string_view topic,
                                                         int32_t queue_nums, int32_t perm,
                                                         int32_t topic_sys_flag);

  // UPDATE_AND_CREATE_TOPIC: insert or replace (durable), then notify.
  Status UpdateTopicConfig(const TopicConfig& config);
  // DELETE_TOPIC_IN_BROKER: remove the config (durable); true if it existed.
  Result<bool> DeleteTopicConfig(std::string_view topic);

  // GET_ALL_TOPIC_CONFIG body and the REGISTER_BROKER topic table.
  protocol::TopicConfigSerializeWrapper BuildSerializeWrapper() const;
  // The table's data version plus the BumpDataVersion() count.
  protocol::DataVersion data_version() const { return WithBumps(table_.data_version()); }
  // The start-up options; the two live switches below may differ since.
  const TopicConfigManagerOptions& options() const { return options_; }

  // ---- UPDATE_BROKER_CONFIG (any thread) ----
  bool auto_create_topic_enable() const { return auto_create_topic_enable_.load(); }
  int32_t default_topic_queue_nums() const { return default_topic_queue_nums_.load(); }
  // autoCreateTopicEnable: takes effect on the next send. Switching it on
  // when TBW102 is missing (the broker started with it off) needs
  // EnsureAutoCreateTemplate().
  void SetAutoCreateTopicEnable(bool enable) { auto_create_topic_enable_.store(enable); }
  // defaultTopicQueueNums: TBW102's queue count; EnsureAutoCreateTemplate()
  // resizes the stored template.
  void SetDefaultTopicQueueNums(int32_t n) { default_topic_queue_nums_.store(n); }
  // While autoCreateTopicEnable is on: creates TBW102 with
  // defaultTopicQueueNums queues, or resizes it to that, durably (fsync on the
  // calling thread), and notifies. Nothing to do otherwise.
  Status EnsureAutoCreateTemplate();
  // A new data version for the registration body without a table change
  // (brokerPermission changed: the nameservers compare data versions before
  // they take a broker's topic table, so the same version would be ignored).
  // In memory only: a restart registers afresh anyway. Notifies.
  void BumpDataVersion();

 private:
  void NotifyChanged();
  protocol::DataVersion WithBumps(protocol::DataVersion v) const;

  meta::TopicConfigTable& table_;
  const TopicConfigManagerOptions options_;
  std::atomic<bool> auto_create_topic_enable_;
  std::atomic<int32_t> default_topic_queue_nums_;
  std::atomic<int64_t> version_bumps_{0};
  mutable std::mutex listener_mu_;
  std::function<void()> listener_;  // GUARDED_BY(listener_mu_)
};

}  // namespace tern::topic
