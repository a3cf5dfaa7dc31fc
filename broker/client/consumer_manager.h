// ConsumerManager: consumer group -> ConsumerGroupInfo, fed by HEART_BEAT,
// UNREGISTER_CLIENT, connection close and expiry (features.md §2.1, Java
// ConsumerManager). When a group's membership or subscriptions change it
// sends NOTIFY_CONSUMER_IDS_CHANGED to every member through the notifier
// (quirks Q25), so that clients rebalance at once instead of within 20 s.
//
// Any thread; internally synchronized (heartbeats arrive on the I/O loop,
// pulls, the transaction checker and admin requests read it elsewhere). The
// notifier is called after the lock is released.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/client/client_channel.h"
#include "broker/client/consumer_group_info.h"
#include "broker/client/consumer_ids_notifier.h"

namespace tern::broker {

struct ConsumerManagerOptions {
  int64_t channel_expired_ms = kClientChannelExpiredMs;
  // Broker-wide notifyConsumerIdsChangedEnable; each call also passes the
  // group's own setting where Java consults it.
  bool notify_enabled = true;
};

class ConsumerManager {
 public:
  // `notifier` must outlive the manager.
  explicit ConsumerManager(ConsumerIdsChangeNotifier& notifier,
                           ConsumerManagerOptions options = {});
  ConsumerManager(const ConsumerManager&) = delete;
  ConsumerManager& operator=(const ConsumerManager&) = delete;

  struct Registration {
    std::string group;
    ClientChannel channel;  // last_update_ms = now
    protocol::ConsumeType consume_type = protocol::ConsumeType::kConsumePassively;
    protocol::MessageModel message_model = protocol::MessageModel::kClustering;
    protocol::ConsumeFromWhere consume_from_where =
        protocol::ConsumeFromWhere::kConsumeFromLastOffset;
    std::vector<protocol::SubscriptionData> subscriptions;  // normalized
  };
  // Registers or refreshes a member. True when a new connection joined or the
  // subscriptions changed; then, if `notify_group` (the group's
  // notifyConsumerIdsChangedEnable) and the broker setting allow, every
  // member of the group is notified.
  bool RegisterConsumer(const Registration& r, bool notify_group);
  // Removes the member on `connection` from `group`; the remaining members are
  // notified (same switches). An emptied group is dropped. True when removed.
  bool UnregisterConsumer(std::string_view group, ConnectionId connection, bool notify_group);
  // Removes the connection from every group and notifies the remaining
  // members of each. Returns the groups it left.
  std::vector<std::string> OnConnectionClosed(ConnectionId connection);
  // Drops members silent for more than channel_expired_ms at `now_ms`
  // (monotonic) and notifies the remaining members. Returns what was dropped.
  std::vector<ExpiredChannel> ScanNotActiveChannels(int64_t now_ms);

  // Queries; copies taken under the lock.
  std::optional<ConsumerGroupInfo> GetGroup(std::string_view group) const;
  // Sorted, distinct client ids; empty for an unknown group.
  std::vector<std::string> ClientIds(std::string_view group) const;
  std::optional<protocol::SubscriptionData> FindSubscription(std::string_view group,
                                                             std::string_view topic) const;
  std::optional<ClientChannel> FindChannel(std::string_view group,
                                           std::string_view client_id) const;
  std::vector<std::string> GroupNames() const;
  // Groups with a registered subscription to `topic` (QUERY_TOPIC_CONSUME_BY_WHO).
  std::vector<std::string> GroupsSubscribedTo(std::string_view topic) const;

  void set_notify_enabled(bool enabled) { notify_enabled_.store(enabled); }

 private:
  struct Notification {
    std::string group;
    std::vector<ConnectionId> connections;
  };
  void Send(const std::vector<Notification>& notifications);
  // REQUIRES: mu_ held.
  void AddNotificationLocked(const ConsumerGroupInfo& info, std::vector<Notification>* out) const;

  ConsumerIdsChangeNotifier& notifier_;
  const int64_t channel_expired_ms_;
  std::atomic<bool> notify_enabled_;
  mutable std::mutex mu_;
  std::map<std::string, ConsumerGroupInfo, std::less<>> groups_;  // GUARDED_BY(mu_)
};

}  // namespace tern::broker
