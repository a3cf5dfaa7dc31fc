#include "broker/meta/meta_db.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "test/util/temp_dir.h"
#include "test/util/thread_stat.h"
#include "test/util/wait.h"

namespace tern::meta {
namespace {

TEST_CASE("meta db keeps each column's data across reopen") {
  testing::TempDir dir;
  {
    auto db = MetaDb::Open(dir.Sub("meta"));
    REQUIRE(db.ok());
    REQUIRE((*db)->Put(Column::kTopics, "k", "topics", Durability::kSync).ok());
    REQUIRE((*db)->Put(Column::kCursors, "k", "cursors", Durability::kAsync).ok());
    REQUIRE((*db)->Put(Column::kKeyIndex, "k", "index", Durability::kAsync).ok());
  }
  auto db = MetaDb::Open(dir.Sub("meta"));
  REQUIRE(db.ok());
  CHECK(*(*db)->Get(Column::kTopics, "k").value() == "topics");
  CHECK(*(*db)->Get(Column::kCursors, "k").value() == "cursors");
  CHECK(*(*db)->Get(Column::kKeyIndex, "k").value() == "index");
  CHECK_FALSE((*db)->Get(Column::kSubscriptionGroups, "k").value().has_value());
}

// The nice value of this process's thread named `name`, nullopt if there is none.
std::optional<int> NiceOfThread(const std::string& name) {
  auto nice = testing::ThreadStatField(name, 19);
  if (!nice) return std::nullopt;
  return std::stoi(*nice);
}

TEST_CASE("meta db memtable flushes run on a niced background thread") {
  testing::TempDir dir;
  MetaDb::Options options;
  options.write_buffer_size = 64 << 10;  // a flush every few hundred rows below
  auto db = MetaDb::Open(dir.Sub("meta"), options);
  REQUIRE(db.ok());
  const std::string value(512, 'v');
  int rows = 0;
  bool writes_ok = true;
  // A flush thread lowers its priority before its first job; write until one has run.
  auto write_more_until_niced = [&] {
    for (int i = 0; i < 256 && writes_ok; ++i) {
      writes_ok =
          (*db)
              ->Put(Column::kKeyIndex, "k" + std::to_string(rows++), value, Durability::kAsync)
              .ok();
    }
    return !writes_ok || NiceOfThread("rocksdb:high").value_or(0) == 19;
  };
  tern::testing::WaitUntil(write_more_until_niced, 10'000, 1);
  REQUIRE(writes_ok);
  CHECK(NiceOfThread("rocksdb:high") == std::optional<int>(19));
}

TEST_CASE("a second open of the same meta db is refused as unavailable") {
  testing::TempDir dir;
  auto first = MetaDb::Open(dir.Sub("meta"));
  REQUIRE(first.ok());
  auto second = MetaDb::Open(dir.Sub("meta"));
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == StatusCode::kUnavailable);
}

TEST_CASE("meta db scans ranges forward and backward with exclusive end") {
  testing::TempDir dir;
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  WriteBatch batch;
  for (const char* k : {"a", "b", "c", "d"}) batch.Put(Column::kCursors, k, k);
  REQUIRE(db->Write(batch, Durability::kAsync).ok());

  std::vector<std::string> seen;
  auto collect = [&](std::string_view k, std::string_view) {
    seen.emplace_back(k);
    return true;
  };
  REQUIRE(db->Scan(Column::kCursors, "b", "d", collect).ok());
  CHECK(seen == std::vector<std::string>{"b", "c"});
  seen.clear();
  REQUIRE(db->ScanReverse(Column::kCursors, "b", "d", collect).ok());
  CHECK(seen == std::vector<std::string>{"c", "b"});
  seen.clear();
  REQUIRE(db->ScanReverse(Column::kCursors, "", "", collect).ok());
  CHECK(seen == std::vector<std::string>{"d", "c", "b", "a"});

  WriteBatch del;
  del.DeleteRange(Column::kCursors, "a", "c");
  REQUIRE(db->Write(del, Durability::kSync).ok());
  seen.clear();
  REQUIRE(db->Scan(Column::kCursors, "", "", collect).ok());
  CHECK(seen == std::vector<std::string>{"c", "d"});
}

}  // namespace
}  // namespace tern::meta
