#include "src/client/rebalance.h"

#include <algorithm>
#include <map>

#include "src/client/md5.h"

namespace tern::client {
namespace {

// Index of `cid` in `cid_all`, or -1.
int64_t IndexOf(const std::string& cid, const std::vector<std::string>& cid_all) {
  auto it = std::find(cid_all.begin(), cid_all.end(), cid);
  return it == cid_all.end() ? -1 : it - cid_all.begin();
}

}  // namespace

QueueList AllocateAveragely(const std::string& current_cid, const QueueList& mq_all,
                            const std::vector<std::string>& cid_all) {
  QueueList result;
  int64_t index = IndexOf(current_cid, cid_all);
  if (index < 0 || mq_all.empty()) return result;
  const int64_t n = static_cast<int64_t>(mq_all.size());
  const int64_t m = static_cast<int64_t>(cid_all.size());
  const int64_t mod = n % m;
  const int64_t average = n <= m ? 1 : (mod > 0 && index < mod ? n / m + 1 : n / m);
  const int64_t start = (mod > 0 && index < mod) ? index * average : index * average + mod;
  const int64_t range = std::min(average, n - start);
  for (int64_t i = 0; i < range; ++i) result.push_back(mq_all[(start + i) % n]);
  return result;
}

QueueList AllocateByCircle(const std::string& current_cid, const QueueList& mq_all,
                           const std::vector<std::string>& cid_all) {
  QueueList result;
  int64_t index = IndexOf(current_cid, cid_all);
  if (index < 0) return result;
  for (size_t i = static_cast<size_t>(index); i < mq_all.size(); i += cid_all.size()) {
    result.push_back(mq_all[i]);
  }
  return result;
}

int64_t ConsistentHashOf(const std::string& key) {
  auto digest = Md5(key);
  int64_t h = 0;
  for (int i = 0; i < 4; ++i) h = (h << 8) | digest[i];
  return h;
}

QueueList AllocateConsistentHash(const std::string& current_cid, const QueueList& mq_all,
                                 const std::vector<std::string>& cid_all, int virtual_nodes) {
  QueueList result;
  if (IndexOf(current_cid, cid_all) < 0) return result;
  // Java's TreeMap.put: a later node with the same hash replaces the earlier one.
  std::map<int64_t, const std::string*> ring;
  for (const auto& cid : cid_all) {
    for (int i = 0; i < virtual_nodes; ++i) {
      ring[ConsistentHashOf(cid + "-" + std::to_string(i))] = &cid;
    }
  }
  if (ring.empty()) return result;
  for (const auto& mq : mq_all) {
    auto it = ring.lower_bound(ConsistentHashOf(mq.ToString()));
    if (it == ring.end()) it = ring.begin();
    if (*it->second == current_cid) result.push_back(mq);
  }
  return result;
}

QueueList Allocate(ternmq::AllocateStrategy strategy, const std::string& current_cid,
                   QueueList mq_all, std::vector<std::string> cid_all) {
  std::sort(mq_all.begin(), mq_all.end());
  std::sort(cid_all.begin(), cid_all.end());
  switch (strategy) {
    case ternmq::AllocateStrategy::kAveragely:
      return AllocateAveragely(current_cid, mq_all, cid_all);
    case ternmq::AllocateStrategy::kAveragelyByCircle:
      return AllocateByCircle(current_cid, mq_all, cid_all);
    case ternmq::AllocateStrategy::kConsistentHash:
      return AllocateConsistentHash(current_cid, mq_all, cid_all);
  }
  return {};
}

}  // namespace tern::client
