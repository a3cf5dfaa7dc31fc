// TimeWheel: the in-memory index of pending schedule entries by fire time.
//
// A rolling wheel of `slots` buckets of `tick_ms` covers the near window
// [cursor, cursor + slots) ticks; an entry further away waits in a sparse
// second level (one bucket per `slots` ticks, an ordered map) and is
// cascaded into the near wheel when the cursor reaches its block. Adding and
// removing are O(1) amortised (plus O(bucket) for Remove); popping due
// entries costs O(entries + ticks passed), and an empty near wheel lets the
// cursor jump.
//
// An entry is 24 bytes (fire time, CommitLog offset of the scheduled copy,
// packed EntryId): the body stays in the CommitLog, so 1,000,000 pending
// entries need ~24 MB plus bucket slack.
//
// Not synchronized: owned by the schedule service thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace tern::delay {

struct WheelEntry {
  int64_t fire_ms = 0;
  int64_t offset = 0;  // CommitLog physical offset of the scheduled record
  uint64_t id = 0;     // EntryId::Packed()
};
static_assert(sizeof(WheelEntry) == 24);

class TimeWheel {
 public:
  // The cursor starts at the tick of `start_ms`.
  TimeWheel(int64_t tick_ms, int slots, int64_t start_ms);

  // Any fire time; one at or before the cursor is due at the next PopDue.
  void Add(const WheelEntry& e);
  // Removes the entry with this fire time and offset; false if absent.
  bool Remove(int64_t fire_ms, int64_t offset);
  // Appends every entry with fire_ms <= now_ms to *out (unordered), advancing
  // the cursor; stops after a bucket once *out holds `max` or more.
  void PopDue(int64_t now_ms, size_t max, std::vector<WheelEntry>* out);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes held by the buckets (capacity, not size) - for the benchmark.
  size_t MemoryBytes() const;

 private:
  int64_t TickOf(int64_t ms) const;
  std::vector<WheelEntry>* BucketFor(int64_t tick, bool create);
  void Cascade();

  const int64_t tick_ms_;
  const int64_t slots_;
  int64_t cursor_;  // tick of the first near bucket not yet drained
  std::vector<std::vector<WheelEntry>> near_;
  size_t near_count_ = 0;
  std::map<int64_t, std::vector<WheelEntry>> far_;  // block (tick / slots) -> entries
  size_t size_ = 0;
};

}  // namespace tern::delay
