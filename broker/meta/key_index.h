// KeyIndex: message keys (each space-separated word of KEYS, and UNIQ_KEY) ->
// (physical offset, store time), kept in the metadata RocksDB. It answers
// QUERY_MESSAGE (topic + key + time range + max count, storage.md §6) and
// lookups by unique key with one range scan each.
//
// The index is derived from the CommitLog and rebuildable: it records the
// physical offset up to which the log has been indexed (IndexedEnd), written
// in the same batch as the entries. Writes are kAsync (not fsynced): after an
// OS crash the dispatcher re-indexes from IndexedEnd, and rows it writes again
// are identical (the row key contains the offset), so re-indexing is idempotent.
//
// Same semantics as Java's IndexFile: "topic#key" is the lookup string for
// keys and unique keys alike, and hits are newest first. Unlike the hash
// slots of IndexFile there are no collisions (keys are compared exactly) and
// the time range is exact to the millisecond.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "broker/meta/meta_db.h"
#include "src/base/status.h"
#include "src/base/strong_id.h"

namespace tern::meta {

struct KeyIndexEntry {
  std::string topic;
  std::string key;
  int64_t store_time_ms = 0;
  PhysicalOffset offset;
};

struct KeyIndexHit {
  PhysicalOffset offset;
  int64_t store_time_ms = 0;
  bool operator==(const KeyIndexHit&) const = default;
};

// Newest indexed entry (QUERY_MESSAGE indexLastUpdateTimestamp/PhyOffset).
struct KeyIndexPosition {
  int64_t store_time_ms = 0;
  PhysicalOffset offset;
};

// Any thread for reads. Add is called by the dispatch thread only; TruncateFrom
// and Clear during recovery (dispatch not running); DeleteBelow by retention,
// concurrently with Add (it only touches offsets below the log's minimum,
// Add only offsets above it). `db` must outlive the index.
class KeyIndex {
 public:
  explicit KeyIndex(MetaDb& db) : db_(db) {}

  // Adds `entries` and raises IndexedEnd to `indexed_end`, atomically.
  // Entries below the current IndexedEnd (indexed already) and entries whose
  // "topic#key" exceeds 65535 bytes are skipped; IndexedEnd never goes down
  // here (TruncateFrom lowers it).
  Status Add(const std::vector<KeyIndexEntry>& entries, PhysicalOffset indexed_end);

  // Physical offset up to which the log has been indexed (0 for a new index).
  Result<PhysicalOffset> IndexedEnd() const;
  Result<KeyIndexPosition> LastUpdate() const;

  // Entries of `topic#key` with store time in [begin_ms, end_ms], newest first,
  // at most `max_num`.
  Result<std::vector<KeyIndexHit>> Query(std::string_view topic, std::string_view key,
                                         int64_t begin_ms, int64_t end_ms, int max_num) const;

  // Crash recovery: drops entries at or past `end` (the CommitLog's recovered
  // end) and lowers IndexedEnd to `end` if it was beyond.
  Status TruncateFrom(PhysicalOffset end);
  // Retention: drops entries whose offset is below `min_offset`.
  Status DeleteBelow(PhysicalOffset min_offset);
  // Drops everything, IndexedEnd becomes 0 (rebuild from scratch).
  Status Clear();
  // Makes every Add so far durable (fsyncs the RocksDB WAL).
  Status Sync() { return db_.SyncWal(); }

 private:
  // Deletes the entries whose offset is in [begin, end), in bounded batches.
  Status DeleteOffsetRange(PhysicalOffset begin, PhysicalOffset end);
  Status RecomputeLast(PhysicalOffset end, WriteBatch* batch) const;

  MetaDb& db_;
};

}  // namespace tern::meta
