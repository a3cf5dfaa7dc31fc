#include "src/remoting/pending_requests.h"

#include <atomic>

namespace tern::remoting {

int32_t NextOpaque() {
  static std::atomic<uint32_t> counter{0};
  return static_cast<int32_t>(counter.fetch_add(1, std::memory_order_relaxed) & 0x7FFFFFFFu);
}

ResponseCallback PendingRequests::Add(int32_t opaque, Entry entry) {
  ResponseCallback replaced;
  auto it = entries_.find(opaque);
  if (it != entries_.end()) {
    replaced = std::move(it->second.callback);
    by_deadline_.erase({it->second.deadline_ms, opaque});
    entries_.erase(it);
  }
  by_deadline_.emplace(entry.deadline_ms, opaque);
  entries_.emplace(opaque, std::move(entry));
  return replaced;
}

void PendingRequests::Erase(int32_t opaque, const Entry& entry) {
  by_deadline_.erase({entry.deadline_ms, opaque});
}

std::optional<PendingRequests::Entry> PendingRequests::Take(int32_t opaque,
                                                            ConnectionId connection) {
  auto it = entries_.find(opaque);
  if (it == entries_.end() || it->second.connection != connection) return std::nullopt;
  Entry entry = std::move(it->second);
  entries_.erase(it);
  Erase(opaque, entry);
  return entry;
}

std::vector<PendingRequests::Taken> PendingRequests::TakeExpired(int64_t now_ms) {
  std::vector<Taken> out;
  while (!by_deadline_.empty() && by_deadline_.begin()->first <= now_ms) {
    int32_t opaque = by_deadline_.begin()->second;
    by_deadline_.erase(by_deadline_.begin());
    auto it = entries_.find(opaque);
    if (it == entries_.end()) continue;
    out.push_back(Taken{opaque, std::move(it->second)});
    entries_.erase(it);
  }
  return out;
}

std::vector<PendingRequests::Taken> PendingRequests::TakeConnection(ConnectionId connection) {
  std::vector<Taken> out;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.connection == connection) {
      Erase(it->first, it->second);
      out.push_back(Taken{it->first, std::move(it->second)});
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<PendingRequests::Taken> PendingRequests::TakeAll() {
  std::vector<Taken> out;
  out.reserve(entries_.size());
  for (auto& [opaque, entry] : entries_) out.push_back(Taken{opaque, std::move(entry)});
  entries_.clear();
  by_deadline_.clear();
  return out;
}

std::optional<int64_t> PendingRequests::NextDeadline() const {
  if (by_deadline_.empty()) return std::nullopt;
  return by_deadline_.begin()->first;
}

}  // namespace tern::remoting
