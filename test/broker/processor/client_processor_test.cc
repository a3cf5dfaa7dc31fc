// ClientProcessor on RemotingCommand values, with real managers and small
// in-memory implementations of the two config interfaces.
#include "broker/processor/client_processor.h"

#include <doctest/doctest.h>

#include <map>

#include "src/protocol/codes.h"
#include "src/protocol/connection_body.h"
#include "src/protocol/heartbeat_data.h"
#include "src/protocol/lock_batch_body.h"
#include "test/broker/client/recording_notifier.h"

namespace tern::broker {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;
using remoting::RemotingCommand;
using remoting::RequestContext;
using Sent = std::multiset<std::pair<uint64_t, std::string>>;

class MemoryGroups final : public SubscriptionGroupSource {
 public:
  bool auto_create = true;
  std::map<std::string, ConsumerGroupSettings> groups;
  Result<std::optional<ConsumerGroupSettings>> FindOrCreateGroup(
      const std::string& group) override {
    if (auto it = groups.find(group); it != groups.end()) return std::optional(it->second);
    if (!auto_create) return std::optional<ConsumerGroupSettings>();
    groups[group] = ConsumerGroupSettings{};
    return std::optional(groups[group]);
  }
  std::optional<ConsumerGroupSettings> FindGroup(const std::string& group) override {
    if (auto it = groups.find(group); it != groups.end()) return it->second;
    return std::nullopt;
  }
};

class MemoryTopics final : public RetryTopicCreator {
 public:
  struct Created {
    int32_t queues, perm, sys_flag;
  };
  std::map<std::string, Created> topics;
  Status fail_with;
  Status EnsureRetryTopic(const std::string& topic, int32_t queue_nums, int32_t perm,
                          int32_t sys_flag) override {
    if (!fail_with.ok()) return fail_with;
    topics.try_emplace(topic, Created{queue_nums, perm, sys_flag});
    return Status::Ok();
  }
};

struct Fixture {
  ManualClock clock;
  testing::RecordingNotifier notifier;
  ProducerManager producers;
  ConsumerManager consumers{notifier};
  RebalanceLockManager locks{clock};
  MemoryGroups groups;
  MemoryTopics topics;
  ClientProcessor processor{producers, consumers, locks, groups, topics, clock};

