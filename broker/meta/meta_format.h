// On-disk layout of the metadata RocksDB (broker/meta/README.md has the prose).
//
// One RocksDB instance under <storeRoot>/meta with one column family per table.
// Every key layout is defined here and nowhere else.
#pragma once

#include <cstdint>
#include <string_view>

namespace tern::meta {

// Column family names. Changing a name orphans its data: treat as a format change.
inline constexpr std::string_view kColumnDefault = "default";
inline constexpr std::string_view kColumnTopics = "topics";
inline constexpr std::string_view kColumnSubscriptionGroups = "subscription_groups";
inline constexpr std::string_view kColumnConsumerOffsets = "consumer_offsets";
inline constexpr std::string_view kColumnCursors = "cursors";
inline constexpr std::string_view kColumnKeyIndex = "key_index";

// Format version stored in the default column under kFormatVersionKey (decimal text).
inline constexpr std::string_view kFormatVersionKey = "format_version";
inline constexpr int kFormatVersion = 1;

// default column: DataVersion JSON of the two config tables, written in the
// same batch as the change that bumped it.
inline constexpr std::string_view kTopicsDataVersionKey = "data_version/topics";
inline constexpr std::string_view kGroupsDataVersionKey = "data_version/subscription_groups";

// topics / subscription_groups: key = topic or group name (UTF-8), value = the
// config as JSON (the field names of requests.md §C.7 / §C.8).

// consumer_offsets: key = topic 0x00 group 0x00 BE32(queueId), value = BE64(offset).
// Topic and group names never contain 0x00 (features.md §1.2 character set).
inline constexpr char kOffsetKeySeparator = '\0';

// cursors: key = cursor name (e.g. "delay/level/3"), value = opaque bytes; the
// int64 helpers store BE64.

// key_index:
//   'k' BE16(len) <topic#key> BE64(storeTime ^ 2^63) BE64(physOffset)  -> ""   (by key)
//   'p' BE64(first physOffset of a batch) -> (BE32(size) <'k' key>)*         (by offset)
//   'p' BE64(physOffset) <the 'k' key>    -> ""  (per entry; written before 'p' rows were
//                                                  per batch, still read and deleted)
//   'm' "end"   -> BE64(physical offset up to which the log is indexed)
//   'm' "last"  -> BE64(storeTime) BE64(physOffset) of the newest entry
// The 'p' rows let crash recovery and retention delete entries by offset range.
// Batches (one KeyIndex::Add each) do not overlap in offsets.
inline constexpr char kKeyIndexByKey = 'k';
inline constexpr char kKeyIndexByOffset = 'p';
inline constexpr char kKeyIndexMeta = 'm';
inline constexpr uint64_t kTimeSignFlip = uint64_t{1} << 63;

}  // namespace tern::meta
