#include "broker/meta/config_table.h"

#include <doctest/doctest.h>

#include "test/util/temp_dir.h"

namespace tern::meta {
namespace {

TEST_CASE("topic and group tables persist configs and data versions across reopen") {
  testing::TempDir dir;
  ManualClock clock(1'700'000'000'000);
  DataVersion topics_version, groups_version;
  TopicConfig t;
  t.topic_name = "T";
  t.read_queue_nums = t.write_queue_nums = 8;
  {
    auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
    TopicConfigTable topics(*db, clock);
    SubscriptionGroupTable groups(*db, clock);
    REQUIRE(topics.Load().ok());
    REQUIRE(groups.Load().ok());
    DataVersion v0 = topics.data_version();
    clock.AdvanceMs(5);
    REQUIRE(topics.Put(t).ok());
    CHECK(topics.data_version().counter == v0.counter + 1);
    CHECK(topics.data_version().timestamp == clock.NowMs());
    TopicConfig gone;
    gone.topic_name = "GONE";
    REQUIRE(topics.Put(gone).ok());
    CHECK(topics.Delete("GONE").value());
    CHECK_FALSE(topics.Delete("GONE").value());
    SubscriptionGroupConfig g;
    g.group_name = "CG";
    REQUIRE(groups.Put(g).ok());
    topics_version = topics.data_version();
    groups_version = groups.data_version();
    CHECK(topics_version.counter == v0.counter + 3);
  }
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  TopicConfigTable topics(*db, clock);
  SubscriptionGroupTable groups(*db, clock);
  REQUIRE(topics.Load().ok());
  REQUIRE(groups.Load().ok());
  CHECK(topics.Get("T").value() == t);
  CHECK_FALSE(topics.Contains("GONE"));
  CHECK(topics.size() == 1);
  CHECK(topics.data_version() == topics_version);
  CHECK(groups.Get("CG").has_value());
  CHECK(groups.data_version() == groups_version);
  auto snap = topics.TakeSnapshot();
  CHECK(snap.version == topics_version);
  REQUIRE(snap.configs.size() == 1);
}

TEST_CASE("put if absent creates once and returns the existing config after") {
  testing::TempDir dir;
  ManualClock clock;
  auto db = std::move(MetaDb::Open(dir.Sub("meta")).value());
  TopicConfigTable topics(*db, clock);
  REQUIRE(topics.Load().ok());
  TopicConfig a;
  a.topic_name = "T";
  a.read_queue_nums = 4;
  auto first = topics.PutIfAbsent(a);
  REQUIRE(first.ok());
  CHECK(first->second);
  TopicConfig b = a;
  b.read_queue_nums = 9;
  auto second = topics.PutIfAbsent(b);
  REQUIRE(second.ok());
  CHECK_FALSE(second->second);
  CHECK(second->first.read_queue_nums == 4);
  CHECK(topics.data_version().counter == 1);
}

}  // namespace
}  // namespace tern::meta
