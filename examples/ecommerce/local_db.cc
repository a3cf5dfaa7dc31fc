#include "local_db.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

namespace shop {
namespace {

// RocksDB's errors become ternmq::Status here, once.
ternmq::Status ToStatus(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return ternmq::Status::Ok();
  return ternmq::Status(ternmq::StatusCode::kInternal, what + ": " + s.ToString());
}

}  // namespace

ternmq::Result<std::unique_ptr<LocalDb>> LocalDb::Open(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
  if (!s.ok()) return ToStatus(s, "open " + dir);
  return std::unique_ptr<LocalDb>(new LocalDb(db));
}

LocalDb::LocalDb(rocksdb::DB* db) : db_(db) {}
LocalDb::~LocalDb() = default;

ternmq::Result<std::optional<std::string>> LocalDb::Get(const std::string& key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return ToStatus(s, "get " + key);
  return std::optional<std::string>(std::move(value));
}

ternmq::Status LocalDb::Write(rocksdb::WriteBatch& batch) {
  return ToStatus(db_->Write(rocksdb::WriteOptions(), &batch), "write");
}

ternmq::Status LocalDb::Put(const std::string& key, const std::string& value) {
  return ToStatus(db_->Put(rocksdb::WriteOptions(), key, value), "put " + key);
}

}  // namespace shop
