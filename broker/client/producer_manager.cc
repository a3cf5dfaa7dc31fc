#include "broker/client/producer_manager.h"

#include "src/base/logging.h"

namespace tern::broker {

void ProducerManager::RegisterProducer(std::string_view group, const ClientChannel& channel) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end())
    it = groups_.emplace(std::string(group), std::map<ConnectionId, ClientChannel>{}).first;
  auto [ch, inserted] = it->second.insert_or_assign(channel.connection, channel);
  if (inserted) {
    TERN_LOG_INFO("new producer connected, group: {} client: {} addr: {}", group, channel.client_id,
                  channel.client_addr);
  }
}

bool ProducerManager::UnregisterProducer(std::string_view group, ConnectionId connection) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end() || it->second.erase(connection) == 0) return false;
  TERN_LOG_INFO("unregister producer ok, group: {} connection: {}", group, connection);
  if (it->second.empty()) groups_.erase(it);
  return true;
}

std::vector<std::string> ProducerManager::OnConnectionClosed(ConnectionId connection) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> left;
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (it->second.erase(connection) > 0) {
      left.push_back(it->first);
      TERN_LOG_INFO("producer connection {} closed, removed from group {}", connection, it->first);
    }
    it = it->second.empty() ? groups_.erase(it) : std::next(it);
  }
  return left;
}

std::vector<ExpiredChannel> ProducerManager::ScanNotActiveChannels(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ExpiredChannel> expired;
  for (auto it = groups_.begin(); it != groups_.end();) {
    for (auto ch = it->second.begin(); ch != it->second.end();) {
      if (now_ms - ch->second.last_update_ms > channel_expired_ms_) {
        TERN_LOG_WARN("producer {} ({}) of group {} sent no heartbeat for {} ms, removed",
                      ch->second.client_id, ch->second.client_addr, it->first,
                      now_ms - ch->second.last_update_ms);
        expired.push_back({it->first, ch->second});
        ch = it->second.erase(ch);
      } else {
        ++ch;
      }
    }
    it = it->second.empty() ? groups_.erase(it) : std::next(it);
  }
  return expired;
}

std::optional<std::vector<ClientChannel>> ProducerManager::GroupChannels(
    std::string_view group) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  std::vector<ClientChannel> out;
  for (const auto& [conn, ch] : it->second) out.push_back(ch);
  return out;
}

std::optional<ClientChannel> ProducerManager::AvailableChannel(std::string_view group) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end() || it->second.empty()) return std::nullopt;
  auto ch = it->second.begin();
  std::advance(ch, static_cast<long>(rotation_++ % it->second.size()));
  return ch->second;
}

std::vector<std::string> ProducerManager::GroupNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, chans] : groups_) out.push_back(name);
  return out;
}

}  // namespace tern::broker
