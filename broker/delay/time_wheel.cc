#include "broker/delay/time_wheel.h"

#include <algorithm>

#include "src/base/check.h"

namespace tern::delay {
namespace {

// A drained bucket keeps its buffer up to this many entries; beyond it the
// memory goes back (a burst must not pin its peak forever).
constexpr size_t kKeepCapacity = 64;

void Release(std::vector<WheelEntry>* bucket) {
  if (bucket->capacity() > kKeepCapacity) {
    std::vector<WheelEntry>().swap(*bucket);
  } else {
    bucket->clear();
  }
}

bool EraseByOffset(std::vector<WheelEntry>* bucket, int64_t offset) {
  for (size_t i = 0; i < bucket->size(); ++i) {
    if ((*bucket)[i].offset == offset) {
      (*bucket)[i] = bucket->back();  // order inside a bucket does not matter
      bucket->pop_back();
      return true;
    }
  }
  return false;
}

}  // namespace

TimeWheel::TimeWheel(int64_t tick_ms, int slots, int64_t start_ms)
    : tick_ms_(tick_ms), slots_(slots), near_(static_cast<size_t>(slots)) {
  TERN_CHECK(tick_ms > 0 && slots > 0) << "bad wheel geometry " << tick_ms << " x " << slots;
  cursor_ = TickOf(start_ms);
}

int64_t TimeWheel::TickOf(int64_t ms) const { return ms < 0 ? 0 : ms / tick_ms_; }

void TimeWheel::Add(const WheelEntry& e) {
  const int64_t t = std::max(TickOf(e.fire_ms), cursor_);
  if (t < cursor_ + slots_) {
    near_[static_cast<size_t>(t % slots_)].push_back(e);
    ++near_count_;
  } else {
    far_[t / slots_].push_back(e);
  }
  ++size_;
}

bool TimeWheel::Remove(int64_t fire_ms, int64_t offset) {
  const int64_t t = std::max(TickOf(fire_ms), cursor_);
  // A block not cascaded yet may hold ticks inside the near window.
  auto far = far_.find(t / slots_);
  if (far != far_.end() && EraseByOffset(&far->second, offset)) {
    if (far->second.empty()) far_.erase(far);
    --size_;
    return true;
  }
  if (t < cursor_ + slots_ &&
      EraseByOffset(&near_[static_cast<size_t>(t % slots_)], offset)) {
    --near_count_;
    --size_;
    return true;
  }
  return false;
}

void TimeWheel::Cascade() {
  while (!far_.empty() && far_.begin()->first * slots_ <= cursor_) {
    std::vector<WheelEntry> block = std::move(far_.begin()->second);
    far_.erase(far_.begin());
    for (const WheelEntry& e : block) {
      const int64_t t = std::max(TickOf(e.fire_ms), cursor_);
      near_[static_cast<size_t>(t % slots_)].push_back(e);
    }
    near_count_ += block.size();
  }
}

void TimeWheel::PopDue(int64_t now_ms, size_t max, std::vector<WheelEntry>* out) {
  const int64_t now_tick = TickOf(now_ms);
  Cascade();
  while (cursor_ < now_tick) {
    if (near_count_ == 0) {  // nothing near: jump to the next far block or to now
      int64_t next = now_tick;
      if (!far_.empty()) next = std::min(next, far_.begin()->first * slots_);
      cursor_ = std::max(next, cursor_ + 1);
      Cascade();
      continue;
    }
    std::vector<WheelEntry>& bucket = near_[static_cast<size_t>(cursor_ % slots_)];
    out->insert(out->end(), bucket.begin(), bucket.end());
    near_count_ -= bucket.size();
    size_ -= bucket.size();
    Release(&bucket);
    ++cursor_;
    Cascade();
    if (out->size() >= max) return;
  }
  // The current bucket: only what is due by the millisecond.
  std::vector<WheelEntry>& bucket = near_[static_cast<size_t>(cursor_ % slots_)];
  for (size_t i = 0; i < bucket.size();) {
    if (bucket[i].fire_ms <= now_ms) {
      out->push_back(bucket[i]);
      bucket[i] = bucket.back();
      bucket.pop_back();
      --near_count_;
      --size_;
    } else {
      ++i;
    }
  }
}

size_t TimeWheel::MemoryBytes() const {
  size_t bytes = near_.capacity() * sizeof(std::vector<WheelEntry>);
  for (const auto& b : near_) bytes += b.capacity() * sizeof(WheelEntry);
  for (const auto& [block, b] : far_) {
    bytes += 64 + b.capacity() * sizeof(WheelEntry);  // ~ a map node
  }
  return bytes;
}

}  // namespace tern::delay
