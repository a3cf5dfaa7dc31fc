#include "broker/client/consumer_manager.h"

#include <algorithm>

#include "src/base/logging.h"

namespace tern::broker {

ConsumerManager::ConsumerManager(ConsumerIdsChangeNotifier& notifier,
                                 ConsumerManagerOptions options)
    : notifier_(notifier),
      channel_expired_ms_(options.channel_expired_ms),
      notify_enabled_(options.notify_enabled) {}

void ConsumerManager::AddNotificationLocked(const ConsumerGroupInfo& info,
                                            std::vector<Notification>* out) const {
  if (!notify_enabled_.load() || info.channels.empty()) return;
  out->push_back({info.group_name, info.Connections()});
}

void ConsumerManager::Send(const std::vector<Notification>& notifications) {
  for (const Notification& n : notifications) {
    for (ConnectionId c : n.connections) notifier_.NotifyConsumerIdsChanged(c, n.group);
  }
}

bool ConsumerManager::RegisterConsumer(const Registration& r, bool notify_group) {
  std::vector<Notification> notifications;
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = groups_.find(r.group);
    if (it == groups_.end()) {
      it = groups_.emplace(r.group, ConsumerGroupInfo{}).first;
      it->second.group_name = r.group;
    }
    ConsumerGroupInfo& info = it->second;
    bool joined =
        info.UpdateChannel(r.channel, r.consume_type, r.message_model, r.consume_from_where);
    bool subs_changed = info.UpdateSubscriptions(r.subscriptions, r.channel.last_update_ms);
    changed = joined || subs_changed;
    if (changed && notify_group) AddNotificationLocked(info, &notifications);
  }
  Send(notifications);
  return changed;
}

bool ConsumerManager::UnregisterConsumer(std::string_view group, ConnectionId connection,
                                         bool notify_group) {
  std::vector<Notification> notifications;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = groups_.find(group);
    if (it == groups_.end() || !it->second.RemoveChannel(connection)) return false;
    TERN_LOG_INFO("unregister consumer ok, group: {} connection: {}", group, connection);
    if (it->second.channels.empty()) {
      TERN_LOG_INFO("consumer group {} has no member left, removed", group);
      groups_.erase(it);
    } else if (notify_group) {
      AddNotificationLocked(it->second, &notifications);
    }
  }
  Send(notifications);
  return true;
}

std::vector<std::string> ConsumerManager::OnConnectionClosed(ConnectionId connection) {
  std::vector<Notification> notifications;
  std::vector<std::string> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = groups_.begin(); it != groups_.end();) {
      ConsumerGroupInfo& info = it->second;
      if (!info.RemoveChannel(connection)) {
        ++it;
        continue;
      }
      left.push_back(it->first);
      TERN_LOG_INFO("consumer connection {} closed, removed from group {}", connection, it->first);
      if (info.channels.empty()) {
        it = groups_.erase(it);
        continue;
      }
      AddNotificationLocked(info, &notifications);
      ++it;
    }
  }
  Send(notifications);
  return left;
}

std::vector<ExpiredChannel> ConsumerManager::ScanNotActiveChannels(int64_t now_ms) {
  std::vector<Notification> notifications;
  std::vector<ExpiredChannel> expired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = groups_.begin(); it != groups_.end();) {
      ConsumerGroupInfo& info = it->second;
      bool removed = false;
      for (auto ch = info.channels.begin(); ch != info.channels.end();) {
        if (now_ms - ch->second.last_update_ms > channel_expired_ms_) {
          TERN_LOG_WARN("consumer {} ({}) of group {} sent no heartbeat for {} ms, removed",
                        ch->second.client_id, ch->second.client_addr, it->first,
                        now_ms - ch->second.last_update_ms);
          expired.push_back({it->first, ch->second});
          ch = info.channels.erase(ch);
          removed = true;
        } else {
          ++ch;
        }
      }
      if (info.channels.empty()) {
        it = groups_.erase(it);
        continue;
      }
      if (removed) AddNotificationLocked(info, &notifications);
      ++it;
    }
  }
  Send(notifications);
  return expired;
}

std::optional<ConsumerGroupInfo> ConsumerManager::GetGroup(std::string_view group) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> ConsumerManager::ClientIds(std::string_view group) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return {};
  return it->second.ClientIds();
}

std::optional<protocol::SubscriptionData> ConsumerManager::FindSubscription(
    std::string_view group, std::string_view topic) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  auto sub = it->second.subscription_table.find(std::string(topic));
  if (sub == it->second.subscription_table.end()) return std::nullopt;
  return sub->second;
}

std::optional<ClientChannel> ConsumerManager::FindChannel(std::string_view group,
                                                          std::string_view client_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  for (const auto& [conn, ch] : it->second.channels) {
    if (ch.client_id == client_id) return ch;
  }
  return std::nullopt;
}

std::vector<std::string> ConsumerManager::GroupNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, info] : groups_) out.push_back(name);
  return out;
}

std::vector<std::string> ConsumerManager::GroupsSubscribedTo(std::string_view topic) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, info] : groups_) {
    if (info.subscription_table.count(std::string(topic)) > 0) out.push_back(name);
  }
  return out;
}

}  // namespace tern::broker
