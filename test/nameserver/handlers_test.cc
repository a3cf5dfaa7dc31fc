#include "nameserver/handlers.h"

#include <doctest/doctest.h>

#include "src/base/crc32.h"
#include "src/protocol/codes.h"
#include "src/protocol/register_broker_body.h"
#include "test/util/temp_dir.h"

namespace tern::nameserver {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;
using remoting::RemotingCommand;
using remoting::RequestContext;

// A nameserver's state without the network: handlers are called directly.
struct Fixture {
  testing::TempDir dir;
  ManualClock clock;
  NamesrvConfig config;
  RouteInfoManager routes{clock, 120'000};
  KvConfigManager kv{dir.Sub("kvConfig.json")};
  NamesrvContext ns{config, routes, kv};

  Fixture() { REQUIRE(kv.Load().ok()); }

  RemotingCommand Call(const RemotingCommand& request, uint64_t connection = 1) {
    RequestContext ctx{ConnectionId(connection), "127.0.0.1:40000", "127.0.0.1:9876"};
    return DispatchNamesrvRequest(ns, ctx, request);
  }

  RemotingCommand Register(const std::string& name, int64_t id, const std::string& addr,
                           std::vector<std::string> topics, int64_t counter = 1,
                           uint64_t connection = 1) {
    protocol::RegisterBrokerBody body;
    body.topic_config_serialize_wrapper.data_version = {1000, counter, std::nullopt};
    for (const auto& t : topics) {
      protocol::TopicConfig c;
      c.topic_name = t;
      c.read_queue_nums = 4;
      c.write_queue_nums = 4;
      body.topic_config_serialize_wrapper.topic_config_table[t] = c;
    }
    RemotingCommand req = RemotingCommand::Request(RC::kRegisterBroker);
    req.SetField("brokerName", name);
    req.SetField("brokerAddr", addr);
    req.SetField("clusterName", "DefaultCluster");
    req.SetField("haServerAddr", addr + "-ha");
    req.SetField("brokerId", id);
    req.body = body.Encode();
    return Call(req, connection);
  }

  RemotingCommand Route(const std::string& topic, int32_t version) {
    RemotingCommand req = RemotingCommand::Request(RC::kGetRouteinfoByTopic);
    req.version = version;
    req.SetField("topic", topic);
    return Call(req);
  }
};

TEST_CASE("every handler is in the table once") {
  std::set<int32_t> codes;
  for (const auto& e : NamesrvHandlerTable()) CHECK(codes.insert(e.code).second);
  CHECK(codes.size() == 21);
  CHECK(FindNamesrvHandler(RC::kPutKvConfig)->thread == HandlerThread::kKvWriter);
  CHECK(FindNamesrvHandler(RC::kGetRouteinfoByTopic)->thread == HandlerThread::kLoop);
}

TEST_CASE("register broker then route by version: legacy keys before 401, quoted from 401") {
  Fixture f;
  RemotingCommand reg = f.Register("broker-a", 0, "127.0.0.1:10911", {"T"});
  CHECK(reg.code == Code::kSuccess);
  CHECK(reg.IsResponse());
  CHECK(reg.body.empty());  // no ORDER_TOPIC_CONFIG yet

  RemotingCommand legacy = f.Route("T", 317);
  CHECK(legacy.code == Code::kSuccess);
  CHECK(
      legacy.body ==
      R"({"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]})");
  RemotingCommand standard = f.Route("T", 401);
  CHECK(standard.body.find(R"("brokerAddrs":{"0":"127.0.0.1:10911"})") != std::string::npos);

  RemotingCommand req = RemotingCommand::Request(RC::kGetRouteinfoByTopic);
  req.version = 333;
  req.SetField("topic", "T");
  req.SetField("acceptStandardJsonOnly", "true");
  CHECK(f.Call(req).body == standard.body);
}

TEST_CASE("unknown topic answers TOPIC_NOT_EXIST with the java remark") {
  Fixture f;
  RemotingCommand r = f.Route("Nope", 401);
  CHECK(r.code == Code::kTopicNotExist);
  CHECK(r.remark ==
        "No topic route info in name server for the topic: Nope\nSee "
        "http://rocketmq.apache.org/docs/faq/ for further details.");
}

