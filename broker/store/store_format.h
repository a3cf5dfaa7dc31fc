// On-disk constants of the store (prose in broker/store/README.md;
// spec: shared/spec/storage.md §1-3, §7). The record layout itself lives in
// src/protocol/message_codec.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tern::store {

// ---- directory layout (relative to the store root) ----
inline constexpr std::string_view kCommitLogDir = "commitlog";
inline constexpr std::string_view kCheckpointFile = "checkpoint";
inline constexpr std::string_view kAbortFile = "abort";
inline constexpr std::string_view kLockFile = "lock";

// ---- segment files ----
// A segment is named by its start offset, zero-padded to 20 decimal digits.
inline constexpr int kSegmentNameDigits = 20;
inline constexpr int64_t kDefaultCommitLogSegmentSize = 1024LL * 1024 * 1024;  // 1 GiB
inline constexpr int64_t kMinSegmentSize = 4096;
inline constexpr int64_t kOsPageSize = 4096;

// "00000000001073741824" for 1073741824.
std::string SegmentFileName(int64_t start_offset);
// Parses a 20-digit name; false for anything else (temporary files, etc.).
bool ParseSegmentFileName(std::string_view name, int64_t* start_offset);

// ---- end-of-segment blank record ----
// When `record size + 8 > space left`, the writer puts
// [int32 space left][int32 kBlankMagic] at the write position and continues at
// the next segment. Readers meeting kBlankMagic jump to the next segment.
inline constexpr uint32_t kBlankMagic = 0xCBD43194u;  // -875286124
inline constexpr int kBlankRecordSize = 8;
inline constexpr int kEndOfSegmentReserve = 8;  // the "+8" rule

// ---- checkpoint (4096 bytes, big-endian) ----
// Java-compatible fields first (storage.md §7), then TernMQ fields, then a CRC.
inline constexpr int kCheckpointFileSize = 4096;
inline constexpr int kCkPhysicMsgTimestampPos = 0;   // store time of last flushed CommitLog msg
inline constexpr int kCkLogicsMsgTimestampPos = 8;   // store time covered by CQ flush
inline constexpr int kCkIndexMsgTimestampPos = 16;   // store time covered by the key index
inline constexpr int kCkMasterFlushedOffsetPos = 24; // 5.x, unused (0)
inline constexpr int kCkConfirmPhyOffsetPos = 32;    // 5.x, unused (0)
inline constexpr int kCkMagicPos = 40;               // kCheckpointMagic
inline constexpr int kCkVersionPos = 44;             // kCheckpointVersion
inline constexpr int kCkCommitLogFlushedPos = 48;    // physical offset flushed (record boundary)
inline constexpr int kCkConsumeQueueOffsetPos = 56;  // physical offset the CQs are durable to
inline constexpr int kCkIndexOffsetPos = 64;         // physical offset the key index is durable to
inline constexpr int kCkCrcPos = 4092;               // CRC32 of bytes [0, 4092)
inline constexpr uint32_t kCheckpointMagic = 0x54434B50u;  // "TCKP"
inline constexpr uint32_t kCheckpointVersion = 1;

static_assert(kCkIndexOffsetPos + 8 <= kCkCrcPos);
static_assert(kCkCrcPos + 4 == kCheckpointFileSize);

}  // namespace tern::store
