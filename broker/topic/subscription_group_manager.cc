#include "broker/topic/subscription_group_manager.h"

#include <string>
#include <vector>

#include "broker/topic/topic_names.h"
#include "src/base/logging.h"

namespace tern::topic {

SubscriptionGroupManager::SubscriptionGroupManager(meta::SubscriptionGroupTable& table,
                                                   SubscriptionGroupManagerOptions options)
    : table_(table), auto_create_(options.auto_create_subscription_group) {}

Status SubscriptionGroupManager::Init() {
  static constexpr std::string_view kSystemGroups[] = {
      "TOOLS_CONSUMER",   "FILTERSRV_CONSUMER",    "SELF_TEST_C_GROUP", "CID_RMQ_SYS_TRANS",
      "CID_ONS-HTTP-PROXY", "CID_ONSAPI_PULL", "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER"};
  std::vector<SubscriptionGroupConfig> missing;
  for (std::string_view name : kSystemGroups) {
    if (table_.Contains(name)) continue;
    SubscriptionGroupConfig c;
    c.group_name = std::string(name);
    missing.push_back(std::move(c));
  }
  if (missing.empty()) return Status::Ok();
  return table_.PutMany(missing);
}

Result<std::optional<SubscriptionGroupConfig>> SubscriptionGroupManager::Find(
    std::string_view group) {
  if (auto c = table_.Get(group)) return std::optional<SubscriptionGroupConfig>(std::move(*c));
  if (!auto_create_.load() && !IsSystemConsumerGroup(group)) {
    return std::optional<SubscriptionGroupConfig>();
  }
  SubscriptionGroupConfig c;
  c.group_name = std::string(group);
  TERN_ASSIGN_OR_RETURN(auto put, table_.PutIfAbsent(c));
  if (put.second) TERN_LOG_INFO("auto-created subscription group {}", group);
  return std::optional<SubscriptionGroupConfig>(std::move(put.first));
}

protocol::SubscriptionGroupWrapper SubscriptionGroupManager::BuildWrapper() const {
  auto snap = table_.TakeSnapshot();
  protocol::SubscriptionGroupWrapper w;
  w.data_version = snap.version;
  for (SubscriptionGroupConfig& c : snap.configs) {
    std::string name = c.group_name;
    w.subscription_group_table.emplace(std::move(name), std::move(c));
  }
  return w;
}

}  // namespace tern::topic