TEST_CASE("missing required header fields become SYSTEM_ERROR naming the field") {
  Fixture f;
  RemotingCommand req = RemotingCommand::Request(RC::kRegisterBroker);
  req.SetField("brokerName", "b");
  RemotingCommand r = f.Call(req);
  CHECK(r.code == Code::kSystemError);
  CHECK(r.remark->find("brokerAddr") != std::string::npos);

  RemotingCommand route = f.Call(RemotingCommand::Request(RC::kGetRouteinfoByTopic));
  CHECK(route.code == Code::kSystemError);
  CHECK(route.remark->find("topic") != std::string::npos);
}

TEST_CASE("unknown request code answers REQUEST_CODE_NOT_SUPPORTED") {
  Fixture f;
  RemotingCommand r = f.Call(RemotingCommand::Request(9999));
  CHECK(r.code == Code::kRequestCodeNotSupported);
  CHECK(r.remark == " request type 9999 not supported");
}

TEST_CASE("register broker checks bodyCrc32 when set and accepts compressed and empty bodies") {
  Fixture f;
  protocol::RegisterBrokerBody body;
  protocol::TopicConfig c;
  c.topic_name = "Z";
  body.topic_config_serialize_wrapper.topic_config_table["Z"] = c;
  RemotingCommand req = RemotingCommand::Request(RC::kRegisterBroker);
  req.SetField("brokerName", "broker-z");
  req.SetField("brokerAddr", "z:1");
  req.SetField("clusterName", "C");
  req.SetField("haServerAddr", "z:2");
  req.SetField("brokerId", "0");
  req.body = body.Encode();
  req.SetField("bodyCrc32", static_cast<int64_t>(JavaPositiveCrc32(req.body) ^ 1));
  RemotingCommand bad = f.Call(req);
  CHECK(bad.code == Code::kSystemError);
  CHECK(bad.remark == "crc32 not match");
  CHECK_FALSE(f.routes.PickupTopicRouteData("Z"));

  auto packed = body.EncodeCompressed();
  REQUIRE(packed.ok());
  req.body = *packed;
  req.SetField("bodyCrc32", static_cast<int64_t>(JavaPositiveCrc32(req.body)));
  req.SetField("compressed", "true");
  CHECK(f.Call(req).code == Code::kSuccess);
  CHECK(f.routes.PickupTopicRouteData("Z"));

  RemotingCommand empty = req;
  empty.ext_fields.erase("bodyCrc32");
  empty.ext_fields.erase("compressed");
  empty.SetField("brokerAddr", "z:3");
  empty.SetField("brokerId", "1");
  empty.body.clear();
  CHECK(f.Call(empty).code == Code::kSuccess);
  CHECK(f.routes.QueryBrokerTopicConfig("z:3")->counter == 0);

  RemotingCommand garbage = req;
  garbage.ext_fields.erase("bodyCrc32");
  garbage.body = "not zlib";
  RemotingCommand r = f.Call(garbage);
  CHECK(r.code == Code::kSystemError);
  CHECK(r.remark->find("RegisterBrokerBody") != std::string::npos);
}

TEST_CASE("a slave registration answers masterAddr and haServerAddr as strings") {
  Fixture f;
  f.Register("broker-a", 0, "a:1", {"T"});
  RemotingCommand slave = f.Register("broker-a", 1, "a:2", {});
  CHECK(slave.Field("masterAddr") == "a:1");
  CHECK(slave.Field("haServerAddr") == "a:1-ha");
}

TEST_CASE("order topic config: returned on registration and in routes when enabled") {
  Fixture f;
  REQUIRE(f.kv.Put(kOrderTopicConfigNamespace, "T", "broker-a:4").ok());
  RemotingCommand reg = f.Register("broker-a", 0, "a:1", {"T"});
  CHECK(reg.body == R"({"table":{"T":"broker-a:4"}})");
  CHECK(f.Route("T", 401).body.find("orderTopicConf") == std::string::npos);
  f.config.order_message_enable = true;
  CHECK(f.Route("T", 401).body.find(R"("orderTopicConf":"broker-a:4")") != std::string::npos);
}

