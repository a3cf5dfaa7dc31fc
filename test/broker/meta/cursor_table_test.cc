#include "broker/meta/cursor_table.h"

#include <doctest/doctest.h>

#include "test/util/temp_dir.h"

namespace tern::meta {
namespace {

TEST_CASE("cursors persist int64 and byte values across reopen") {
  testing::TempDir dir;
  {
    auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
    CursorTable cursors(*db);
    REQUIRE(cursors.PutInt64("delay/level/1", 17, Durability::kAsync).ok());
    REQUIRE(cursors.PutInt64("delay/level/2", -1, Durability::kSync).ok());
    REQUIRE(cursors.PutBytes("timer/state", "abc", Durability::kAsync).ok());
    REQUIRE(cursors.Sync().ok());
  }
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  CursorTable cursors(*db);
  CHECK(cursors.GetInt64("delay/level/1").value() == 17);
  CHECK(cursors.GetInt64("delay/level/2").value() == -1);
  CHECK_FALSE(cursors.GetInt64("delay/level/3").value().has_value());
  CHECK(cursors.GetBytes("timer/state").value() == "abc");
  CHECK(cursors.GetInt64("timer/state").status().code() == StatusCode::kCorruption);
  auto delay = cursors.List("delay/");
  REQUIRE(delay.ok());
  REQUIRE(delay->size() == 2);
  CHECK((*delay)[0].first == "delay/level/1");
  REQUIRE(cursors.Delete("delay/level/1", Durability::kSync).ok());
  CHECK(cursors.List("delay/")->size() == 1);
}

}  // namespace
}  // namespace tern::meta
