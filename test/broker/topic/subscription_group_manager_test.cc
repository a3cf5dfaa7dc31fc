#include "broker/topic/subscription_group_manager.h"

#include <doctest/doctest.h>

#include "broker/meta/meta_db.h"
#include "test/util/temp_dir.h"

namespace tern::topic {
namespace {

struct Fixture {
  testing::TempDir tmp;
  ManualClock clock;
  std::unique_ptr<meta::MetaDb> db = std::move(meta::MetaDb::Open(tmp.Sub("meta")).value());
  meta::SubscriptionGroupTable table{*db, clock};
  std::unique_ptr<SubscriptionGroupManager> groups;

  explicit Fixture(bool auto_create = true) {
    REQUIRE(table.Load().ok());
    SubscriptionGroupManagerOptions o;
    o.auto_create_subscription_group = auto_create;
    groups = std::make_unique<SubscriptionGroupManager>(table, o);
    REQUIRE(groups->Init().ok());
  }
};

TEST_CASE("Init creates the system consumer groups") {
  Fixture f;
  CHECK(f.groups->Get("TOOLS_CONSUMER").has_value());
  CHECK(f.groups->Get("SELF_TEST_C_GROUP").has_value());
  CHECK(f.groups->Get("CID_RMQ_SYS_TRANS").has_value());
  CHECK(f.groups->BuildWrapper().subscription_group_table.size() >= 3);
}

TEST_CASE("Find auto-creates a group with default settings when enabled") {
  Fixture f;
  auto g = f.groups->Find("CG");
  REQUIRE(g.ok());
  REQUIRE(g->has_value());
  CHECK((*g)->retry_max_times == 16);
  CHECK((*g)->consume_enable);
  CHECK(f.groups->Get("CG").has_value());
}

TEST_CASE("without autoCreateSubscriptionGroup only system groups are created on demand") {
  Fixture f(false);
  CHECK_FALSE(f.groups->Find("CG")->has_value());
  CHECK_FALSE(f.groups->Get("CG").has_value());
  CHECK(f.groups->Find("CID_RMQ_SYS_CHECKER")->has_value());
  protocol::SubscriptionGroupConfig c;
  c.group_name = "CG";
  REQUIRE(f.groups->Update(c).ok());
  CHECK(f.groups->Find("CG")->has_value());
  CHECK(f.groups->Delete("CG").value());
  CHECK_FALSE(f.groups->Get("CG").has_value());
}

}  // namespace
}  // namespace tern::topic

namespace tern::topic {
namespace {

TEST_CASE("autoCreateSubscriptionGroup switched at run time applies to the next Find") {
  Fixture f(/*auto_create=*/false);
  auto none = f.groups->Find("CG_LIVE");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  f.groups->SetAutoCreateSubscriptionGroup(true);
  CHECK(f.groups->auto_create_subscription_group());
  auto created = f.groups->Find("CG_LIVE");
  REQUIRE(created.ok());
  CHECK(created->has_value());
  f.groups->SetAutoCreateSubscriptionGroup(false);
  auto other = f.groups->Find("CG_OTHER");
  REQUIRE(other.ok());
  CHECK_FALSE(other->has_value());
}

}  // namespace
}  // namespace tern::topic
