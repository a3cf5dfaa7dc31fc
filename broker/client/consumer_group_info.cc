#include "broker/client/consumer_group_info.h"

#include <algorithm>

#include "src/base/logging.h"

namespace tern::broker {

bool ConsumerGroupInfo::UpdateChannel(const ClientChannel& channel, protocol::ConsumeType type,
                                      protocol::MessageModel model,
                                      protocol::ConsumeFromWhere where) {
  consume_type = type;
  message_model = model;
  consume_from_where = where;
  last_update_ms = channel.last_update_ms;
  auto it = channels.find(channel.connection);
  if (it == channels.end()) {
    channels.emplace(channel.connection, channel);
    TERN_LOG_INFO("new consumer connected, group: {} client: {} addr: {}", group_name,
                  channel.client_id, channel.client_addr);
    return true;
  }
  if (it->second.client_id != channel.client_id) {
    TERN_LOG_WARN("consumer channel of group {} changed client id: {} -> {} ({})", group_name,
                  it->second.client_id, channel.client_id, channel.client_addr);
  }
  it->second = channel;
  return false;
}

bool ConsumerGroupInfo::UpdateSubscriptions(const std::vector<protocol::SubscriptionData>& subs,
                                            int64_t now_ms) {
  bool changed = false;
  for (const protocol::SubscriptionData& sub : subs) {
    auto it = subscription_table.find(sub.topic);
    if (it == subscription_table.end()) {
      subscription_table.emplace(sub.topic, sub);
      TERN_LOG_INFO("subscription changed, group: {} NEW: {}", group_name, sub.Encode());
      changed = true;
    } else if (sub.sub_version > it->second.sub_version) {
      if (!it->second.SameFilter(sub)) {
        TERN_LOG_INFO("subscription changed, group: {} OLD: {} NEW: {}", group_name,
                      it->second.Encode(), sub.Encode());
        changed = true;
      }
      it->second = sub;
    }
  }
  for (auto it = subscription_table.begin(); it != subscription_table.end();) {
    bool kept = std::any_of(subs.begin(), subs.end(), [&](const protocol::SubscriptionData& s) {
      return s.topic == it->first;
    });
    if (kept) {
      ++it;
      continue;
    }
    TERN_LOG_WARN("subscription changed, group: {} remove topic {}", group_name, it->first);
    it = subscription_table.erase(it);
    changed = true;
  }
  last_update_ms = now_ms;
  return changed;
}

bool ConsumerGroupInfo::RemoveChannel(ConnectionId connection) {
  return channels.erase(connection) > 0;
}

std::vector<std::string> ConsumerGroupInfo::ClientIds() const {
  std::vector<std::string> ids;
  ids.reserve(channels.size());
  for (const auto& [conn, ch] : channels) ids.push_back(ch.client_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<ConnectionId> ConsumerGroupInfo::Connections() const {
  std::vector<ConnectionId> out;
  out.reserve(channels.size());
  for (const auto& [conn, ch] : channels) out.push_back(conn);
  return out;
}

}  // namespace tern::broker
