// RouteInfoManager: the nameserver's routing tables (RocketMQ's
// RouteInfoManager), shared/spec/requests.md §A and features.md §1.4.
//
//   clusterAddrTable   cluster name -> broker names
//   brokerAddrTable    broker name  -> BrokerData {cluster, brokerId -> addr}
//   topicQueueTable    topic -> broker name -> QueueData
//   brokerLiveTable    broker addr  -> BrokerLiveInfo {last registration,
//                      data version, connection, haServerAddr, timeout}
//   filterServerTable  broker addr  -> filter servers
//
// Brokers register every 30 s; one that stays silent longer than its timeout
// (120 s default) is dropped by RunOnce(now), and one whose connection closes
// is dropped at once. Dropping a broker removes its address, the broker name
// when no address is left, and then that name's queues from every topic
// (topics left without queues disappear).
//
// Threading: loop thread only; no locks. Times come from the injected Clock's
// monotonic milliseconds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "src/base/clock.h"
#include "src/base/strong_id.h"
#include "src/protocol/data_version.h"
#include "src/protocol/route_data.h"
#include "src/protocol/topic_config.h"
#include "src/protocol/topic_list.h"

namespace tern::nameserver {

struct BrokerLiveInfo {
  int64_t last_update_ms = 0;  // Clock::MonotonicMs() of the last registration
  int64_t timeout_ms = 0;      // 0 = the manager's default expiry
  protocol::DataVersion data_version;
  ConnectionId connection;
  std::string ha_server_addr;
};

struct BrokerRegistration {
  std::string cluster_name;
  std::string broker_addr;
  std::string broker_name;
  int64_t broker_id = 0;
  std::string ha_server_addr;
  protocol::TopicConfigSerializeWrapper topics;
  std::vector<std::string> filter_server_list;
  ConnectionId connection;
  int64_t heartbeat_timeout_ms = 0;  // 5.x header; 0 = default
};

struct RegisterBrokerResult {
  // For a slave: the master's HA address and address, when the master is live.
  std::string ha_server_addr;
  std::string master_addr;
};

class RouteInfoManager {
 public:
  // `clock` must outlive the manager.
  RouteInfoManager(Clock& clock, int64_t default_expiry_ms);
  RouteInfoManager(const RouteInfoManager&) = delete;
  RouteInfoManager& operator=(const RouteInfoManager&) = delete;

  void SetDefaultExpiryMs(int64_t ms) { default_expiry_ms_ = ms; }

  // REGISTER_BROKER (requests.md §A.1 steps 1-5).
  RegisterBrokerResult RegisterBroker(const BrokerRegistration& reg);
  // UNREGISTER_BROKER (§A.2).
  void UnregisterBroker(const std::string& cluster_name, const std::string& broker_addr,
                        const std::string& broker_name, int64_t broker_id);
  // Drops every broker whose last registration is older than its timeout.
  // Returns the connections those brokers registered over (the caller closes
  // them, as Java closes an expired broker's channel), one per dropped broker.
  std::vector<ConnectionId> RunOnce(int64_t now_ms);
  // Drops every broker registered over this connection.
  void OnConnectionClosed(ConnectionId connection);

  // WIPE_WRITE_PERM_OF_BROKER / ADD_WRITE_PERM_OF_BROKER: returns the number
  // of QueueData changed.
  int WipeWritePermOfBroker(const std::string& broker_name);
  int AddWritePermOfBroker(const std::string& broker_name);

  void DeleteTopic(const std::string& topic);
  // Removes only the queues of brokers in `cluster_name`.
  void DeleteTopic(const std::string& topic, const std::string& cluster_name);
  // REGISTER_TOPIC_IN_NAMESRV (5.x): adds queues for brokers that are known;
  // returns false (and changes nothing) if a queue names an unknown broker.
  bool RegisterTopic(const std::string& topic, const std::vector<protocol::QueueData>& queues);

  // The route, or nullopt when the topic has no queues or none of its brokers
  // is known (TOPIC_NOT_EXIST).
  std::optional<protocol::TopicRouteData> PickupTopicRouteData(const std::string& topic) const;
  protocol::ClusterInfo GetAllClusterInfo() const;
  protocol::TopicList GetAllTopicList() const;
  protocol::TopicList GetTopicsByCluster(const std::string& cluster) const;
  // Cluster and broker names (their per-cluster/per-broker topics), plus one
  // broker address in brokerAddr.
  protocol::TopicList GetSystemTopicList() const;
  protocol::TopicList GetUnitTopics() const;
  protocol::TopicList GetHasUnitSubTopicList() const;
  protocol::TopicList GetHasUnitSubUnUnitTopicList() const;

  // QUERY_DATA_VERSION support.
  bool IsBrokerTopicConfigChanged(const std::string& broker_addr,
                                  const protocol::DataVersion& version) const;
  void UpdateBrokerInfoUpdateTimestamp(const std::string& broker_addr);
  std::optional<protocol::DataVersion> QueryBrokerTopicConfig(const std::string& broker_addr) const;

  // Read-only views for tests and diagnostics.
  const std::map<std::string, std::set<std::string>>& cluster_addr_table() const {
    return cluster_addr_table_;
  }
  const std::map<std::string, protocol::BrokerData>& broker_addr_table() const {
    return broker_addr_table_;
  }
  const std::map<std::string, std::map<std::string, protocol::QueueData>>& topic_queue_table()
      const {
    return topic_queue_table_;
  }
  const std::map<std::string, BrokerLiveInfo>& broker_live_table() const {
    return broker_live_table_;
  }

 private:
  void CreateAndUpdateQueueData(const std::string& broker_name, const protocol::TopicConfig& tc);
  // The cleanup for an expired or disconnected broker address.
  void RemoveBrokerAddr(const std::string& broker_addr, const char* reason);
  void RemoveTopicsOfBroker(const std::string& broker_name);
  int OperateWritePerm(const std::string& broker_name, bool wipe);
  template <typename Pred>
  protocol::TopicList TopicsWhereFirstQueue(Pred pred) const;

  Clock& clock_;
  int64_t default_expiry_ms_;
  std::map<std::string, std::set<std::string>> cluster_addr_table_;
  std::map<std::string, protocol::BrokerData> broker_addr_table_;
  std::map<std::string, std::map<std::string, protocol::QueueData>> topic_queue_table_;
  std::map<std::string, BrokerLiveInfo> broker_live_table_;
  std::map<std::string, std::vector<std::string>> filter_server_table_;
};

}  // namespace tern::nameserver
