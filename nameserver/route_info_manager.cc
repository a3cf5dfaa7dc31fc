#include "nameserver/route_info_manager.h"

#include <algorithm>

#include "src/base/logging.h"
#include "src/protocol/perm.h"

namespace tern::nameserver {

using protocol::BrokerData;
using protocol::DataVersion;
using protocol::QueueData;
using protocol::TopicList;

RouteInfoManager::RouteInfoManager(Clock& clock, int64_t default_expiry_ms)
    : clock_(clock), default_expiry_ms_(default_expiry_ms) {}

RegisterBrokerResult RouteInfoManager::RegisterBroker(const BrokerRegistration& reg) {
  RegisterBrokerResult result;
  // 1. The cluster knows this broker name.
  cluster_addr_table_[reg.cluster_name].insert(reg.broker_name);

  // 2. BrokerData: an address registering under a new id (slave promoted to
  //    master, or the reverse) first loses its old id.
  bool register_first = false;
  auto [bd_it, created] = broker_addr_table_.try_emplace(reg.broker_name);
  BrokerData& broker_data = bd_it->second;
  if (created) {
    register_first = true;
    broker_data.cluster = reg.cluster_name;
    broker_data.broker_name = reg.broker_name;
  }
  std::erase_if(broker_data.broker_addrs, [&](const auto& entry) {
    return entry.second == reg.broker_addr && entry.first != reg.broker_id;
  });
  auto [addr_it, new_id] =
      broker_data.broker_addrs.insert_or_assign(reg.broker_id, reg.broker_addr);
  (void)addr_it;
  register_first = register_first || new_id;

  // 3. Only a master's topics are routes; re-read them only when its data
  //    version moved (or on its first registration).
  if (reg.broker_id == protocol::kMasterId &&
      (register_first || IsBrokerTopicConfigChanged(reg.broker_addr, reg.topics.data_version))) {
    for (const auto& [name, config] : reg.topics.topic_config_table) {
      CreateAndUpdateQueueData(reg.broker_name, config);
    }
  }

  // 4. Liveness.
  BrokerLiveInfo live;
  live.last_update_ms = clock_.MonotonicMs();
  live.timeout_ms = reg.heartbeat_timeout_ms;
  live.data_version = reg.topics.data_version;
  live.connection = reg.connection;
  live.ha_server_addr = reg.ha_server_addr;
  auto [live_it, new_live] = broker_live_table_.insert_or_assign(reg.broker_addr, std::move(live));
  (void)live_it;
  if (new_live) {
    TERN_LOG_INFO("new broker registered: cluster={} name={} id={} addr={} haServer={} topics={}",
                  reg.cluster_name, reg.broker_name, reg.broker_id, reg.broker_addr,
                  reg.ha_server_addr, reg.topics.topic_config_table.size());
  } else {
    TERN_LOG_DEBUG("broker {} ({}) re-registered, data version {}", reg.broker_addr,
                   reg.broker_name, reg.topics.data_version.Encode());
  }

  if (reg.filter_server_list.empty()) {
    filter_server_table_.erase(reg.broker_addr);
  } else {
    filter_server_table_[reg.broker_addr] = reg.filter_server_list;
  }

  // 5. A slave learns its master.
  if (reg.broker_id != protocol::kMasterId) {
    auto master = broker_data.broker_addrs.find(protocol::kMasterId);
    if (master != broker_data.broker_addrs.end()) {
      auto master_live = broker_live_table_.find(master->second);
      if (master_live != broker_live_table_.end()) {
        result.ha_server_addr = master_live->second.ha_server_addr;
        result.master_addr = master->second;
      }
    }
  }
  return result;
}

void RouteInfoManager::CreateAndUpdateQueueData(const std::string& broker_name,
                                                const protocol::TopicConfig& tc) {
  QueueData qd{broker_name, tc.read_queue_nums, tc.write_queue_nums, tc.perm, tc.topic_sys_flag};
  auto& queues = topic_queue_table_[tc.topic_name];
  auto it = queues.find(broker_name);
  if (it == queues.end()) {
    TERN_LOG_INFO("new topic registered: {} on broker {}", tc.topic_name, broker_name);
    queues.emplace(broker_name, qd);
  } else if (!(it->second == qd)) {
    TERN_LOG_INFO("topic {} changed on broker {}: perm {} read {} write {}", tc.topic_name,
                  broker_name, qd.perm, qd.read_queue_nums, qd.write_queue_nums);
    it->second = qd;
  }
}

void RouteInfoManager::UnregisterBroker(const std::string& cluster_name,
                                        const std::string& broker_addr,
                                        const std::string& broker_name, int64_t broker_id) {
  bool was_live = broker_live_table_.erase(broker_addr) > 0;
  filter_server_table_.erase(broker_addr);
  TERN_LOG_INFO("unregister broker: cluster={} name={} id={} addr={} (was {})", cluster_name,
                broker_name, broker_id, broker_addr, was_live ? "live" : "unknown");

  bool remove_name = false;
  auto bd = broker_addr_table_.find(broker_name);
  if (bd != broker_addr_table_.end()) {
    bd->second.broker_addrs.erase(broker_id);
    if (bd->second.broker_addrs.empty()) {
      broker_addr_table_.erase(bd);
      remove_name = true;
    }
  }
  if (remove_name) {
    auto cluster = cluster_addr_table_.find(cluster_name);
    if (cluster != cluster_addr_table_.end()) {
      cluster->second.erase(broker_name);
      if (cluster->second.empty()) cluster_addr_table_.erase(cluster);
    }
    RemoveTopicsOfBroker(broker_name);
  }
}

std::vector<ConnectionId> RouteInfoManager::RunOnce(int64_t now_ms) {
  std::vector<std::pair<std::string, int64_t>> expired;  // addr, timeout
  std::vector<ConnectionId> connections;
  for (const auto& [addr, live] : broker_live_table_) {
    int64_t timeout = live.timeout_ms > 0 ? live.timeout_ms : default_expiry_ms_;
    if (live.last_update_ms + timeout < now_ms) {
      expired.emplace_back(addr, timeout);
      connections.push_back(live.connection);
    }
  }
  for (const auto& [addr, timeout] : expired) {
    TERN_LOG_INFO("broker {} expired: no registration for more than {} ms", addr, timeout);
    RemoveBrokerAddr(addr, "expired");
  }
  return connections;
}

void RouteInfoManager::OnConnectionClosed(ConnectionId connection) {
  std::vector<std::string> gone;
  for (const auto& [addr, live] : broker_live_table_) {
    if (live.connection == connection) gone.push_back(addr);
  }
  for (const auto& addr : gone) {
    TERN_LOG_INFO("broker {} connection {} closed", addr, connection);
    RemoveBrokerAddr(addr, "connection closed");
  }
}

void RouteInfoManager::RemoveBrokerAddr(const std::string& broker_addr, const char* reason) {
  broker_live_table_.erase(broker_addr);
  filter_server_table_.erase(broker_addr);

  std::vector<std::string> removed_names;
  for (auto it = broker_addr_table_.begin(); it != broker_addr_table_.end();) {
    std::erase_if(it->second.broker_addrs,
                  [&](const auto& entry) { return entry.second == broker_addr; });
    if (it->second.broker_addrs.empty()) {
      TERN_LOG_INFO("broker name {} removed ({}: {})", it->first, reason, broker_addr);
      removed_names.push_back(it->first);
      it = broker_addr_table_.erase(it);
    } else {
      ++it;
    }
  }
  if (removed_names.empty()) return;
  for (auto it = cluster_addr_table_.begin(); it != cluster_addr_table_.end();) {
    for (const auto& name : removed_names) it->second.erase(name);
    if (it->second.empty()) {
      TERN_LOG_INFO("cluster {} removed: no broker left", it->first);
      it = cluster_addr_table_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& name : removed_names) RemoveTopicsOfBroker(name);
}

void RouteInfoManager::RemoveTopicsOfBroker(const std::string& broker_name) {
  for (auto it = topic_queue_table_.begin(); it != topic_queue_table_.end();) {
    it->second.erase(broker_name);
    if (it->second.empty()) {
      TERN_LOG_INFO("topic {} removed: its last broker {} is gone", it->first, broker_name);
      it = topic_queue_table_.erase(it);
    } else {
      ++it;
    }
  }
}

int RouteInfoManager::OperateWritePerm(const std::string& broker_name, bool wipe) {
  int count = 0;
  for (auto& [topic, queues] : topic_queue_table_) {
    auto it = queues.find(broker_name);
    if (it == queues.end()) continue;
    int32_t& perm = it->second.perm;
    perm = wipe ? (perm & ~protocol::kPermWrite) : protocol::kPermReadWrite;
    ++count;
  }
  TERN_LOG_INFO("{} write permission of broker {} on {} topics", wipe ? "wiped" : "added",
                broker_name, count);
  return count;
}

int RouteInfoManager::WipeWritePermOfBroker(const std::string& broker_name) {
  return OperateWritePerm(broker_name, true);
}

int RouteInfoManager::AddWritePermOfBroker(const std::string& broker_name) {
  return OperateWritePerm(broker_name, false);
}

void RouteInfoManager::DeleteTopic(const std::string& topic) {
  if (topic_queue_table_.erase(topic) > 0) TERN_LOG_INFO("topic {} deleted", topic);
}

void RouteInfoManager::DeleteTopic(const std::string& topic, const std::string& cluster_name) {
  auto cluster = cluster_addr_table_.find(cluster_name);
  auto queues = topic_queue_table_.find(topic);
  if (cluster == cluster_addr_table_.end() || queues == topic_queue_table_.end()) return;
  for (const auto& name : cluster->second) queues->second.erase(name);
  TERN_LOG_INFO("topic {} deleted from cluster {}", topic, cluster_name);
  if (queues->second.empty()) topic_queue_table_.erase(queues);
}

bool RouteInfoManager::RegisterTopic(const std::string& topic,
                                     const std::vector<QueueData>& queues) {
  if (queues.empty()) return true;
  for (const auto& q : queues) {
    if (broker_addr_table_.count(q.broker_name) == 0) {
      TERN_LOG_WARN("register topic {}: unknown broker {}", topic, q.broker_name);
      return false;
    }
  }
  auto& table = topic_queue_table_[topic];
  for (const auto& q : queues) table[q.broker_name] = q;
  TERN_LOG_INFO("topic {} registered on {} brokers", topic, queues.size());
  return true;
}

std::optional<protocol::TopicRouteData> RouteInfoManager::PickupTopicRouteData(
    const std::string& topic) const {
  auto queues = topic_queue_table_.find(topic);
  if (queues == topic_queue_table_.end() || queues->second.empty()) return std::nullopt;
  protocol::TopicRouteData route;
  for (const auto& [name, qd] : queues->second) {
    route.queue_datas.push_back(qd);
    auto bd = broker_addr_table_.find(name);
    if (bd == broker_addr_table_.end()) continue;
    route.broker_datas.push_back(bd->second);
    for (const auto& [id, addr] : bd->second.broker_addrs) {
      auto filters = filter_server_table_.find(addr);
      if (filters != filter_server_table_.end()) route.filter_server_table[addr] = filters->second;
    }
  }
  if (route.broker_datas.empty()) return std::nullopt;
  return route;
}

protocol::ClusterInfo RouteInfoManager::GetAllClusterInfo() const {
  protocol::ClusterInfo info;
  info.broker_addr_table = broker_addr_table_;
  info.cluster_addr_table = cluster_addr_table_;
  return info;
}

TopicList RouteInfoManager::GetAllTopicList() const {
  TopicList list;
  for (const auto& [topic, queues] : topic_queue_table_) list.topic_list.push_back(topic);
  return list;
}

TopicList RouteInfoManager::GetTopicsByCluster(const std::string& cluster) const {
  TopicList list;
  auto names = cluster_addr_table_.find(cluster);
  if (names == cluster_addr_table_.end()) return list;
  for (const auto& [topic, queues] : topic_queue_table_) {
    bool hit = std::any_of(queues.begin(), queues.end(),
                           [&](const auto& entry) { return names->second.count(entry.first) > 0; });
    if (hit) list.topic_list.push_back(topic);
  }
  return list;
}

TopicList RouteInfoManager::GetSystemTopicList() const {
  std::set<std::string> names;
  for (const auto& [cluster, brokers] : cluster_addr_table_) {
    names.insert(cluster);
    names.insert(brokers.begin(), brokers.end());
  }
  TopicList list;
  list.topic_list.assign(names.begin(), names.end());
  for (const auto& [name, bd] : broker_addr_table_) {
    if (!bd.broker_addrs.empty()) {
      list.broker_addr = bd.broker_addrs.begin()->second;
      break;
    }
  }
  return list;
}

template <typename Pred>
TopicList RouteInfoManager::TopicsWhereFirstQueue(Pred pred) const {
  TopicList list;
  for (const auto& [topic, queues] : topic_queue_table_) {
    if (!queues.empty() && pred(queues.begin()->second.topic_sys_flag)) {
      list.topic_list.push_back(topic);
    }
  }
  return list;
}

TopicList RouteInfoManager::GetUnitTopics() const {
  return TopicsWhereFirstQueue([](int32_t f) { return protocol::HasUnitFlag(f); });
}

TopicList RouteInfoManager::GetHasUnitSubTopicList() const {
  return TopicsWhereFirstQueue([](int32_t f) { return protocol::HasUnitSubFlag(f); });
}

TopicList RouteInfoManager::GetHasUnitSubUnUnitTopicList() const {
  return TopicsWhereFirstQueue(
      [](int32_t f) { return !protocol::HasUnitFlag(f) && protocol::HasUnitSubFlag(f); });
}

bool RouteInfoManager::IsBrokerTopicConfigChanged(const std::string& broker_addr,
                                                  const DataVersion& version) const {
  auto it = broker_live_table_.find(broker_addr);
  return it == broker_live_table_.end() || !(it->second.data_version == version);
}

void RouteInfoManager::UpdateBrokerInfoUpdateTimestamp(const std::string& broker_addr) {
  auto it = broker_live_table_.find(broker_addr);
  if (it != broker_live_table_.end()) it->second.last_update_ms = clock_.MonotonicMs();
}

std::optional<DataVersion> RouteInfoManager::QueryBrokerTopicConfig(
    const std::string& broker_addr) const {
  auto it = broker_live_table_.find(broker_addr);
  if (it == broker_live_table_.end()) return std::nullopt;
  return it->second.data_version;
}

}  // namespace tern::nameserver
