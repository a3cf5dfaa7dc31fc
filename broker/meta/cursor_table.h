// CursorTable: named progress cursors of background features — the delay
// scheduler's next offset per level, the timer's read position, the
// transaction checker's half/op offsets. Values are opaque bytes; Int64
// helpers store BE64. Names are namespaced by convention: "delay/level/3",
// "timer/read_ms", "transaction/half_offset".
//
// No in-memory cache: each call is one RocksDB read or write (microseconds).
// Writers choose durability per call: kAsync (WAL written, survives a process
// crash) for cursors advanced on every message, with SyncWal() from the
// owner's periodic flush; kSync where a cursor move must never be lost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/meta/meta_db.h"
#include "src/base/status.h"

namespace tern::meta {

// Any thread (RocksDB is internally synchronized). `db` must outlive it.
class CursorTable {
 public:
  explicit CursorTable(MetaDb& db) : db_(db) {}

  Status PutInt64(std::string_view name, int64_t value, Durability d);
  // nullopt when never written; Corruption when the value is not 8 bytes.
  Result<std::optional<int64_t>> GetInt64(std::string_view name) const;
  Status PutBytes(std::string_view name, std::string_view value, Durability d);
  Result<std::optional<std::string>> GetBytes(std::string_view name) const;
  Status Delete(std::string_view name, Durability d);
  // Every cursor whose name starts with `prefix`, sorted by name.
  Result<std::vector<std::pair<std::string, std::string>>> List(std::string_view prefix) const;
  // Makes every kAsync cursor write so far durable.
  Status Sync() { return db_.SyncWal(); }

 private:
  MetaDb& db_;
};

}  // namespace tern::meta
