#include "src/client/process_queue.h"

namespace tern::client {

bool ProcessQueue::Put(std::vector<ternmq::MessageView> messages) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& m : messages) {
    int64_t offset = m.queue_offset;
    if (cached_.count(offset) || consuming_.count(offset)) continue;
    bytes_ += static_cast<int64_t>(m.body.size());
    ++count_;
    if (offset > max_offset_) max_offset_ = offset;
    cached_.emplace(offset, std::move(m));
  }
  if (!cached_.empty() && !consume_task_) {
    consume_task_ = true;
    return true;
  }
  return false;
}

int64_t ProcessQueue::Remove(const std::vector<int64_t>& offsets) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cached_.empty()) return -1;
  for (int64_t offset : offsets) {
    auto it = cached_.find(offset);
    if (it == cached_.end()) continue;
    bytes_ -= static_cast<int64_t>(it->second.body.size());
    --count_;
    cached_.erase(it);
  }
  return cached_.empty() ? max_offset_ + 1 : cached_.begin()->first;
}

std::vector<ternmq::MessageView> ProcessQueue::Take(int32_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ternmq::MessageView> out;
  while (static_cast<int32_t>(out.size()) < n && !cached_.empty()) {
    auto node = cached_.extract(cached_.begin());
    out.push_back(node.mapped());
    consuming_.insert(std::move(node));
  }
  if (out.empty()) consume_task_ = false;
  return out;
}

int64_t ProcessQueue::Commit() {
  std::lock_guard<std::mutex> lock(mu_);
  if (consuming_.empty()) return -1;
  int64_t next = consuming_.rbegin()->first + 1;
  for (const auto& [offset, m] : consuming_) {
    bytes_ -= static_cast<int64_t>(m.body.size());
    --count_;
  }
  consuming_.clear();
  return next;
}

void ProcessQueue::Restore(bool count_attempt) {
  std::lock_guard<std::mutex> lock(mu_);
  if (count_attempt) {
    for (auto& [offset, m] : consuming_) ++m.reconsume_times;
  }
  cached_.merge(consuming_);
  consuming_.clear();
}

int64_t ProcessQueue::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

int64_t ProcessQueue::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

int64_t ProcessQueue::span() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (cached_.empty()) return 0;
  return cached_.rbegin()->first - cached_.begin()->first;
}

void ProcessQueue::SetLocked(bool locked, int64_t now_ms) {
  locked_ = locked;
  if (locked) last_lock_ms_ = now_ms;
}

}  // namespace tern::client
