#include "broker/topic/topic_config_manager.h"

#include <doctest/doctest.h>

#include "broker/meta/meta_db.h"
#include "broker/topic/topic_names.h"
#include "test/util/temp_dir.h"

namespace tern::topic {
namespace {

struct Fixture {
  testing::TempDir tmp;
  ManualClock clock;
  std::unique_ptr<meta::MetaDb> db = std::move(meta::MetaDb::Open(tmp.Sub("meta")).value());
  std::unique_ptr<meta::TopicConfigTable> table;
  std::unique_ptr<TopicConfigManager> topics;
  int changes = 0;

  explicit Fixture(TopicConfigManagerOptions o = {}) { Open(o); }
  void Open(TopicConfigManagerOptions o) {
    topics.reset();
    table = std::make_unique<meta::TopicConfigTable>(*db, clock);
    REQUIRE(table->Load().ok());
    topics = std::make_unique<TopicConfigManager>(*table, o);
    REQUIRE(topics->Init().ok());
    topics->SetChangeListener([this] { ++changes; });
  }
};

TEST_CASE("Init creates the system topics of features.md 1.2") {
  TopicConfigManagerOptions o;
  o.cluster_name = "C1";
  o.broker_name = "b1";
  o.broker_topic_enable = false;
  Fixture f(o);
  auto tbw = f.topics->Select("TBW102");
  REQUIRE(tbw.has_value());
  CHECK(tbw->perm == 7);
  CHECK(tbw->read_queue_nums == 8);
  CHECK(tbw->write_queue_nums == 8);
  CHECK(f.topics->Select("SELF_TEST_TOPIC")->read_queue_nums == 1);
  CHECK(f.topics->Select("BenchmarkTest")->write_queue_nums == 1024);
  CHECK(f.topics->Select("C1")->perm == 7);
  CHECK(f.topics->Select("C1")->read_queue_nums == 16);
  CHECK(f.topics->Select("b1")->perm == 1);  // brokerTopicEnable=false
  CHECK(f.topics->Select("OFFSET_MOVED_EVENT").has_value());
  CHECK(f.topics->Select("SCHEDULE_TOPIC_XXXX")->read_queue_nums == 18);
  CHECK(f.topics->Select("C1_REPLY_TOPIC").has_value());
  CHECK_FALSE(f.topics->Select("RMQ_SYS_TRACE_TOPIC").has_value());
  CHECK(f.topics->IsSystemTopic("C1"));
  CHECK(f.topics->IsSystemTopic("b1"));
  CHECK(f.topics->IsSystemTopic("rmq_sys_anything"));
  CHECK_FALSE(f.topics->IsSystemTopic("Orders"));
  CHECK(f.changes == 0);
}

TEST_CASE("TBW102 is not created without autoCreateTopicEnable, and stored configs win over Init") {
  TopicConfigManagerOptions o;
  o.auto_create_topic_enable = false;
  Fixture f(o);
  CHECK_FALSE(f.topics->Select("TBW102").has_value());
  protocol::TopicConfig custom;
  custom.topic_name = "SELF_TEST_TOPIC";
  custom.read_queue_nums = custom.write_queue_nums = 3;
  REQUIRE(f.topics->UpdateTopicConfig(custom).ok());
  f.Open(o);
  CHECK(f.topics->Select("SELF_TEST_TOPIC")->read_queue_nums == 3);
}

TEST_CASE("auto-creation from TBW102 takes min(client, template) queues and drops inherit") {
  Fixture f;
  auto created = f.topics->CreateTopicInSendMessageMethod("New", "TBW102", 4, 0);
  REQUIRE(created.ok());
  REQUIRE(created->has_value());
  CHECK((*created)->read_queue_nums == 4);
  CHECK((*created)->write_queue_nums == 4);
  CHECK((*created)->perm == 6);
  CHECK(f.changes == 1);
  auto big = f.topics->CreateTopicInSendMessageMethod("Big", "TBW102", 100, 0);
  CHECK((*big)->write_queue_nums == 8);
  // Existing topic: returned, no change.
  auto again = f.topics->CreateTopicInSendMessageMethod("New", "TBW102", 2, 0);
  CHECK((*again)->write_queue_nums == 4);
  CHECK(f.changes == 2);
  // Missing template or a template without inherit: nothing created.
  CHECK_FALSE(f.topics->CreateTopicInSendMessageMethod("X", "NoSuch", 4, 0)->has_value());
  CHECK_FALSE(
      f.topics->CreateTopicInSendMessageMethod("X", "SELF_TEST_TOPIC", 4, 0)->has_value());
  CHECK_FALSE(f.topics->Select("X").has_value());
}

TEST_CASE("a stored TBW102 loses its inherit bit while autoCreateTopicEnable is false") {
  Fixture f;
  TopicConfigManagerOptions off;
  off.auto_create_topic_enable = false;
  f.Open(off);
  REQUIRE(f.topics->Select("TBW102").has_value());  // from the earlier run
  CHECK_FALSE(f.topics->CreateTopicInSendMessageMethod("X", "TBW102", 4, 0)->has_value());
}

TEST_CASE("send-back creation makes retry and DLQ topics with the given queues and perm") {
  Fixture f;
  auto retry = f.topics->CreateTopicInSendMessageBackMethod("%RETRY%G", 1, 6, 0);
  REQUIRE(retry.ok());
  CHECK(retry->read_queue_nums == 1);
  CHECK(retry->perm == 6);
  CHECK(f.changes == 1);
  auto same = f.topics->CreateTopicInSendMessageBackMethod("%RETRY%G", 5, 2, 0);
  CHECK(same->read_queue_nums == 1);
  CHECK(f.changes == 1);
}

TEST_CASE("update and delete persist, bump the data version and notify") {
  Fixture f;
  auto v0 = f.topics->data_version();
  protocol::TopicConfig c;
  c.topic_name = "T";
  REQUIRE(f.topics->UpdateTopicConfig(c).ok());
  CHECK(f.topics->data_version().counter == v0.counter + 1);
  CHECK(f.topics->BuildSerializeWrapper().topic_config_table.count("T") == 1);
  CHECK(f.topics->DeleteTopicConfig("T").value());
  CHECK_FALSE(f.topics->DeleteTopicConfig("T").value());
  CHECK(f.changes == 2);
}

TEST_CASE("topic names: characters, blank and length rules") {
  CHECK(ValidateTopicName("Abc-_|%09").ok());
  CHECK_FALSE(ValidateTopicName("").ok());
  CHECK_FALSE(ValidateTopicName("   ").ok());
  CHECK_FALSE(ValidateTopicName("a.b").ok());
  CHECK_FALSE(ValidateTopicName("a b").ok());
  CHECK(ValidateTopicName(std::string(127, 'a')).ok());
  CHECK_FALSE(ValidateTopicName(std::string(128, 'a')).ok());
  CHECK(ValidateTopicName("%RETRY%" + std::string(200, 'g')).ok());
  CHECK_FALSE(ValidateTopicName("%RETRY%" + std::string(249, 'g')).ok());
  CHECK(IsNotAllowedSendTopic("SCHEDULE_TOPIC_XXXX"));
  CHECK(IsNotAllowedSendTopic("RMQ_SYS_TRANS_HALF_TOPIC"));
  CHECK_FALSE(IsNotAllowedSendTopic("TBW102"));
  CHECK(RetryTopic("g") == "%RETRY%g");
  CHECK(DlqTopic("g") == "%DLQ%g");
}

}  // namespace
}  // namespace tern::topic