TEST_CASE("unregister and connection loss remove routes") {
  Fixture f;
  f.Register("broker-a", 0, "a:1", {"T"}, 1, /*connection=*/5);
  RemotingCommand un = RemotingCommand::Request(RC::kUnregisterBroker);
  un.SetField("brokerName", "broker-a");
  un.SetField("brokerAddr", "a:1");
  un.SetField("clusterName", "DefaultCluster");
  un.SetField("brokerId", "0");
  CHECK(f.Call(un).code == Code::kSuccess);
  CHECK(f.Route("T", 401).code == Code::kTopicNotExist);
}

TEST_CASE("cluster info, topic lists and delete topic over handlers") {
  Fixture f;
  f.Register("broker-a", 0, "127.0.0.1:10911", {"T", "U"});
  RemotingCommand info = f.Call(RemotingCommand::Request(RC::kGetBrokerClusterInfo));
  CHECK(
      info.body ==
      R"({"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}})");
  CHECK(f.Call(RemotingCommand::Request(RC::kGetAllTopicListFromNameserver)).body ==
        R"({"topicList":["T","U"]})");
  RemotingCommand by_cluster = RemotingCommand::Request(RC::kGetTopicsByCluster);
  by_cluster.SetField("cluster", "DefaultCluster");
  CHECK(f.Call(by_cluster).body == R"({"topicList":["T","U"]})");
  CHECK(f.Call(RemotingCommand::Request(RC::kGetSystemTopicListFromNs)).body ==
        R"({"brokerAddr":"127.0.0.1:10911","topicList":["DefaultCluster","broker-a"]})");
  CHECK(f.Call(RemotingCommand::Request(RC::kGetUnitTopicList)).body == R"({"topicList":[]})");

  RemotingCommand del = RemotingCommand::Request(RC::kDeleteTopicInNamesrv);
  del.SetField("topic", "T");
  del.SetField("clusterName", "OtherCluster");
  CHECK(f.Call(del).code == Code::kSuccess);
  CHECK(f.Route("T", 401).code == Code::kSuccess);
  del.ext_fields.erase("clusterName");
  CHECK(f.Call(del).code == Code::kSuccess);
  CHECK(f.Route("T", 401).code == Code::kTopicNotExist);
}

TEST_CASE("wipe and add write permission answer their counts") {
  Fixture f;
  f.Register("broker-a", 0, "a:1", {"T", "U"});
  RemotingCommand wipe = RemotingCommand::Request(RC::kWipeWritePermOfBroker);
  wipe.SetField("brokerName", "broker-a");
  RemotingCommand r = f.Call(wipe);
  CHECK(r.code == Code::kSuccess);
  CHECK(r.Field("wipeTopicCount") == "2");
  CHECK(f.Route("T", 401).body.find(R"("perm":4)") != std::string::npos);
  RemotingCommand add = RemotingCommand::Request(RC::kAddWritePermOfBroker);
  add.SetField("brokerName", "broker-a");
  CHECK(f.Call(add).Field("addTopicCount") == "2");
  CHECK(f.Route("T", 401).body.find(R"("perm":6)") != std::string::npos);
}

