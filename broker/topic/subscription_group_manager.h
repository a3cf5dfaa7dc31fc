// SubscriptionGroupManager: the broker's consumer-group table with RocketMQ's
// rules on top of meta::SubscriptionGroupTable (requests.md §B.2 step 2,
// §B.5 step 1, §B.18; features.md §1.2):
//   * Init() creates the missing system groups (TOOLS_CONSUMER,
//     FILTERSRV_CONSUMER, SELF_TEST_C_GROUP, CID_RMQ_SYS_TRANS, the ONS ones).
//   * Find() auto-creates a group with default settings when
//     autoCreateSubscriptionGroup is on, or when the group is a system group.
//
// Threads: any thread; internally synchronized (the table is). Creating a
// group writes RocksDB with fsync on the calling thread (once per new group).
#pragma once

#include <atomic>
#include <optional>
#include <string_view>

#include "broker/meta/config_table.h"
#include "src/base/status.h"
#include "src/protocol/subscription_group_config.h"

namespace tern::topic {

using protocol::SubscriptionGroupConfig;

struct SubscriptionGroupManagerOptions {
  bool auto_create_subscription_group = true;
};

class SubscriptionGroupManager {
 public:
  // `table` must be Load()ed and must outlive the manager.
  SubscriptionGroupManager(meta::SubscriptionGroupTable& table,
                           SubscriptionGroupManagerOptions options);
  SubscriptionGroupManager(const SubscriptionGroupManager&) = delete;
  SubscriptionGroupManager& operator=(const SubscriptionGroupManager&) = delete;

  // Creates the missing system groups in one durable write. Call once at start.
  Status Init();

  // The group's config; created with defaults if absent and auto-creation
  // applies (see above). nullopt when absent and not created.
  Result<std::optional<SubscriptionGroupConfig>> Find(std::string_view group);
  // Without auto-creation.
  std::optional<SubscriptionGroupConfig> Get(std::string_view group) const {
    return table_.Get(group);
  }

  // UPDATE_AND_CREATE_SUBSCRIPTIONGROUP.
  Status Update(const SubscriptionGroupConfig& config) { return table_.Put(config); }
  // DELETE_SUBSCRIPTIONGROUP: true if it existed.
  Result<bool> Delete(std::string_view group) { return table_.Delete(group); }

  // GET_ALL_SUBSCRIPTIONGROUP_CONFIG body.
  protocol::SubscriptionGroupWrapper BuildWrapper() const;

  // autoCreateSubscriptionGroup (UPDATE_BROKER_CONFIG): applies to the next
  // Find(). Any thread.
  void SetAutoCreateSubscriptionGroup(bool enable) { auto_create_.store(enable); }
  bool auto_create_subscription_group() const { return auto_create_.load(); }

 private:
  meta::SubscriptionGroupTable& table_;
  std::atomic<bool> auto_create_;
};

}  // namespace tern::topic
