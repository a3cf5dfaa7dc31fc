// On-disk format of a ConsumeQueue (storage.md §4; prose in README.md,
// section "Consume queues").
//
//   <root>/consumequeue/<topic>/<queueId>/<20-digit byte offset>
//
// A queue is a mapped-file queue of fixed-size files of 20-byte units; queue
// offset n lives at byte n * 20 of the queue's byte space, and a file is named
// by the byte offset of its first unit (as Java names them).
#pragma once

#include <cstdint>
#include <string_view>

namespace tern::store {

inline constexpr std::string_view kConsumeQueueDir = "consumequeue";

// Unit: [int64 physical offset][int32 record size][int64 tagsCode], big-endian.
inline constexpr int kCqUnitSize = 20;
inline constexpr int kCqUnitPhysicalOffsetPos = 0;
inline constexpr int kCqUnitSizePos = 8;
inline constexpr int kCqUnitTagsCodePos = 12;
static_assert(kCqUnitTagsCodePos + 8 == kCqUnitSize);

// mappedFileSizeConsumeQueue = 300 000 units = 6 000 000 bytes.
inline constexpr int64_t kDefaultCqUnitsPerFile = 300'000;

// Filler written before the first unit of a queue whose first offset is k > 0
// (units 0..k-1 of that file): {0, INT32_MAX, 0}, as Java's fillPreBlank.
inline constexpr int64_t kCqPlaceholderPhysicalOffset = 0;
inline constexpr int32_t kCqPlaceholderSize = 0x7FFFFFFF;

}  // namespace tern::store