TEST_CASE("kv config requests put, get, list and delete") {
  Fixture f;
  RemotingCommand put = RemotingCommand::Request(RC::kPutKvConfig);
  put.SetField("namespace", "ns");
  put.SetField("key", "k");
  put.SetField("value", "v");
  CHECK(f.Call(put).code == Code::kSuccess);

  RemotingCommand get = RemotingCommand::Request(RC::kGetKvConfig);
  get.SetField("namespace", "ns");
  get.SetField("key", "k");
  RemotingCommand got = f.Call(get);
  CHECK(got.code == Code::kSuccess);
  CHECK(got.Field("value") == "v");

  RemotingCommand list = RemotingCommand::Request(RC::kGetKvlistByNamespace);
  list.SetField("namespace", "ns");
  CHECK(f.Call(list).body == R"({"table":{"k":"v"}})");

  RemotingCommand del = RemotingCommand::Request(RC::kDeleteKvConfig);
  del.SetField("namespace", "ns");
  del.SetField("key", "k");
  CHECK(f.Call(del).code == Code::kSuccess);
  RemotingCommand missing = f.Call(get);
  CHECK(missing.code == Code::kQueryNotFound);
  CHECK(missing.remark == "No config item, Namespace: ns Key: k");
  RemotingCommand empty_list = f.Call(list);
  CHECK(empty_list.code == Code::kQueryNotFound);
  CHECK(empty_list.remark == "No config item, Namespace: ns");

  RemotingCommand no_value = put;
  no_value.ext_fields.erase("value");
  CHECK(f.Call(no_value).code == Code::kSystemError);
}

TEST_CASE("namesrv config update is all or nothing and names a bad key") {
  Fixture f;
  RemotingCommand upd = RemotingCommand::Request(RC::kUpdateNamesrvConfig);
  upd.body = "orderMessageEnable=true\nbrokerChannelExpiredMillis=5000\n";
  CHECK(f.Call(upd).code == Code::kSuccess);
  CHECK(f.config.order_message_enable);
  CHECK(f.config.broker_channel_expired_millis == 5000);

  upd.body = "orderMessageEnable=false\nnoSuchKey=1\n";
  RemotingCommand r = f.Call(upd);
  CHECK(r.code == Code::kSystemError);
  CHECK(r.remark->find("noSuchKey") != std::string::npos);
  CHECK(f.config.order_message_enable);  // unchanged

  upd.body = "listenPort=abc";
  r = f.Call(upd);
  CHECK(r.code == Code::kSystemError);
  CHECK(r.remark->find("listenPort") != std::string::npos);

  upd.body = "kvConfigPath=/tmp/x";
  CHECK(f.Call(upd).code == Code::kNoPermission);

  RemotingCommand get = f.Call(RemotingCommand::Request(RC::kGetNamesrvConfig));
  CHECK(get.body.find("orderMessageEnable=true\n") != std::string::npos);
  CHECK(get.body.find("listenPort=9876\n") != std::string::npos);

  // The new expiry applies to the route table.
  f.Register("broker-a", 0, "a:1", {"T"});
  f.clock.AdvanceMs(5001);
  CHECK(f.routes.RunOnce(f.clock.MonotonicMs()).size() == 1);
}

TEST_CASE("query data version answers changed and the stored version") {
  Fixture f;
  f.Register("broker-a", 0, "a:1", {"T"}, 7);
  RemotingCommand q = RemotingCommand::Request(RC::kQueryDataVersion);
  q.SetField("brokerName", "broker-a");
  q.SetField("brokerAddr", "a:1");
  q.SetField("clusterName", "DefaultCluster");
  q.SetField("brokerId", "0");
  q.body = R"({"counter":7,"timestamp":1000})";
  RemotingCommand r = f.Call(q);
  CHECK(r.code == Code::kSuccess);
  CHECK(r.Field("changed") == "false");
  CHECK(r.body == R"({"counter":7,"timestamp":1000})");
  q.body = R"({"counter":8,"timestamp":1000})";
  CHECK(f.Call(q).Field("changed") == "true");
  q.body.clear();
  CHECK(f.Call(q).code == Code::kSystemError);
}

TEST_CASE("register topic in namesrv adds queues from a route body") {
  Fixture f;
  f.Register("broker-a", 0, "a:1", {});
  RemotingCommand req = RemotingCommand::Request(RC::kRegisterTopicInNamesrv);
  req.SetField("topic", "X");
  req.body =
      R"({"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":2,"writeQueueNums":2,"topicSysFlag":0}],"brokerDatas":[]})";
  CHECK(f.Call(req).code == Code::kSuccess);
  CHECK(f.Route("X", 401).code == Code::kSuccess);
}

}  // namespace
}  // namespace tern::nameserver
