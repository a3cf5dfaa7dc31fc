// BrokerBackoff: brokers that just failed with a network error, avoided by new
// sends for a while (a simple form of Java's latency fault tolerance).
// Any thread; internally synchronized.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace tern::client {

class BrokerBackoff {
 public:
  // `duration_ms` <= 0 disables the backoff.
  explicit BrokerBackoff(int64_t duration_ms) : duration_ms_(duration_ms) {}

  void MarkFailed(const std::string& broker_name, int64_t now_ms) {
    if (duration_ms_ <= 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    until_[broker_name] = now_ms + duration_ms_;
  }
  void MarkOk(const std::string& broker_name) {
    std::lock_guard<std::mutex> lock(mu_);
    until_.erase(broker_name);
  }
  bool ShouldAvoid(std::string_view broker_name, int64_t now_ms) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = until_.find(broker_name);
    return it != until_.end() && now_ms < it->second;
  }

 private:
  const int64_t duration_ms_;
  mutable std::mutex mu_;
  std::map<std::string, int64_t, std::less<>> until_;  // GUARDED_BY(mu_)
};

}  // namespace tern::client
