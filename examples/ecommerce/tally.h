// Tally: what happened during a demo run, counted per event and per order,
// for the summary table and the invariant checks. Not something a service
// needs; the demo's instrumentation.
//
// Thread-safety: any thread; internally synchronized.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace shop {

class Tally {
 public:
  // Counts one `event` for `order_id` ("inventory.reserved", "order-7").
  void Add(const std::string& event, const std::string& order_id) {
    std::lock_guard<std::mutex> lock(mu_);
    ++per_order_[event][order_id];
    ++totals_[event];
  }
  // How often `event` happened, in all.
  int64_t Total(const std::string& event) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = totals_.find(event);
    return it == totals_.end() ? 0 : it->second;
  }
  // How often `event` happened for `order_id`.
  int64_t Count(const std::string& event, const std::string& order_id) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = per_order_.find(event);
    if (it == per_order_.end()) return 0;
    auto o = it->second.find(order_id);
    return o == it->second.end() ? 0 : o->second;
  }
  // The orders `event` happened to at least once.
  std::set<std::string> Orders(const std::string& event) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<std::string> out;
    auto it = per_order_.find(event);
    if (it != per_order_.end()) {
      for (const auto& [id, n] : it->second) out.insert(id);
    }
    return out;
  }
  // A number that changes whenever anything is counted (to detect quiet).
  int64_t Version() const {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t sum = 0;
    for (const auto& [event, n] : totals_) sum += n;
    return sum;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, int64_t>> per_order_;
  std::map<std::string, int64_t> totals_;
};

}  // namespace shop
