#include "broker/meta/key_index.h"

#include <doctest/doctest.h>

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

}  // namespace
}  // namespace tern::meta