namespace tern::topic {
namespace {

TEST_CASE("autoCreateTopicEnable switched off then on refuses, then allows auto-creation") {
  Fixture f;
  f.topics->SetAutoCreateTopicEnable(false);
  auto refused = f.topics->CreateTopicInSendMessageMethod("Late", "TBW102", 4, 0);
  REQUIRE(refused.ok());
  CHECK_FALSE(refused->has_value());
  f.topics->SetAutoCreateTopicEnable(true);
  auto created = f.topics->CreateTopicInSendMessageMethod("Late", "TBW102", 4, 0);
  REQUIRE(created.ok());
  REQUIRE(created->has_value());
  CHECK((*created)->write_queue_nums == 4);
}

TEST_CASE("EnsureAutoCreateTemplate creates or resizes TBW102 only while auto-creation is on") {
  TopicConfigManagerOptions o;
  o.auto_create_topic_enable = false;
  Fixture f(o);
  CHECK_FALSE(f.topics->Contains("TBW102"));
  REQUIRE(f.topics->EnsureAutoCreateTemplate().ok());  // off: nothing
  CHECK_FALSE(f.topics->Contains("TBW102"));
  CHECK(f.changes == 0);

  f.topics->SetAutoCreateTopicEnable(true);
  f.topics->SetDefaultTopicQueueNums(3);
  REQUIRE(f.topics->EnsureAutoCreateTemplate().ok());
  auto tbw = f.topics->Select("TBW102");
  REQUIRE(tbw.has_value());
  CHECK(tbw->write_queue_nums == 3);
  CHECK(tbw->perm == 7);
  CHECK(f.changes == 1);
  REQUIRE(f.topics->EnsureAutoCreateTemplate().ok());  // already so: no write
  CHECK(f.changes == 1);

  f.topics->SetDefaultTopicQueueNums(5);
  REQUIRE(f.topics->EnsureAutoCreateTemplate().ok());
  CHECK(f.topics->Select("TBW102")->read_queue_nums == 5);
  CHECK(f.changes == 2);
}

TEST_CASE("BumpDataVersion gives the registration body a new version and notifies") {
  Fixture f;
  const auto before = f.topics->BuildSerializeWrapper().data_version;
  f.topics->BumpDataVersion();
  const auto after = f.topics->BuildSerializeWrapper().data_version;
  CHECK_FALSE(after == before);
  CHECK(after.counter == before.counter + 1);
  CHECK(f.topics->data_version() == after);
  CHECK(f.changes == 1);
}

}  // namespace
}  // namespace tern::topic
