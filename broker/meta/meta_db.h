// MetaDb: the one RocksDB instance of a broker, behind a small API that speaks
// Status/Result and plain strings. No RocksDB type appears in this header;
// meta_db.cc is the only file of TernMQ that includes <rocksdb/...>, and the
// place where rocksdb::Status is converted.
//
// Start here for broker/meta: the typed tables (topic_config_table.h,
// consumer_offset_table.h, cursor_table.h, key_index.h) are built on MetaDb.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace tern::meta {

// One column family per table (meta_format.h names them).
enum class Column : uint8_t {
  kDefault = 0,
  kTopics,
  kSubscriptionGroups,
  kConsumerOffsets,
  kCursors,
  kKeyIndex,
};
inline constexpr int kColumnCount = 6;

// kSync: the write is fsynced (WAL) before Write returns — for changes the
// protocol acknowledges as durable. kAsync: written to the WAL file (survives a
// process crash, not an OS crash) without fsync; SyncWal() makes it durable.
enum class Durability { kSync, kAsync };

// A set of changes applied atomically (across columns) by MetaDb::Write.
// Plain value type; not thread-safe.
class WriteBatch {
 public:
  void Put(Column column, std::string_view key, std::string_view value);
  void Delete(Column column, std::string_view key);
  // Deletes every key in [begin, end).
  void DeleteRange(Column column, std::string_view begin, std::string_view end);
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }

 private:
  friend class MetaDb;
  enum class OpType : uint8_t { kPut, kDelete, kDeleteRange };
  struct Op {
    OpType type;
    Column column;
    std::string key;
    std::string value;  // put value, or the range end
  };
  std::vector<Op> ops_;
};

// Any thread; RocksDB is internally synchronized. Lives as long as every table
// built on it (they hold a MetaDb&).
class MetaDb {
 public:
  struct Options {
    // Small memtables/caches: the metadata is tiny compared with the CommitLog.
    size_t write_buffer_size = 8 << 20;
  };

  // Opens (creating if missing) the database in `dir` with all columns. Fails
  // with kUnavailable when another process holds the database lock.
  static Result<std::unique_ptr<MetaDb>> Open(const std::string& dir, const Options& options);
  static Result<std::unique_ptr<MetaDb>> Open(const std::string& dir) { return Open(dir, Options()); }
  ~MetaDb();
  MetaDb(const MetaDb&) = delete;
  MetaDb& operator=(const MetaDb&) = delete;

  Status Put(Column column, std::string_view key, std::string_view value, Durability d);
  Status Delete(Column column, std::string_view key, Durability d);
  Status Write(const WriteBatch& batch, Durability d);
  // nullopt when the key is absent.
  Result<std::optional<std::string>> Get(Column column, std::string_view key);

  // Called for each key/value; return false to stop the scan early.
  using Visitor = std::function<bool(std::string_view key, std::string_view value)>;
  // Visits keys in [begin, end) in ascending order; an empty `end` means "to the
  // end of the column". The views are valid only during the call.
  Status Scan(Column column, std::string_view begin, std::string_view end, const Visitor& visit);
  // Visits keys in [begin, end) in descending order (from the largest key < end).
  Status ScanReverse(Column column, std::string_view begin, std::string_view end,
                     const Visitor& visit);

  // Makes every kAsync write so far durable (fsyncs the WAL).
  Status SyncWal();

  const std::string& dir() const { return dir_; }

 private:
  struct Impl;
  MetaDb(std::string dir, std::unique_ptr<Impl> impl);
  std::string dir_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tern::meta
