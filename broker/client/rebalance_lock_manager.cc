#include "broker/client/rebalance_lock_manager.h"

#include "src/base/logging.h"

namespace tern::broker {

std::set<protocol::MessageQueue> RebalanceLockManager::TryLockBatch(
    std::string_view group, const std::set<protocol::MessageQueue>& mqs,
    std::string_view client_id) {
  std::set<protocol::MessageQueue> locked;
  int64_t now = clock_.MonotonicMs();
  std::lock_guard<std::mutex> lock(mu_);
  auto git = table_.find(group);
  if (git == table_.end())
    git = table_.emplace(std::string(group), std::map<protocol::MessageQueue, LockEntry>{}).first;
  auto& queues = git->second;
  for (const protocol::MessageQueue& mq : mqs) {
    auto it = queues.find(mq);
    if (it == queues.end()) {
      queues.emplace(mq, LockEntry{std::string(client_id), now});
      TERN_LOG_INFO("tryLockBatch, queue not locked, granted: group {} client {} mq {}", group,
                    client_id, mq.Encode());
      locked.insert(mq);
      continue;
    }
    LockEntry& e = it->second;
    if (e.client_id == client_id) {
      e.last_update_ms = now;
      locked.insert(mq);
      continue;
    }
    if (Expired(e, now)) {
      TERN_LOG_WARN("tryLockBatch, queue lock of {} expired, granted: group {} client {} mq {}",
                    e.client_id, group, client_id, mq.Encode());
      e.client_id = std::string(client_id);
      e.last_update_ms = now;
      locked.insert(mq);
      continue;
    }
    TERN_LOG_DEBUG("tryLockBatch, queue locked by other client {}: group {} client {} mq {}",
                   e.client_id, group, client_id, mq.Encode());
  }
  return locked;
}

void RebalanceLockManager::UnlockBatch(std::string_view group,
                                       const std::set<protocol::MessageQueue>& mqs,
                                       std::string_view client_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = table_.find(group);
  if (git == table_.end()) return;
  for (const protocol::MessageQueue& mq : mqs) {
    auto it = git->second.find(mq);
    if (it == git->second.end()) continue;
    if (it->second.client_id == client_id) {
      git->second.erase(it);
    } else {
      TERN_LOG_WARN("unlockBatch, queue locked by other client {}: group {} client {} mq {}",
                    it->second.client_id, group, client_id, mq.Encode());
    }
  }
  if (git->second.empty()) table_.erase(git);
}

std::optional<std::string> RebalanceLockManager::LockOwner(std::string_view group,
                                                           const protocol::MessageQueue& mq) const {
  int64_t now = clock_.MonotonicMs();
  std::lock_guard<std::mutex> lock(mu_);
  auto git = table_.find(group);
  if (git == table_.end()) return std::nullopt;
  auto it = git->second.find(mq);
  if (it == git->second.end() || Expired(it->second, now)) return std::nullopt;
  return it->second.client_id;
}

bool RebalanceLockManager::HasUnexpiredLock(std::string_view group, std::string_view topic) const {
  int64_t now = clock_.MonotonicMs();
  std::lock_guard<std::mutex> lock(mu_);
  auto git = table_.find(group);
  if (git == table_.end()) return false;
  for (const auto& [mq, e] : git->second) {
    if (mq.topic == topic && !Expired(e, now)) return true;
  }
  return false;
}

}  // namespace tern::broker
