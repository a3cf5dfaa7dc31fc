#include "broker/meta/consumer_offset_table.h"

#include <doctest/doctest.h>

#include "test/util/temp_dir.h"

namespace tern::meta {
namespace {

TEST_CASE("consumer offsets survive reopen only after a flush") {
  testing::TempDir dir;
  {
    auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
    ConsumerOffsetTable offsets(*db);
    REQUIRE(offsets.Load().ok());
    offsets.Commit("T", "CG", QueueId(0), QueueOffset(12));
    offsets.Commit("T", "CG", QueueId(1), QueueOffset(7));
    offsets.Commit("T", "CG", QueueId(1), QueueOffset(8));
    CHECK(offsets.dirty_count() == 2);
    REQUIRE(offsets.Flush().ok());
    CHECK(offsets.dirty_count() == 0);
    offsets.Commit("T", "CG", QueueId(2), QueueOffset(99));  // never flushed
    CHECK(offsets.Query("T", "CG", QueueId(2)) == QueueOffset(99));
  }
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  ConsumerOffsetTable offsets(*db);
  REQUIRE(offsets.Load().ok());
  CHECK(offsets.Query("T", "CG", QueueId(0)) == QueueOffset(12));
  CHECK(offsets.Query("T", "CG", QueueId(1)) == QueueOffset(8));
  CHECK_FALSE(offsets.Query("T", "CG", QueueId(2)).has_value());
  CHECK_FALSE(offsets.Query("T", "OTHER", QueueId(0)).has_value());
  CHECK(offsets.QueryAll("T", "CG") == ConsumerOffsetTable::QueueOffsets{{0, 12}, {1, 8}});
}

TEST_CASE("consumer offsets list groups by topic and remove a group durably") {
  testing::TempDir dir;
  {
    auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
    ConsumerOffsetTable offsets(*db);
    REQUIRE(offsets.Load().ok());
    offsets.Commit("T", "A", QueueId(0), QueueOffset(1));
    offsets.Commit("T", "B", QueueId(0), QueueOffset(2));
    offsets.Commit("TX", "A", QueueId(0), QueueOffset(3));
    offsets.Commit("U", "A", QueueId(0), QueueOffset(4));
    REQUIRE(offsets.Flush().ok());
    CHECK(offsets.GroupsOf("T") == std::vector<std::string>{"A", "B"});
    CHECK(offsets.TopicsOf("A") == std::vector<std::string>{"T", "TX", "U"});
    REQUIRE(offsets.RemoveGroup("T", "A").ok());
    REQUIRE(offsets.RemoveTopic("U").ok());
    CHECK(offsets.GroupsOf("T") == std::vector<std::string>{"B"});
    auto snap = offsets.Snapshot();
    CHECK(snap.size() == 2);
    CHECK(snap.count("T@B") == 1);
    CHECK(snap.count("TX@A") == 1);
  }
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  ConsumerOffsetTable offsets(*db);
  REQUIRE(offsets.Load().ok());
  CHECK_FALSE(offsets.Query("T", "A", QueueId(0)).has_value());
  CHECK_FALSE(offsets.Query("U", "A", QueueId(0)).has_value());
  CHECK(offsets.Query("TX", "A", QueueId(0)) == QueueOffset(3));
  CHECK(offsets.Query("T", "B", QueueId(0)) == QueueOffset(2));
}

}  // namespace
}  // namespace tern::meta
