// A ConsumerIdsChangeNotifier that records what would have been sent.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "broker/client/consumer_ids_notifier.h"

namespace tern::broker::testing {

class RecordingNotifier final : public ConsumerIdsChangeNotifier {
 public:
  void NotifyConsumerIdsChanged(ConnectionId connection, const std::string& group) override {
    std::lock_guard<std::mutex> lock(mu_);
    sent_.emplace_back(connection.value(), group);
  }
  // (connection, group) pairs since the last Take(); a pair sent twice
  // appears twice.
  std::multiset<std::pair<uint64_t, std::string>> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    std::multiset<std::pair<uint64_t, std::string>> out(sent_.begin(), sent_.end());
    sent_.clear();
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<std::pair<uint64_t, std::string>> sent_;
};

}  // namespace tern::broker::testing
