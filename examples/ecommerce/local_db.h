// LocalDb: the embedded RocksDB in which one service keeps its own state
// (the order service its order rows, inventory its stock, points its
// balances). Each service has its own directory: services share messages,
// not databases.
//
// Thread-safety: RocksDB reads and writes are thread-safe; read-modify-write
// sequences need the caller's own lock (see OrderStore, Ledger).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ternmq/status.h"

namespace rocksdb {
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace shop {

class LocalDb {
 public:
  // Opens (creating if missing) the database in `dir`.
  static ternmq::Result<std::unique_ptr<LocalDb>> Open(const std::string& dir);
  ~LocalDb();

  // nullopt when the key is absent.
  ternmq::Result<std::optional<std::string>> Get(const std::string& key) const;
  // Applies every write of `batch` atomically.
  ternmq::Status Write(rocksdb::WriteBatch& batch);
  ternmq::Status Put(const std::string& key, const std::string& value);

 private:
  explicit LocalDb(rocksdb::DB* db);
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace shop
