#include "broker/meta/key_index.h"

#include <doctest/doctest.h>

#include "broker/meta/meta_format.h"
#include "src/base/byte_coding.h"
#include "test/util/temp_dir.h"

namespace tern::meta {
namespace {

KeyIndexEntry E(std::string topic, std::string key, int64_t t, int64_t off) {
  return {std::move(topic), std::move(key), t, PhysicalOffset(off)};
}

std::vector<int64_t> Offsets(const std::vector<KeyIndexHit>& hits) {
  std::vector<int64_t> out;
  for (const auto& h : hits) out.push_back(h.offset.value());
  return out;
}

TEST_CASE("key index answers a key within a time range newest first") {
  testing::TempDir dir;
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  KeyIndex index(*db);
  REQUIRE(index.Add({E("T", "order-1", 1000, 0), E("T", "order-1", 2000, 100),
                     E("T", "order-10", 2500, 200), E("U", "order-1", 2600, 300),
                     E("T", "order-1", 3000, 400)},
                    PhysicalOffset(500))
              .ok());
  CHECK(Offsets(index.Query("T", "order-1", 0, INT64_MAX, 64).value()) ==
        std::vector<int64_t>{400, 100, 0});
  CHECK(Offsets(index.Query("T", "order-1", 1500, 3000, 64).value()) ==
        std::vector<int64_t>{400, 100});
  CHECK(Offsets(index.Query("T", "order-1", 1000, 2999, 64).value()) ==
        std::vector<int64_t>{100, 0});
  CHECK(Offsets(index.Query("T", "order-1", 0, INT64_MAX, 2).value()) ==
        std::vector<int64_t>{400, 100});
  CHECK(index.Query("T", "order", 0, INT64_MAX, 64)->empty());
  CHECK(index.Query("T", "order-1", 3001, INT64_MAX, 64)->empty());
  auto hit = index.Query("U", "order-1", 0, INT64_MAX, 64).value();
  REQUIRE(hit.size() == 1);
  CHECK(hit[0] == KeyIndexHit{PhysicalOffset(300), 2600});
  CHECK(index.IndexedEnd().value() == PhysicalOffset(500));
  CHECK(index.LastUpdate()->offset == PhysicalOffset(400));
  CHECK(index.LastUpdate()->store_time_ms == 3000);
}

TEST_CASE("key index finds a unique key and survives reopen") {
  testing::TempDir dir;
  const std::string uniq = "7F0000010B5418B4AAC2086D8C6F0000";
  {
    auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
    KeyIndex index(*db);
    REQUIRE(index.Add({E("T", uniq, 1000, 42)}, PhysicalOffset(142)).ok());
  }
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  KeyIndex index(*db);
  CHECK(Offsets(index.Query("T", uniq, 0, INT64_MAX, 32).value()) == std::vector<int64_t>{42});
  CHECK(index.IndexedEnd().value() == PhysicalOffset(142));
}

TEST_CASE("key index truncation drops entries past the log end and retention below min") {
  testing::TempDir dir;
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  KeyIndex index(*db);
  REQUIRE(index.Add({E("T", "k", 1, 0), E("T", "k", 2, 100), E("T", "j", 2, 100),
                     E("T", "k", 3, 200), E("T", "k", 4, 300)},
                    PhysicalOffset(400))
              .ok());
  REQUIRE(index.TruncateFrom(PhysicalOffset(200)).ok());
  CHECK(Offsets(index.Query("T", "k", 0, INT64_MAX, 64).value()) ==
        std::vector<int64_t>{100, 0});
  CHECK(index.IndexedEnd().value() == PhysicalOffset(200));
  CHECK(index.LastUpdate()->offset == PhysicalOffset(100));

  REQUIRE(index.DeleteBelow(PhysicalOffset(100)).ok());
  CHECK(Offsets(index.Query("T", "k", 0, INT64_MAX, 64).value()) == std::vector<int64_t>{100});
  CHECK(Offsets(index.Query("T", "j", 0, INT64_MAX, 64).value()) == std::vector<int64_t>{100});

  REQUIRE(index.Clear().ok());
  CHECK(index.Query("T", "k", 0, INT64_MAX, 64)->empty());
  CHECK(index.IndexedEnd().value() == PhysicalOffset(0));
}

// Rows of the by-offset kind: one per batch written by Add.
int OffsetRows(MetaDb& db) {
  int n = 0;
  const std::string lo(1, kKeyIndexByOffset), hi(1, kKeyIndexByOffset + 1);
  REQUIRE(db.Scan(Column::kKeyIndex, lo, hi, [&](std::string_view, std::string_view) {
              ++n;
              return true;
            }).ok());
  return n;
}

TEST_CASE("key index deletes by offset across batches, whole and in part") {
  testing::TempDir dir;
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  KeyIndex index(*db);
  // Three batches: [0, 100], [200, 300], [400, 500].
  REQUIRE(
      index.Add({E("T", "k", 1, 0), E("T", "j", 1, 0), E("T", "k", 2, 100)}, PhysicalOffset(200))
          .ok());
  REQUIRE(index.Add({E("T", "k", 3, 200), E("T", "k", 4, 300)}, PhysicalOffset(400)).ok());
  REQUIRE(index.Add({E("T", "k", 5, 400), E("T", "j", 6, 500)}, PhysicalOffset(600)).ok());
  CHECK(OffsetRows(*db) == 3);

  // Retention ends inside the second batch: the first goes whole, the second in part.
  REQUIRE(index.DeleteBelow(PhysicalOffset(250)).ok());
  CHECK(Offsets(index.Query("T", "k", 0, INT64_MAX, 64).value()) == std::vector<int64_t>{400, 300});
  CHECK(Offsets(index.Query("T", "j", 0, INT64_MAX, 64).value()) == std::vector<int64_t>{500});
  CHECK(OffsetRows(*db) == 2);

  // Recovery ends inside the third batch; what is left of the second stays.
  REQUIRE(index.TruncateFrom(PhysicalOffset(450)).ok());
  CHECK(Offsets(index.Query("T", "k", 0, INT64_MAX, 64).value()) == std::vector<int64_t>{400, 300});
  CHECK(index.Query("T", "j", 0, INT64_MAX, 64)->empty());
  CHECK(index.LastUpdate()->offset == PhysicalOffset(400));
  CHECK(index.IndexedEnd().value() == PhysicalOffset(450));

  // Re-indexing after the truncation, then both again: nothing left over.
  REQUIRE(index.Add({E("T", "k", 7, 450)}, PhysicalOffset(550)).ok());
  CHECK(Offsets(index.Query("T", "k", 0, INT64_MAX, 64).value()) ==
        std::vector<int64_t>{450, 400, 300});
  REQUIRE(index.TruncateFrom(PhysicalOffset(320)).ok());
  CHECK(index.LastUpdate()->offset == PhysicalOffset(300));
  REQUIRE(index.DeleteBelow(PhysicalOffset(320)).ok());
  CHECK(index.Query("T", "k", 0, INT64_MAX, 64)->empty());
  CHECK(OffsetRows(*db) == 0);
}

TEST_CASE("key index skips entries dispatched again below its indexed end") {
  testing::TempDir dir;
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  KeyIndex index(*db);
  REQUIRE(index.Add({E("T", "k", 1, 0), E("T", "k", 2, 100)}, PhysicalOffset(200)).ok());
  // A restart whose consume queues were behind dispatches from 100 again.
  REQUIRE(index.Add({E("T", "k", 2, 100)}, PhysicalOffset(150)).ok());
  CHECK(index.IndexedEnd().value() == PhysicalOffset(200));
  REQUIRE(index.Add({E("T", "k", 2, 100), E("T", "k", 3, 250)}, PhysicalOffset(300)).ok());
  CHECK(index.IndexedEnd().value() == PhysicalOffset(300));
  CHECK(OffsetRows(*db) == 2);  // [0, 100] and [250]: no batch overlaps another
  CHECK(Offsets(index.Query("T", "k", 0, INT64_MAX, 64).value()) ==
        std::vector<int64_t>{250, 100, 0});
  REQUIRE(index.DeleteBelow(PhysicalOffset(120)).ok());
  CHECK(Offsets(index.Query("T", "k", 0, INT64_MAX, 64).value()) == std::vector<int64_t>{250});
  CHECK(OffsetRows(*db) == 1);
}

// The by-offset row of one entry, as indexes written before batches had one
// row (per batch) carry them.
void PutPerEntryRows(MetaDb& db, std::string_view topic, std::string_view key, int64_t t,
                     int64_t off) {
  std::string row(1, kKeyIndexByKey);
  AppendBE16(&row, static_cast<uint16_t>(topic.size() + 1 + key.size()));
  row.append(topic).append("#").append(key);
  AppendBE64(&row, static_cast<uint64_t>(t) ^ kTimeSignFlip);
  AppendBE64(&row, static_cast<uint64_t>(off));
  std::string by_offset(1, kKeyIndexByOffset);
  AppendBE64(&by_offset, static_cast<uint64_t>(off));
  REQUIRE(db.Put(Column::kKeyIndex, row, "", Durability::kSync).ok());
  REQUIRE(db.Put(Column::kKeyIndex, by_offset + row, "", Durability::kSync).ok());
}

TEST_CASE("key index deletes the per-entry rows of an older index by offset too") {
  testing::TempDir dir;
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  KeyIndex index(*db);
  PutPerEntryRows(*db, "T", "k", 1, 0);
  PutPerEntryRows(*db, "T", "k", 2, 100);
  PutPerEntryRows(*db, "T", "k", 3, 200);
  REQUIRE(index.Add({E("T", "k", 4, 300), E("T", "k", 5, 400)}, PhysicalOffset(500)).ok());
  CHECK(Offsets(index.Query("T", "k", 0, INT64_MAX, 64).value()) ==
        std::vector<int64_t>{400, 300, 200, 100, 0});

  REQUIRE(index.DeleteBelow(PhysicalOffset(150)).ok());
  REQUIRE(index.TruncateFrom(PhysicalOffset(350)).ok());
  CHECK(Offsets(index.Query("T", "k", 0, INT64_MAX, 64).value()) == std::vector<int64_t>{300, 200});
  CHECK(index.LastUpdate()->offset == PhysicalOffset(300));
  REQUIRE(index.TruncateFrom(PhysicalOffset(250)).ok());
  CHECK(index.LastUpdate()->offset == PhysicalOffset(200));
}

TEST_CASE("key index reports a by-offset row it cannot read instead of skipping it") {
  testing::TempDir dir;
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  KeyIndex index(*db);
  std::string by_offset(1, kKeyIndexByOffset);
  AppendBE64(&by_offset, 100);
  REQUIRE(
      db->Put(Column::kKeyIndex, by_offset, std::string("\0\0\0\x40short", 9), Durability::kSync)
          .ok());
  Status s = index.DeleteBelow(PhysicalOffset(200));
  CHECK(s.code() == StatusCode::kCorruption);
  CHECK(index.TruncateFrom(PhysicalOffset(0)).code() == StatusCode::kCorruption);
}

}  // namespace
}  // namespace tern::meta
