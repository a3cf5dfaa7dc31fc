// GET_TOPIC_STATS_INFO, GET_CONSUME_STATS, QUERY_TOPIC_CONSUME_BY_WHO and the
// small admin requests, over TCP against a real store.
#include <doctest/doctest.h>

#include "src/protocol/admin_bodies.h"
#include "src/protocol/topic_list.h"
#include "test/broker/processor/broker_admin_fixture.h"

namespace tern::processor::testing {
namespace {

protocol::MessageQueue Mq(const std::string& topic, int32_t q) {
  return protocol::MessageQueue{topic, "broker-a", q};
}

TEST_CASE("GET_TOPIC_STATS_INFO gives min, max and last store time of every write queue") {
  AdminBroker b;
  b.CreateTopic("T", 2, 3);
  b.Put("T", 0);
  b.clock().AdvanceMs(1000);
  b.Put("T", 0);
  const int64_t last = b.clock().NowMs();
  b.Dispatch();

  RemotingCommand req = RemotingCommand::Request(Q::kGetTopicStatsInfo);
  req.SetField("topic", "T");
  RemotingCommand r = b.Call(req);
  REQUIRE(r.code == RC::kSuccess);
  // fastjson's object-keyed map, byte for byte (quirks Q27).
  CHECK(r.body.starts_with(
      R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"lastUpdateTimestamp":)"));
  auto stats = protocol::TopicStatsTable::Decode(r.body);
  REQUIRE_MESSAGE(stats.ok(), stats.status().ToString());
  REQUIRE(stats->offset_table.size() == 3);
  CHECK(*protocol::FindQueue(stats->offset_table, Mq("T", 0)) == protocol::TopicOffset{0, 2, last});
  CHECK(*protocol::FindQueue(stats->offset_table, Mq("T", 1)) == protocol::TopicOffset{0, 0, 0});
  CHECK(*protocol::FindQueue(stats->offset_table, Mq("T", 2)) == protocol::TopicOffset{0, 0, 0});
}

TEST_CASE("GET_TOPIC_STATS_INFO of an unknown topic is TOPIC_NOT_EXIST") {
  AdminBroker b;
  RemotingCommand req = RemotingCommand::Request(Q::kGetTopicStatsInfo);
  req.SetField("topic", "Nope");
  RemotingCommand r = b.Call(req);
  CHECK(r.code == RC::kTopicNotExist);
  CHECK(r.remark == std::optional<std::string>("topic[Nope] not exist"));
  // A missing header field is named.
  r = b.Call(RemotingCommand::Request(Q::kGetTopicStatsInfo));
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("").find("topic") != std::string::npos);
}

TEST_CASE("GET_CONSUME_STATS gives broker and consumer offsets, last consumed time and tps") {
  AdminBroker b;
  b.CreateTopic("T", 2, 2);
  b.Put("T", 0);
  b.clock().AdvanceMs(1000);
  const int64_t second = b.clock().NowMs();
  b.Put("T", 0);
  b.clock().AdvanceMs(1000);
  b.Put("T", 0);
  b.Dispatch();
  b.offsets().Commit("T", "CG", QueueId(0), QueueOffset(2));
  b.stats().Sample(b.clock().NowMs());
  b.stats().OnGet("CG", "T", 30, 300);
  b.stats().Sample(b.clock().NowMs() + 60'000);

  RemotingCommand req = RemotingCommand::Request(Q::kGetConsumeStats);
  req.SetField("consumerGroup", "CG");
  req.SetField("topic", "T");
  RemotingCommand r = b.Call(req);
  REQUIRE(r.code == RC::kSuccess);
  CHECK(r.body.starts_with(
      R"({"consumeTps":0.5,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"brokerOffset":3,"consumerOffset":2,"lastTimestamp":)"));
  auto stats = protocol::ConsumeStats::Decode(r.body);
  REQUIRE_MESSAGE(stats.ok(), stats.status().ToString());
  REQUIRE(stats->offset_table.size() == 2);
  CHECK(*protocol::FindQueue(stats->offset_table, Mq("T", 0)) ==
        protocol::OffsetWrapper{3, 2, second, std::nullopt});
  CHECK(*protocol::FindQueue(stats->offset_table, Mq("T", 1)) ==
        protocol::OffsetWrapper{0, 0, 0, std::nullopt});
  CHECK(stats->consume_tps == doctest::Approx(0.5));
  CHECK(stats->TotalDiff() == 1);
}

TEST_CASE("GET_CONSUME_STATS without a topic covers the group's topics it subscribes to") {
  AdminBroker b;
  b.CreateTopic("T", 1, 1);
  b.CreateTopic("T2", 1, 1);
  b.offsets().Commit("T", "CG", QueueId(0), QueueOffset(0));
  b.offsets().Commit("T2", "CG", QueueId(0), QueueOffset(0));
  b.offsets().Commit("Gone", "CG", QueueId(0), QueueOffset(0));  // no topic config: skipped

  auto topics_of = [&](std::optional<std::string> topic_list) {
    RemotingCommand req = RemotingCommand::Request(Q::kGetConsumeStats);
    req.SetField("consumerGroup", "CG");
    if (topic_list) req.SetField("topicList", *topic_list);
    RemotingCommand r = b.Call(req);
    REQUIRE(r.code == RC::kSuccess);
    auto stats = protocol::ConsumeStats::Decode(r.body);
    REQUIRE(stats.ok());
    std::vector<std::string> out;
    for (const auto& [mq, w] : stats->offset_table) out.push_back(mq.topic);
    return out;
  };
  // No live subscription: every topic with offsets.
  CHECK(topics_of(std::nullopt) == std::vector<std::string>{"T", "T2"});
  // A live member subscribing to T only: T2 is left out.
  remoting::RpcClient& c = b.NewClient("JAVA");
  b.Heartbeat(c, "c1", "CG", {"T"});
  CHECK(topics_of(std::nullopt) == std::vector<std::string>{"T"});
  // A 5.x topicList is taken as is.
  CHECK(topics_of("T,T2") == std::vector<std::string>{"T", "T2"});
}

TEST_CASE("QUERY_TOPIC_CONSUME_BY_WHO lists live subscribers and groups with offsets") {
  AdminBroker b;
  b.CreateTopic("T", 1, 1);
  remoting::RpcClient& c = b.NewClient("JAVA");
  b.Heartbeat(c, "c1", "CG_LIVE", {"T"});
  b.offsets().Commit("T", "CG_OFFSETS", QueueId(0), QueueOffset(3));
  b.offsets().Commit("Other", "CG_ELSEWHERE", QueueId(0), QueueOffset(3));

  RemotingCommand req = RemotingCommand::Request(Q::kQueryTopicConsumeByWho);
  req.SetField("topic", "T");
  RemotingCommand r = b.Call(req);
  REQUIRE(r.code == RC::kSuccess);
  CHECK(r.body == R"({"groupList":["CG_LIVE","CG_OFFSETS"]})");
}

TEST_CASE("topic name lists: all topics, and the system topics only") {
  AdminBroker b;
  b.CreateTopic("Orders", 1, 1);
  auto all =
      protocol::TopicList::Decode(b.Call(RemotingCommand::Request(Q::kGetTopicNameList)).body);
  REQUIRE(all.ok());
  auto has = [](const std::vector<std::string>& v, const std::string& t) {
    return std::find(v.begin(), v.end(), t) != v.end();
  };
  CHECK(has(all->topic_list, "Orders"));
  CHECK(has(all->topic_list, "TBW102"));

  auto sys = protocol::TopicList::Decode(
      b.Call(RemotingCommand::Request(Q::kGetSystemTopicListFromBroker)).body);
  REQUIRE(sys.ok());
  CHECK(has(sys->topic_list, "TBW102"));
  CHECK(has(sys->topic_list, "SCHEDULE_TOPIC_XXXX"));
  CHECK(has(sys->topic_list, "DefaultCluster"));
  CHECK_FALSE(has(sys->topic_list, "Orders"));
}

TEST_CASE("GET_ALL_CONSUMER_OFFSET and GET_ALL_DELAY_OFFSET use fastjson's bare int keys") {
  AdminFixtureOptions o;
  o.admin.delay_offsets = [] { return std::map<int32_t, int64_t>{{1, 0}, {2, 15}}; };
  AdminBroker b(o);
  b.offsets().Commit("T", "CG", QueueId(0), QueueOffset(10));
  b.offsets().Commit("T", "CG", QueueId(1), QueueOffset(7));
  RemotingCommand r = b.Call(RemotingCommand::Request(Q::kGetAllConsumerOffset));
  REQUIRE(r.code == RC::kSuccess);
  CHECK(r.body == R"({"offsetTable":{"T@CG":{0:10,1:7}}})");
  r = b.Call(RemotingCommand::Request(Q::kGetAllDelayOffset));
  REQUIRE(r.code == RC::kSuccess);
  CHECK(r.body == R"({"offsetTable":{1:0,2:15}})");

  AdminBroker plain;
  CHECK(plain.Call(RemotingCommand::Request(Q::kGetAllDelayOffset)).body ==
        R"({"offsetTable":{}})");
}

TEST_CASE("CLEAN_EXPIRED_CONSUMEQUEUE and DELETE_EXPIRED_COMMITLOG acknowledge") {
  AdminBroker b;
  RemotingCommand r = b.Call(RemotingCommand::Request(AdminRequestCode::kCleanExpiredConsumequeue));
  CHECK(r.code == RC::kSuccess);
  CHECK(r.remark.value_or("").find("retention") != std::string::npos);
  r = b.Call(RemotingCommand::Request(AdminRequestCode::kDeleteExpiredCommitlog));
  CHECK(r.code == RC::kSuccess);
}

}  // namespace
}  // namespace tern::processor::testing
