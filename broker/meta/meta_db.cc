// The only translation unit that includes RocksDB (house style: foreign errors
// are converted once, at the edge).
#include "broker/meta/meta_db.h"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <filesystem>
#include <mutex>

#include "broker/meta/meta_format.h"
#include "src/base/logging.h"

namespace tern::meta {
namespace {

constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    kColumnDefault, kColumnTopics, kColumnSubscriptionGroups,
    kColumnConsumerOffsets, kColumnCursors, kColumnKeyIndex};

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// rocksdb::Status -> tern::Status, once, here.
Status Convert(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string msg = fmt::format("rocksdb {}: {}", what, s.ToString());
  if (s.IsNotFound()) return Status::NotFound(std::move(msg));
  if (s.IsCorruption()) return Status::Corruption(std::move(msg));
  if (s.IsInvalidArgument()) return Status::InvalidArgument(std::move(msg));
  if (s.IsNotSupported()) return Status::NotSupported(std::move(msg));
  if (s.IsNoSpace()) return Status::ResourceExhausted(std::move(msg));
  if (s.IsBusy() || s.IsTryAgain() || s.IsShutdownInProgress()) {
    return Status::Unavailable(std::move(msg));
  }
  if (s.IsIOError()) {
    // A second process on the same store fails on the LOCK file.
    if (s.ToString().find("lock") != std::string::npos) return Status::Unavailable(std::move(msg));
    return Status::IoError(std::move(msg));
  }
  return Status::Internal(std::move(msg));
}

rocksdb::WriteOptions WriteOpts(Durability d) {
  rocksdb::WriteOptions wo;
  wo.sync = d == Durability::kSync;
  return wo;
}

// Once per process: the pools belong to the default Env, which every MetaDb
// uses (DBOptions::env is left at its default).
void LowerBackgroundPriority() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (auto pool : {rocksdb::Env::Priority::HIGH, rocksdb::Env::Priority::LOW}) {
      rocksdb::Status s =
          rocksdb::Env::Default()->LowerThreadPoolCPUPriority(pool, rocksdb::CpuPriority::kLow);
      if (!s.ok())
        TERN_LOG_WARN("meta db: background threads keep their priority: {}", s.ToString());
    }
  });
}

}  // namespace

void WriteBatch::Put(Column column, std::string_view key, std::string_view value) {
  ops_.push_back({OpType::kPut, column, std::string(key), std::string(value)});
}
void WriteBatch::Delete(Column column, std::string_view key) {
  ops_.push_back({OpType::kDelete, column, std::string(key), {}});
}
void WriteBatch::DeleteRange(Column column, std::string_view begin, std::string_view end) {
  ops_.push_back({OpType::kDeleteRange, column, std::string(begin), std::string(end)});
}

struct MetaDb::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // indexed by Column

  rocksdb::ColumnFamilyHandle* cf(Column c) const { return handles[static_cast<size_t>(c)]; }

  ~Impl() {
    if (!db) return;
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    db->Close().PermitUncheckedError();
  }
};

MetaDb::MetaDb(std::string dir, std::unique_ptr<Impl> impl)
    : dir_(std::move(dir)), impl_(std::move(impl)) {}

MetaDb::~MetaDb() = default;

Result<std::unique_ptr<MetaDb>> MetaDb::Open(const std::string& dir, const Options& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(fmt::format("create {}: {}", dir, ec.message()));

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 4;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // Memtable flushes and compactions (mostly of the key index, which fills an
  // 8 MiB memtable about every second at 30,000 msgs/s) run niced, so that on
  // a small machine they take idle CPU instead of stalling sends and pulls.
  LowerBackgroundPriority();

  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.write_buffer_size = options.write_buffer_size;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (auto name : kColumnNames) descriptors.emplace_back(std::string(name), cf_options);

  auto impl = std::make_unique<Impl>();
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir, descriptors, &impl->handles, &raw);
  if (!s.ok()) return Convert(s, "open " + dir);
  impl->db.reset(raw);
  TERN_CHECK(impl->handles.size() == kColumnCount);

  std::unique_ptr<MetaDb> db(new MetaDb(dir, std::move(impl)));
  // Stamp the format version on first open; refuse a newer one.
  TERN_ASSIGN_OR_RETURN(auto version, db->Get(Column::kDefault, kFormatVersionKey));
  if (!version) {
    TERN_RETURN_IF_ERROR(db->Put(Column::kDefault, kFormatVersionKey,
                                 std::to_string(kFormatVersion), Durability::kSync));
  } else if (*version != std::to_string(kFormatVersion)) {
    return Status::Corruption(
        fmt::format("meta db {}: unsupported format version '{}'", dir, *version));
  }
  return db;
}

Status MetaDb::Put(Column column, std::string_view key, std::string_view value, Durability d) {
  return Convert(impl_->db->Put(WriteOpts(d), impl_->cf(column), ToSlice(key), ToSlice(value)),
                 "put");
}

Status MetaDb::Delete(Column column, std::string_view key, Durability d) {
  return Convert(impl_->db->Delete(WriteOpts(d), impl_->cf(column), ToSlice(key)), "delete");
}

Status MetaDb::Write(const WriteBatch& batch, Durability d) {
  if (batch.empty()) return Status::Ok();
  rocksdb::WriteBatch wb;
  for (const auto& op : batch.ops_) {
    rocksdb::Status s;
    switch (op.type) {
      case WriteBatch::OpType::kPut:
        s = wb.Put(impl_->cf(op.column), ToSlice(op.key), ToSlice(op.value));
        break;
      case WriteBatch::OpType::kDelete:
        s = wb.Delete(impl_->cf(op.column), ToSlice(op.key));
        break;
      case WriteBatch::OpType::kDeleteRange:
        s = wb.DeleteRange(impl_->cf(op.column), ToSlice(op.key), ToSlice(op.value));
        break;
    }
    TERN_RETURN_IF_ERROR(Convert(s, "batch"));
  }
  return Convert(impl_->db->Write(WriteOpts(d), &wb), "write");
}

Result<std::optional<std::string>> MetaDb::Get(Column column, std::string_view key) {
  std::string value;
  rocksdb::Status s = impl_->db->Get(rocksdb::ReadOptions(), impl_->cf(column), ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return Convert(s, "get");
  return std::optional<std::string>(std::move(value));
}

Status MetaDb::Scan(Column column, std::string_view begin, std::string_view end,
                    const Visitor& visit) {
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper = ToSlice(end);
  if (!end.empty()) ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(column)));
  for (it->Seek(ToSlice(begin)); it->Valid(); it->Next()) {
    if (!visit(ToView(it->key()), ToView(it->value()))) break;
  }
  return Convert(it->status(), "scan");
}

Status MetaDb::ScanReverse(Column column, std::string_view begin, std::string_view end,
                           const Visitor& visit) {
  rocksdb::ReadOptions ro;
  rocksdb::Slice lower = ToSlice(begin);
  ro.iterate_lower_bound = &lower;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(column)));
  if (end.empty()) {
    it->SeekToLast();
  } else {
    it->SeekForPrev(ToSlice(end));
    // SeekForPrev lands on the last key <= end; the range excludes `end` itself.
    if (it->Valid() && ToView(it->key()) == end) it->Prev();
  }
  for (; it->Valid(); it->Prev()) {
    if (!visit(ToView(it->key()), ToView(it->value()))) break;
  }
  return Convert(it->status(), "reverse scan");
}

Status MetaDb::SyncWal() { return Convert(impl_->db->SyncWAL(), "sync wal"); }

}  // namespace tern::meta
