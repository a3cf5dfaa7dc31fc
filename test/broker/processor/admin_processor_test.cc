#include <doctest/doctest.h>

#include "broker/processor/group_admin_processor.h"
#include "broker/processor/topic_admin_processor.h"
#include "test/broker/processor/message_path_fixture.h"

namespace tern::processor::testing {
namespace {

RemotingCommand CreateTopicRequest(const std::string& topic, int read, int write, int perm) {
  RemotingCommand r = RemotingCommand::Request(Q::kUpdateAndCreateTopic);
  r.SetField("topic", topic);
  r.SetField("defaultTopic", "TBW102");
  r.SetField("readQueueNums", int64_t{read});
  r.SetField("writeQueueNums", int64_t{write});
  r.SetField("perm", int64_t{perm});
  r.SetField("topicFilterType", "SINGLE_TAG");
  r.SetField("order", false);
  return r;
}

TEST_CASE("UPDATE_AND_CREATE_TOPIC, GET_ALL_TOPIC_CONFIG and DELETE_TOPIC_IN_BROKER") {
  MessagePath mp;
  const int before = mp.topic_changes();
  RemotingCommand r = mp.Call(CreateTopicRequest("Orders", 3, 5, 6));
  REQUIRE(r.code == RC::kSuccess);
  CHECK(mp.topic_changes() == before + 1);
  auto c = mp.topics().Select("Orders");
  REQUIRE(c.has_value());
  CHECK(c->read_queue_nums == 3);
  CHECK(c->write_queue_nums == 5);

  r = mp.Call(RemotingCommand::Request(Q::kGetAllTopicConfig));
  REQUIRE(r.code == RC::kSuccess);
  auto wrapper = protocol::TopicConfigSerializeWrapper::Decode(r.body);
  REQUIRE(wrapper.ok());
  CHECK(wrapper->topic_config_table.count("Orders") == 1);
  CHECK(wrapper->topic_config_table.count("TBW102") == 1);
  CHECK(wrapper->data_version == mp.topics().data_version());

  // Messages of the topic disappear with it.
  REQUIRE(mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("Orders", 0), "x")).code ==
          RC::kSuccess);
  mp.Dispatch();
  CHECK(mp.store().GetMaxOffset("Orders", QueueId(0)).value() == 1);
  RemotingCommand del = RemotingCommand::Request(Q::kDeleteTopicInBroker);
  del.SetField("topic", "Orders");
  r = mp.Call(std::move(del));
  REQUIRE(r.code == RC::kSuccess);
  CHECK_FALSE(mp.topics().Select("Orders").has_value());
  CHECK(mp.store().GetMaxOffset("Orders", QueueId(0)).value() == 0);
  CHECK(mp.topic_changes() == before + 2);
}

TEST_CASE("creating or deleting a system topic or a bad name is refused") {
  MessagePath mp;
  RemotingCommand r = mp.Call(CreateTopicRequest("SCHEDULE_TOPIC_XXXX", 1, 1, 6));
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("").find("conflict with system topic") != std::string::npos);
  r = mp.Call(CreateTopicRequest("DefaultCluster", 1, 1, 6));
  CHECK(r.code == RC::kSystemError);
  r = mp.Call(CreateTopicRequest("a b", 1, 1, 6));
  CHECK(r.code == RC::kSystemError);
  RemotingCommand del = RemotingCommand::Request(Q::kDeleteTopicInBroker);
  del.SetField("topic", "TBW102");
  CHECK(mp.Call(std::move(del)).code == RC::kSystemError);
  CHECK(mp.topics().Select("TBW102").has_value());
}

TEST_CASE("subscription groups: create, list (standard JSON), delete with offsets") {
  MessagePath mp;
  protocol::SubscriptionGroupConfig g;
  g.group_name = "CG1";
  g.retry_max_times = 3;
  RemotingCommand r = RemotingCommand::Request(Q::kUpdateAndCreateSubscriptionGroup);
  r.body = g.Encode();
  REQUIRE(mp.Call(std::move(r)).code == RC::kSuccess);
  auto stored = mp.groups().Get("CG1");
  REQUIRE(stored.has_value());
  CHECK(stored->retry_max_times == 3);

  RemotingCommand all = mp.Call(RemotingCommand::Request(Q::kGetAllSubscriptionGroupConfig));
  REQUIRE(all.code == RC::kSuccess);
  auto wrapper = protocol::SubscriptionGroupWrapper::Decode(all.body);
  REQUIRE(wrapper.ok());
  CHECK(wrapper->subscription_group_table.count("CG1") == 1);
  CHECK(wrapper->subscription_group_table.count("TOOLS_CONSUMER") == 1);

  mp.offset_table().Commit("T", "CG1", QueueId(0), QueueOffset(5));
  RemotingCommand del = RemotingCommand::Request(Q::kDeleteSubscriptionGroup);
  del.SetField("groupName", "CG1");
  del.SetField("removeOffset", true);
  REQUIRE(mp.Call(std::move(del)).code == RC::kSuccess);
  CHECK_FALSE(mp.groups().Get("CG1").has_value());
  CHECK_FALSE(mp.offset_table().Query("T", "CG1", QueueId(0)).has_value());

  RemotingCommand bad = RemotingCommand::Request(Q::kUpdateAndCreateSubscriptionGroup);
  bad.body = "{not json";
  CHECK(mp.Call(std::move(bad)).code == RC::kSystemError);
}

}  // namespace
}  // namespace tern::processor::testing