  static RequestContext Ctx(uint64_t conn) {
    return RequestContext{ConnectionId(conn), "127.0.0.1:" + std::to_string(50000 + conn),
                          "127.0.0.1:10911"};
  }
  RemotingCommand Call(ClientProcessor::Handler h, uint64_t conn, const RemotingCommand& req) {
    auto r = (processor.*h)(Ctx(conn), req);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return std::move(r).value();
  }
  RemotingCommand Heartbeat(uint64_t conn, const std::string& body,
                            const std::string& language = "JAVA", int32_t version = 401) {
    RemotingCommand req = RemotingCommand::Request(RC::kHeartBeat);
    req.language = language;
    req.version = version;
    req.body = body;
    return Call(&ClientProcessor::HeartBeat, conn, req);
  }
};

std::string ConsumerHeartbeat(const std::string& client_id, const std::string& group,
                              const std::string& tags = "*", bool with_producer = false) {
  protocol::HeartbeatData h;
  h.client_id = client_id;
  protocol::ConsumerData c;
  c.group_name = group;
  c.subscription_data_set.push_back(protocol::BuildSubscriptionData("T", tags, "TAG", 1));
  h.consumer_data_set.push_back(c);
  if (with_producer) h.producer_data_set.push_back({"PG"});
  return h.Encode();
}

TEST_CASE("heartbeat registers the consumer, creates its retry topic and notifies the group") {
  Fixture f;
  RemotingCommand resp = f.Heartbeat(1, ConsumerHeartbeat("c1", "CG", "*", true));
  CHECK(resp.code == Code::kSuccess);
  CHECK(resp.IsResponse());
  CHECK_FALSE(resp.remark.has_value());
  CHECK(resp.ext_fields.empty());  // no heartbeat-v2 fields (quirks Q37)
  REQUIRE(f.topics.topics.count("%RETRY%CG") == 1);
  CHECK(f.topics.topics["%RETRY%CG"].queues == 1);
  CHECK(f.topics.topics["%RETRY%CG"].perm == 6);
  CHECK(f.topics.topics["%RETRY%CG"].sys_flag == 0);
  CHECK(f.groups.groups.count("CG") == 1);
  CHECK(f.notifier.Take() == Sent{{1, "CG"}});
  CHECK(f.consumers.ClientIds("CG") == std::vector<std::string>{"c1"});
  auto producers = f.producers.GroupChannels("PG");
  REQUIRE(producers.has_value());
  CHECK(producers->at(0).client_id == "c1");
  CHECK(producers->at(0).client_addr == "127.0.0.1:50001");

  // Same heartbeat again: no change, nobody notified; a second member: both told.
  f.Heartbeat(1, ConsumerHeartbeat("c1", "CG"));
  CHECK(f.notifier.Take().empty());
  f.Heartbeat(2, ConsumerHeartbeat("c2", "CG"));
  CHECK(f.notifier.Take() == Sent{{1, "CG"}, {2, "CG"}});
}

TEST_CASE("heartbeat from the c++ client registers java tag hashes") {
  Fixture f;
  const char* cpp =
      R"({"clientID":"10.0.0.1@1#cpp","consumerDataSet":[{"consumeFromWhere":0,"consumeType":1,"groupName":"CG","messageModel":1,"subscriptionDataSet":[{"codeSet":[0],"subString":"TagA","subVersion":"17","tagsSet":["TagA"],"topic":"T"}]}],"producerDataSet":[]})";
  CHECK(f.Heartbeat(1, cpp, "CPP", 333).code == Code::kSuccess);
  auto sub = f.consumers.FindSubscription("CG", "T");
  REQUIRE(sub.has_value());
  CHECK(sub->code_set == std::vector<int32_t>{2598919});
  CHECK(sub->sub_version == 17);
  CHECK(f.consumers.FindChannel("CG", "10.0.0.1@1#cpp")->language == "CPP");
}

TEST_CASE("heartbeat of an unknown group without auto-creation registers without retry topic") {
  Fixture f;
  f.groups.auto_create = false;
  CHECK(f.Heartbeat(1, ConsumerHeartbeat("c1", "CG")).code == Code::kSuccess);
  CHECK(f.topics.topics.empty());
  CHECK(f.consumers.ClientIds("CG") == std::vector<std::string>{"c1"});
}

TEST_CASE("group notify switch off suppresses the notification") {
  Fixture f;
  f.groups.groups["CG"].notify_consumer_ids_changed_enable = false;
  f.Heartbeat(1, ConsumerHeartbeat("c1", "CG"));
  CHECK(f.notifier.Take().empty());
}

TEST_CASE(
    "unit-mode consumers get a unit-sub retry topic and retry queue nums come from the group") {
  Fixture f;
  f.groups.groups["CG"].retry_queue_nums = 3;
  protocol::HeartbeatData h;
  h.client_id = "c1";
  protocol::ConsumerData c;
  c.group_name = "CG";
  c.unit_mode = true;
  h.consumer_data_set.push_back(c);
  f.Heartbeat(1, h.Encode());
  CHECK(f.topics.topics["%RETRY%CG"].queues == 3);
  CHECK(f.topics.topics["%RETRY%CG"].sys_flag == 2);
}

TEST_CASE("heartbeat reports a failed retry topic creation but still registers") {
  Fixture f;
  f.topics.fail_with = Status::IoError("disk gone");
  RemotingCommand resp = f.Heartbeat(1, ConsumerHeartbeat("c1", "CG"));
  CHECK(resp.code == Code::kSystemError);
  CHECK(resp.remark == std::string("disk gone"));
  CHECK(f.consumers.ClientIds("CG") == std::vector<std::string>{"c1"});
}

TEST_CASE("malformed heartbeat is an error naming the body") {
  Fixture f;
  RemotingCommand req = RemotingCommand::Request(RC::kHeartBeat);
  req.body = "{not json";
  auto r = f.processor.HeartBeat(Fixture::Ctx(1), req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("HeartbeatData") != std::string::npos);
}

TEST_CASE("consumer list by group answers system error when empty and the ids otherwise") {
  Fixture f;
  RemotingCommand req = RemotingCommand::Request(RC::kGetConsumerListByGroup);
  req.SetField("consumerGroup", "CG");
  RemotingCommand empty = f.Call(&ClientProcessor::GetConsumerListByGroup, 9, req);
  CHECK(empty.code == Code::kSystemError);
  CHECK(empty.remark == std::string("no consumer for this group, CG"));

  f.Heartbeat(2, ConsumerHeartbeat("c2", "CG"));
  f.Heartbeat(1, ConsumerHeartbeat("c1", "CG"));
  RemotingCommand ok = f.Call(&ClientProcessor::GetConsumerListByGroup, 9, req);
  CHECK(ok.code == Code::kSuccess);
  CHECK(ok.body == R"({"consumerIdList":["c1","c2"]})");

  RemotingCommand missing = RemotingCommand::Request(RC::kGetConsumerListByGroup);
  auto err = f.processor.GetConsumerListByGroup(Fixture::Ctx(9), missing);
  REQUIRE_FALSE(err.ok());
  CHECK(err.status().message() == "missing header field consumerGroup");
}

TEST_CASE("unregister client removes it from its groups and tells the rest") {
  Fixture f;
  f.Heartbeat(1, ConsumerHeartbeat("c1", "CG", "*", true));
  f.Heartbeat(2, ConsumerHeartbeat("c2", "CG"));
  f.notifier.Take();
  RemotingCommand req = RemotingCommand::Request(RC::kUnregisterClient);
  req.SetField("clientID", "c1");
  req.SetField("producerGroup", "PG");
  req.SetField("consumerGroup", "CG");
  CHECK(f.Call(&ClientProcessor::UnregisterClient, 1, req).code == Code::kSuccess);
  CHECK(f.notifier.Take() == Sent{{2, "CG"}});
  CHECK(f.consumers.ClientIds("CG") == std::vector<std::string>{"c2"});
  CHECK_FALSE(f.producers.GroupChannels("PG").has_value());
}

TEST_CASE("check client config accepts tags and refuses sql92 unless property filtering is on") {
  Fixture f;
  RemotingCommand req = RemotingCommand::Request(RC::kCheckClientConfig);
  req.body =
      R"({"clientId":"c","group":"CG","subscriptionData":{"expressionType":"TAG","subString":"*","topic":"T","subVersion":1}})";
  CHECK(f.Call(&ClientProcessor::CheckClientConfig, 1, req).code == Code::kSuccess);

  req.body =
      R"({"clientId":"c","group":"CG","subscriptionData":{"expressionType":"SQL92","subString":"a >","topic":"T","subVersion":1}})";
  RemotingCommand refused = f.Call(&ClientProcessor::CheckClientConfig, 1, req);
  CHECK(refused.code == Code::kSystemError);
  CHECK(refused.remark ==
        std::string("The broker does not support consumer to filter message by SQL92"));

  ClientProcessorOptions options;
  options.enable_property_filter = true;
  options.compile_filter = [](std::string_view, std::string_view expr) {
    return expr == "a >" ? Status::InvalidArgument("unexpected end of expression") : Status::Ok();
  };
  ClientProcessor sql(f.producers, f.consumers, f.locks, f.groups, f.topics, f.clock, options);
  auto bad = sql.CheckClientConfig(Fixture::Ctx(1), req);
  REQUIRE(bad.ok());
  CHECK(bad->code == Code::kSubscriptionParseFailed);
  req.body =
      R"({"clientId":"c","group":"CG","subscriptionData":{"expressionType":"SQL92","subString":"a > 1","topic":"T","subVersion":1}})";
  CHECK(sql.CheckClientConfig(Fixture::Ctx(1), req)->code == Code::kSuccess);
}

TEST_CASE("lock and unlock batch follow the lock table") {
  Fixture f;
  auto lock_req = [](const std::string& client) {
    protocol::LockBatchRequestBody b;
    b.client_id = client;
    b.consumer_group = "CG";
    b.mq_set = {{"T", "broker-a", 0}, {"T", "broker-a", 1}};
    RemotingCommand req = RemotingCommand::Request(RC::kLockBatchMq);
    req.body = b.Encode();
    return req;
  };
  RemotingCommand first = f.Call(&ClientProcessor::LockBatchMq, 1, lock_req("c1"));
  CHECK(first.code == Code::kSuccess);
  CHECK(
      first.body ==
      R"({"lockOKMQSet":[{"brokerName":"broker-a","queueId":0,"topic":"T"},{"brokerName":"broker-a","queueId":1,"topic":"T"}]})");
  CHECK(f.Call(&ClientProcessor::LockBatchMq, 2, lock_req("c2")).body == R"({"lockOKMQSet":[]})");

  protocol::UnlockBatchRequestBody u;
  u.client_id = "c1";
  u.consumer_group = "CG";
  u.mq_set = {{"T", "broker-a", 1}};
  RemotingCommand unlock = RemotingCommand::Request(RC::kUnlockBatchMq);
  unlock.body = u.Encode();
  CHECK(f.Call(&ClientProcessor::UnlockBatchMq, 1, unlock).code == Code::kSuccess);
  CHECK(f.Call(&ClientProcessor::LockBatchMq, 2, lock_req("c2")).body ==
        R"({"lockOKMQSet":[{"brokerName":"broker-a","queueId":1,"topic":"T"}]})");

  // Expiry: after 60 s without renewal c2 may take queue 0 too.
  f.clock.AdvanceMs(60'001);
  auto resp = f.Call(&ClientProcessor::LockBatchMq, 2, lock_req("c2"));
  CHECK(protocol::LockBatchResponseBody::Decode(resp.body)->lock_ok_mq_set.size() == 2);
}

TEST_CASE("connection lists describe online groups and refuse unknown ones") {
  Fixture f;
  RemotingCommand creq = RemotingCommand::Request(RC::kGetConsumerConnectionList);
  creq.SetField("consumerGroup", "CG");
  RemotingCommand offline = f.Call(&ClientProcessor::GetConsumerConnectionList, 9, creq);
  CHECK(offline.code == Code::kConsumerNotOnline);
  CHECK(offline.remark == std::string("the consumer group[CG] not online"));

  RemotingCommand preq = RemotingCommand::Request(RC::kGetProducerConnectionList);
  preq.SetField("producerGroup", "PG");
  RemotingCommand nogroup = f.Call(&ClientProcessor::GetProducerConnectionList, 9, preq);
  CHECK(nogroup.code == Code::kSystemError);
  CHECK(nogroup.remark == std::string("the producer group[PG] not exist"));

  f.Heartbeat(1, ConsumerHeartbeat("c1", "CG", "A || B", true), "GO", 317);
  RemotingCommand consumers = f.Call(&ClientProcessor::GetConsumerConnectionList, 9, creq);
  REQUIRE(consumers.code == Code::kSuccess);
  auto cc = protocol::ConsumerConnection::Decode(consumers.body);
  REQUIRE(cc.ok());
  REQUIRE(cc->connection_set.size() == 1);
  CHECK(cc->connection_set[0] == protocol::Connection{"c1", "127.0.0.1:50001", "GO", 317});
  CHECK(cc->subscription_table.at("T").tags_set == std::vector<std::string>{"A", "B"});
  CHECK(consumers.body.find(R"("consumeType":"CONSUME_PASSIVELY")") != std::string::npos);

  RemotingCommand producers = f.Call(&ClientProcessor::GetProducerConnectionList, 9, preq);
  CHECK(producers.code == Code::kSuccess);
  CHECK(
      producers.body ==
      R"({"connectionSet":[{"clientAddr":"127.0.0.1:50001","clientId":"c1","language":"GO","version":317}]})");
}

TEST_CASE("the handler table covers the eight client request codes") {
  std::set<int32_t> codes;
  for (const auto& e : ClientProcessor::Handlers()) codes.insert(e.code);
  CHECK(codes == std::set<int32_t>{RC::kHeartBeat, RC::kUnregisterClient,
                                   RC::kGetConsumerListByGroup, RC::kCheckClientConfig,
                                   RC::kLockBatchMq, RC::kUnlockBatchMq,
                                   RC::kGetConsumerConnectionList, RC::kGetProducerConnectionList});
}

}  // namespace
}  // namespace tern::broker
