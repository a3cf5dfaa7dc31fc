// The real `ternmq admin` binary against the real `ternmq namesrv`. A test
// broker registers with REGISTER_BROKER over an RpcClient (its connection
// must stay open: the nameserver forgets a broker whose connection closes).
// Where a command also talks to brokers, a stand-in broker (an RpcServer in
// this process answering with the bodies requests.md specifies) records what
// it received; a broker registered at 127.0.0.1:1 is one nobody answers for.
#include <doctest/doctest.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "src/net/event_loop.h"
#include "src/protocol/codes.h"
#include "src/protocol/register_broker_body.h"
#include "src/protocol/route_data.h"
#include "src/protocol/topic_list.h"
#include "src/remoting/rpc_client.h"
#include "src/remoting/rpc_server.h"
#include "test/util/child_process.h"
#include "test/util/remoting_fixtures.h"
#include "test/util/temp_dir.h"

namespace tern::tools::admin {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;
using remoting::RemotingCommand;
using testing::ChildProcess;
using testing::CommandResult;
using testing::TempDir;

constexpr int64_t kTimeoutMs = 5000;
constexpr char kDeadBroker[] = "127.0.0.1:1";

using Namesrv = testing::BootedTernmq;

Namesrv StartNamesrv(TempDir& dir, const std::string& name) {
  return testing::StartNamesrv(dir.Sub(name), dir.Sub(name + ".log"));
}

// A loop thread and an RpcClient on it: registers test brokers and sends raw
// requests to check what the admin commands did.
struct Client : testing::TestRpcClient {
  // REGISTER_BROKER for a master `name` at `addr` hosting `topics` (4 queues each).
  void Register(const std::string& ns, const std::string& name, const std::string& addr,
                std::vector<std::string> topics, const std::string& cluster = "DefaultCluster") {
    testing::TestBroker broker;
    broker.name = name;
    broker.addr = addr;
    broker.cluster = cluster;
    REQUIRE(Call(ns, testing::RegisterBrokerRequest(broker, topics)).code == Code::kSuccess);
  }
};

// The stand-in broker: fixed answers per request code, and the last request
// of each code it received.
class StandInBroker {
 public:
  StandInBroker() {
    REQUIRE(loop_.Start().ok());
    remoting::RpcServerOptions options;
    options.host = "127.0.0.1";
    server_.emplace(loop_, options);
  }
  ~StandInBroker() {
    server_->Stop();
    server_.reset();
    loop_.Stop();
  }
  // Answers `code` with SUCCESS and `body` (or with `answer_code` and a remark).
  void Answer(int32_t code, std::string body, int32_t answer_code = Code::kSuccess,
              std::string remark = "") {
    server_->RegisterSync(code, [this, code, body, answer_code, remark](
                                    const remoting::RequestContext&, const RemotingCommand& req)
                                    -> Result<RemotingCommand> {
      {
        std::lock_guard<std::mutex> lock(mu_);
        received_[code] = req;
      }
      RemotingCommand resp = RemotingCommand::ResponseTo(
          req, answer_code, remark.empty() ? std::nullopt : std::optional<std::string>(remark));
      resp.body = body;
      return resp;
    });
  }
  void Start() { REQUIRE(server_->Start().ok()); }
  std::string addr() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  std::optional<RemotingCommand> Received(int32_t code) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = received_.find(code);
    if (it == received_.end()) return std::nullopt;
    return it->second;
  }

 private:
  net::EventLoop loop_{"stand-in-broker"};
  std::optional<remoting::RpcServer> server_;
  std::mutex mu_;
  std::map<int32_t, RemotingCommand> received_;
};

CommandResult Admin(const Namesrv& ns, std::vector<std::string> args) {
  std::vector<std::string> argv = {testing::TernmqBinary(), "admin"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("-n");
  argv.push_back(ns.addr);
  return testing::RunCommand(argv);
}

nlohmann::json ParseJson(const CommandResult& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_MESSAGE(!j.is_discarded(), "not JSON: " << r.out);
  return j;
}

bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST_CASE("topicRoute prints the registered route as JSON, as --json and as a table") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  Client broker;
  broker.Register(ns.addr, "broker-a", "127.0.0.1:10911", {"T", "TBW102"});

  CommandResult pretty = Admin(ns, {"topicRoute", "-t", "T"});
  CHECK(pretty.exit_code == 0);
  CHECK(Has(pretty.out, "\n\t\"brokerDatas\": ["));
  auto route = protocol::TopicRouteData::Decode(pretty.out);
  REQUIRE_MESSAGE(route.ok(), route.status().ToString() << "\n" << pretty.out);
  REQUIRE(route->queue_datas.size() == 1);
  CHECK(route->queue_datas[0].read_queue_nums == 4);
  CHECK(route->queue_datas[0].write_queue_nums == 4);
  CHECK(route->queue_datas[0].perm == 6);
  CHECK(route->broker_datas.at(0).broker_addrs.at(0) == "127.0.0.1:10911");

  nlohmann::json j = ParseJson(Admin(ns, {"topicRoute", "-t", "T", "--json"}));
  CHECK(j["brokerDatas"][0]["brokerAddrs"]["0"] == "127.0.0.1:10911");
  CHECK(j["brokerDatas"][0]["cluster"] == "DefaultCluster");

  CommandResult table = Admin(ns, {"topicRoute", "-t", "T", "-l"});
  CHECK(table.exit_code == 0);
  CHECK(Has(table.out, "#ClusterName    #BrokerName  #BrokerAddrs"));
  CHECK(Has(table.out, "DefaultCluster  broker-a     {0=127.0.0.1:10911}"));
  CHECK(Has(table.out, "Total:"));
}

TEST_CASE("topicList prints every registered topic, one a line, and as JSON") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  Client broker;
  broker.Register(ns.addr, "broker-a", "127.0.0.1:10911", {"T1", "T2", "TBW102"});
  CommandResult r = Admin(ns, {"topicList"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "T1\nT2\nTBW102\n");
  CHECK(ParseJson(Admin(ns, {"topicList", "--json"}))["topicList"] ==
        nlohmann::json::array({"T1", "T2", "TBW102"}));
}

TEST_CASE("topicList -c shows each topic's cluster; a broker that cannot answer leaves groups blank") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  Client broker;
  broker.Register(ns.addr, "broker-a", kDeadBroker, {"T1", "%RETRY%G"}, "ClusterA");
  CommandResult r = Admin(ns, {"topicList", "-c"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "#Cluster Name  #Topic  #Consumer Group\nClusterA       T1\n");
}

TEST_CASE("clusterList shows brokers with their runtime figures and marks a broker that does not answer") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  StandInBroker live;
  live.Answer(RC::kGetBrokerRuntimeInfo,
              R"({"table":{"brokerVersionDesc":"V4_9_4","putTps":"12.50 10.00 9.87",)"
              R"("getTransferedTps":"3.25 1.00 1.00","sendThreadPoolQueueSize":"0",)"
              R"("sendThreadPoolQueueHeadWaitTimeMills":"0","pullThreadPoolQueueSize":"0",)"
              R"("pullThreadPoolQueueHeadWaitTimeMills":"0","pageCacheLockTimeMills":"0",)"
              R"("commitLogDiskRatio":"0.25","msgPutTotalTodayMorning":"10",)"
              R"("msgPutTotalYesterdayMorning":"4","msgPutTotalTodayNow":"15",)"
              R"("msgGetTotalTodayMorning":"0","msgGetTotalYesterdayMorning":"0","msgGetTotalTodayNow":"2"}})");
  live.Start();
  Client broker;
  broker.Register(ns.addr, "broker-a", live.addr(), {"T"});
  broker.Register(ns.addr, "broker-b", kDeadBroker, {"T"});

  CommandResult r = Admin(ns, {"clusterList"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  INFO(r.out);
  CHECK(Has(r.out, "#Cluster Name   #Broker Name  #BID  #Addr"));
  CHECK(Has(r.out, "DefaultCluster  broker-a         0  " + live.addr()));
  CHECK(Has(r.out, "V4_9_4"));
  CHECK(Has(r.out, "12.50(0,0ms)"));
  CHECK(Has(r.out, "3.25(0,0ms)"));
  CHECK(Has(r.out, "0.2500"));
  CHECK(Has(r.out, "DefaultCluster  broker-b         0  127.0.0.1:1"));
  CHECK(Has(r.out, "no answer: cannot reach broker 127.0.0.1:1: connection refused"));

  CommandResult more = Admin(ns, {"clusterList", "-m"});
  CHECK(more.exit_code == 0);
  CHECK(Has(more.out, "#InTotalYest  #OutTotalYest  #InTotalToday  #OutTotalToday"));
  CHECK(Has(more.out, live.addr() + "             6              0              5               2"));

  nlohmann::json j = ParseJson(Admin(ns, {"clusterList", "--json"}));
  REQUIRE(j.size() == 2);
  CHECK(j[0]["brokerName"] == "broker-a");
  CHECK(j[0]["inTps"] == 12.5);
  CHECK(j[1]["brokerName"] == "broker-b");
  CHECK(Has(j[1]["error"].get<std::string>(), "connection refused"));

  CommandResult unknown = Admin(ns, {"clusterList", "-c", "NoSuchCluster"});
  CHECK(unknown.exit_code == 1);
  CHECK(Has(unknown.err, "cluster 'NoSuchCluster' is not known to the nameserver"));
}

TEST_CASE("topicClusterList names the clusters holding the topic") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  Client broker;
  broker.Register(ns.addr, "broker-a", "127.0.0.1:10911", {"T"}, "ClusterA");
  broker.Register(ns.addr, "broker-b", "127.0.0.1:10921", {"T", "OnlyB"}, "ClusterB");
  CommandResult r = Admin(ns, {"topicClusterList", "-t", "T"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "ClusterA\nClusterB\n");
  CHECK(Admin(ns, {"topicClusterList", "-t", "OnlyB"}).out == "ClusterB\n");
  CHECK(ParseJson(Admin(ns, {"topicClusterList", "-t", "OnlyB", "--json"}))["clusters"] ==
        nlohmann::json::array({"ClusterB"}));
}

TEST_CASE("updateKvConfig stores a value the nameserver serves; deleteKvConfig removes it") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  Client client;
  CommandResult put = Admin(ns, {"updateKvConfig", "-s", "NS1", "-k", "K1", "-v", "V1"});
  CHECK(put.exit_code == 0);
  CHECK(put.out == "create or update kv config to namespace success.\n");
  RemotingCommand get = RemotingCommand::Request(RC::kGetKvConfig);
  get.SetField("namespace", "NS1");
  get.SetField("key", "K1");
  RemotingCommand got = client.Call(ns.addr, get);
  CHECK(got.code == Code::kSuccess);
  CHECK(got.Field("value") == "V1");

  CommandResult del = Admin(ns, {"deleteKvConfig", "-s", "NS1", "-k", "K1"});
  CHECK(del.exit_code == 0);
  CHECK(del.out == "delete kv config from namespace success.\n");
  CHECK(client.Call(ns.addr, get).code == Code::kQueryNotFound);
}

TEST_CASE("updateNamesrvConfig changes a setting that getNamesrvConfig then shows, per nameserver") {
  TempDir dir;
  Namesrv a = StartNamesrv(dir, "a");
  Namesrv b = StartNamesrv(dir, "b");
  Namesrv both{std::nullopt, a.addr + ";" + b.addr};
  CommandResult before = Admin(both, {"getNamesrvConfig"});
  CHECK(before.exit_code == 0);
  CHECK(Has(before.out, "============" + a.addr + "============\n"));
  CHECK(Has(before.out, "============" + b.addr + "============\n"));
  CHECK(Has(before.out, "orderMessageEnable"));

  CommandResult up = Admin(both, {"updateNamesrvConfig", "-k", "orderMessageEnable", "-v", "true"});
  CHECK_MESSAGE(up.exit_code == 0, up.err);
  CHECK(Has(up.out, "update name server config success!"));
  nlohmann::json j = ParseJson(Admin(both, {"getNamesrvConfig", "--json"}));
  CHECK(j[a.addr]["orderMessageEnable"] == "true");
  CHECK(j[b.addr]["orderMessageEnable"] == "true");

  CommandResult bad = Admin(both, {"updateNamesrvConfig", "-k", "noSuchKey", "-v", "1"});
  CHECK(bad.exit_code == 1);
  CHECK(Has(bad.err, "nameserver " + a.addr + " refused UPDATE_NAMESRV_CONFIG"));
  CHECK(Has(bad.err, "noSuchKey"));
}

TEST_CASE("updateOrderConf puts, gets and deletes a topic's order conf; the route carries it") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  Client broker;
  broker.Register(ns.addr, "broker-a", "127.0.0.1:10911", {"T"});
  REQUIRE(Admin(ns, {"updateNamesrvConfig", "-k", "orderMessageEnable", "-v", "true"}).exit_code == 0);
  CommandResult put = Admin(ns, {"updateOrderConf", "-t", "T", "-m", "put", "-v", "broker-a:4"});
  CHECK(put.exit_code == 0);
  CHECK(Has(Admin(ns, {"updateOrderConf", "-t", "T", "-m", "get"}).out, "orderConf=[broker-a:4]"));
  CHECK(ParseJson(Admin(ns, {"topicRoute", "-t", "T", "--json"}))["orderTopicConf"] == "broker-a:4");
  CHECK(Admin(ns, {"updateOrderConf", "-t", "T", "-m", "delete"}).exit_code == 0);
  CommandResult gone = Admin(ns, {"updateOrderConf", "-t", "T", "-m", "get"});
  CHECK(gone.exit_code == 1);
  CHECK(Has(gone.err, "refused GET_KV_CONFIG"));
  CHECK(Has(gone.err, "QUERY_NOT_FOUND"));
}

TEST_CASE("wipeWritePerm and addWritePerm print the topic counts and change the route's perm") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  Client broker;
  broker.Register(ns.addr, "broker-a", "127.0.0.1:10911", {"T1", "T2"});
  CommandResult wipe = Admin(ns, {"wipeWritePerm", "-b", "broker-a"});
  CHECK_MESSAGE(wipe.exit_code == 0, wipe.err);
  CHECK(Has(wipe.out, ns.addr + "  broker-a            2  OK\n"));
  CHECK(ParseJson(Admin(ns, {"topicRoute", "-t", "T1", "--json"}))["queueDatas"][0]["perm"] == 4);

  nlohmann::json add = ParseJson(Admin(ns, {"addWritePerm", "-b", "broker-a", "--json"}));
  CHECK(add[0]["namesrvAddr"] == ns.addr);
  CHECK(add[0]["addTopicCount"] == 2);
  CHECK(ParseJson(Admin(ns, {"topicRoute", "-t", "T1", "--json"}))["queueDatas"][0]["perm"] == 6);
}

TEST_CASE("nameservers are tried in order until one answers") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  Client broker;
  broker.Register(ns.addr, "broker-a", "127.0.0.1:10911", {"T"});
  Namesrv list{std::nullopt, std::string(kDeadBroker) + ";" + ns.addr};
  CommandResult r = Admin(list, {"topicList"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "T\n");
}

TEST_CASE("error lines: unreachable nameserver, unknown topic, missing flag, unknown command") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  Namesrv dead{std::nullopt, kDeadBroker};
  CommandResult unreachable = Admin(dead, {"clusterList"});
  CHECK(unreachable.exit_code == 1);
  CHECK(unreachable.err == "mqadmin clusterList: cannot reach nameserver 127.0.0.1:1: connection refused\n");
  CHECK(unreachable.out.empty());

  CommandResult unknown = Admin(ns, {"topicRoute", "-t", "Nope"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err ==
        "mqadmin topicRoute: topic 'Nope' does not exist: No topic route info in name server "
        "for the topic: Nope\n");

  CommandResult missing = Admin(ns, {"updateKvConfig", "-s", "NS", "-v", "V"});
  CHECK(missing.exit_code == 2);
  CHECK(Has(missing.err, "missing required option -k (key)"));

  CommandResult cmd = Admin(ns, {"noSuchCommand"});
  CHECK(cmd.exit_code == 2);
  CHECK(Has(cmd.err, "unknown command 'noSuchCommand'"));

  // Through the mqadmin alias as well.
  std::string alias = testing::TernmqBinary();
  alias = alias.substr(0, alias.rfind('/') + 1) + "mqadmin";
  CommandResult via_alias = testing::RunCommand({alias, "topicRoute", "-t", "Nope", "-n", ns.addr});
  CHECK(via_alias.exit_code == 1);
  CHECK(Has(via_alias.err, "topic 'Nope' does not exist"));
}

TEST_CASE("broker commands name a broker that cannot be reached") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  Client broker;
  broker.Register(ns.addr, "broker-a", kDeadBroker, {"T"});
  const std::string refused = "cannot reach broker 127.0.0.1:1: connection refused";
  std::vector<std::vector<std::string>> commands = {
      {"topicStatus", "-t", "T"},
      {"updateTopic", "-t", "T2", "-c", "DefaultCluster"},
      {"updateTopic", "-t", "T2", "-b", kDeadBroker},
      {"deleteTopic", "-t", "T", "-c", "DefaultCluster"},
      {"brokerStatus", "-c", "DefaultCluster"},
      {"getBrokerConfig", "-c", "DefaultCluster"},
      {"updateBrokerConfig", "-c", "DefaultCluster", "-k", "flushDiskType", "-v", "SYNC_FLUSH"},
      {"updateSubGroup", "-g", "G", "-c", "DefaultCluster"},
      {"deleteSubGroup", "-g", "G", "-b", kDeadBroker},
  };
  for (const auto& c : commands) {
    CommandResult r = Admin(ns, c);
    CHECK_MESSAGE(r.exit_code == 1, c[0]);
    CHECK_MESSAGE(Has(r.err, refused), c[0] << ": " << r.err);
  }
  CommandResult unknown_cluster = Admin(ns, {"updateTopic", "-t", "T2", "-c", "NoSuchCluster"});
  CHECK(unknown_cluster.exit_code == 1);
  CHECK(Has(unknown_cluster.err, "cluster 'NoSuchCluster' is not known to the nameserver"));
}

TEST_CASE("updateTopic sends UPDATE_AND_CREATE_TOPIC with the settings to every master") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  StandInBroker live;
  live.Answer(RC::kUpdateAndCreateTopic, "");
  live.Start();
  Client broker;
  broker.Register(ns.addr, "broker-a", live.addr(), {"T"});

  CommandResult r = Admin(ns, {"updateTopic", "-t", "New", "-c", "DefaultCluster", "-r", "3", "-w",
                               "5", "-p", "4", "-o", "true"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(Has(r.out, "create topic to " + live.addr() + " success."));
  CHECK(Has(r.out, "set cluster orderConf. isOrder=true, orderConf=[broker-a:5]"));
  CHECK(Has(r.out, "perm=R--"));
  auto req = live.Received(RC::kUpdateAndCreateTopic);
  REQUIRE(req.has_value());
  CHECK(req->Field("topic") == "New");
  CHECK(req->Field("defaultTopic") == "TBW102");
  CHECK(req->Field("readQueueNums") == "3");
  CHECK(req->Field("writeQueueNums") == "5");
  CHECK(req->Field("perm") == "4");
  CHECK(req->Field("topicFilterType") == "SINGLE_TAG");
  CHECK(req->Field("order") == "true");
  // The order conf went to the nameserver's KV store.
  Client client;
  RemotingCommand get = RemotingCommand::Request(RC::kGetKvConfig);
  get.SetField("namespace", "ORDER_TOPIC_CONFIG");
  get.SetField("key", "New");
  CHECK(client.Call(ns.addr, get).Field("value") == "broker-a:5");
}

TEST_CASE("deleteTopic deletes the topic in every master, then in the nameserver") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  StandInBroker live;
  live.Answer(RC::kDeleteTopicInBroker, "");
  live.Start();
  Client broker;
  broker.Register(ns.addr, "broker-a", live.addr(), {"T", "Keep"});
  CommandResult r = Admin(ns, {"deleteTopic", "-t", "T", "-c", "DefaultCluster"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out ==
        "delete topic [T] from cluster [DefaultCluster] success.\n"
        "delete topic [T] from NameServer success.\n");
  CHECK(live.Received(RC::kDeleteTopicInBroker)->Field("topic") == "T");
  CHECK(Admin(ns, {"topicList"}).out == "Keep\n");
}

TEST_CASE("a broker's refusal is reported with its remark") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  StandInBroker live;
  live.Answer(RC::kUpdateAndCreateTopic, "", Code::kSystemError,
              "The topic[SCHEDULE_TOPIC_XXXX] is conflict with system topic.");
  live.Start();
  CommandResult r = Admin(ns, {"updateTopic", "-t", "SCHEDULE_TOPIC_XXXX", "-b", live.addr()});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "mqadmin updateTopic: broker " + live.addr() +
                     " refused UPDATE_AND_CREATE_TOPIC: The topic[SCHEDULE_TOPIC_XXXX] is "
                     "conflict with system topic. (SYSTEM_ERROR)\n");
}

TEST_CASE("topicStatus reads the fastjson object-keyed stats of every master") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  StandInBroker live;
  live.Answer(RC::kGetTopicStatsInfo,
              R"({"offsetTable":{{"brokerName":"broker-a","queueId":1,"topic":"T"}:)"
              R"({"lastUpdateTimestamp":0,"maxOffset":7,"minOffset":2},)"
              R"({"brokerName":"broker-a","queueId":0,"topic":"T"}:)"
              R"({"lastUpdateTimestamp":1700000000000,"maxOffset":10,"minOffset":0}}})");
  live.Start();
  Client broker;
  broker.Register(ns.addr, "broker-a", live.addr(), {"T"});
  CommandResult r = Admin(ns, {"topicStatus", "-t", "T"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  INFO(r.out);
  CHECK(Has(r.out, "#Broker Name  #QID  #Min Offset  #Max Offset  #Last Updated\n"));
  CHECK(Has(r.out, "broker-a         0            0           10  20"));
  CHECK(Has(r.out, "broker-a         1            2            7\n"));
  CHECK(live.Received(RC::kGetTopicStatsInfo)->Field("topic") == "T");
  nlohmann::json j = ParseJson(Admin(ns, {"topicStatus", "-t", "T", "--json"}));
  CHECK(j["queues"][1]["maxOffset"] == 7);
}

TEST_CASE("a broker body that cannot be decoded is an error naming the broker, not a usage error") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  StandInBroker live;
  live.Answer(RC::kGetTopicStatsInfo, "this is not json");
  live.Start();
  Client broker;
  broker.Register(ns.addr, "broker-a", live.addr(), {"T"});
  CommandResult r = Admin(ns, {"topicStatus", "-t", "T"});
  CHECK(r.exit_code == 1);
  CHECK(Has(r.err, "bad topic stats from broker " + live.addr()));
}

TEST_CASE("brokerStatus, getBrokerConfig, updateBrokerConfig, updateSubGroup and deleteSubGroup talk to the broker") {
  TempDir dir;
  Namesrv ns = StartNamesrv(dir, "ns");
  StandInBroker live;
  live.Answer(RC::kGetBrokerRuntimeInfo, R"({"table":{"putTps":"1.00 1.00 1.00","bootTimestamp":"5"}})");
  live.Answer(RC::kGetBrokerConfig, "brokerName=broker-a\nlistenPort=10911\n");
  live.Answer(RC::kUpdateBrokerConfig, "");
  live.Answer(RC::kUpdateAndCreateSubscriptionGroup, "");
  live.Answer(RC::kDeleteSubscriptionGroup, "");
  live.Start();
  Client broker;
  broker.Register(ns.addr, "broker-a", live.addr(), {"T"});

  CommandResult status = Admin(ns, {"brokerStatus", "-b", live.addr()});
  CHECK(status.exit_code == 0);
  CHECK(status.out == "bootTimestamp:  5\nputTps:         1.00 1.00 1.00\n");

  CommandResult config = Admin(ns, {"getBrokerConfig", "-c", "DefaultCluster"});
  CHECK(config.exit_code == 0);
  CHECK(Has(config.out, "============Master: " + live.addr() + "============\n"));
  CHECK(Has(config.out, "listenPort  =  10911\n"));

  CommandResult update = Admin(ns, {"updateBrokerConfig", "-b", live.addr(), "-k", "flushDiskType", "-v", "SYNC_FLUSH"});
  CHECK(update.exit_code == 0);
  CHECK(live.Received(RC::kUpdateBrokerConfig)->body == "flushDiskType=SYNC_FLUSH\n");

  CommandResult group = Admin(ns, {"updateSubGroup", "-g", "CG", "-c", "DefaultCluster", "-r", "3", "-d", "true"});
  CHECK_MESSAGE(group.exit_code == 0, group.err);
  CHECK(live.Received(RC::kUpdateAndCreateSubscriptionGroup)->body ==
        R"({"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,"consumeFromMinEnable":false,)"
        R"("groupName":"CG","notifyConsumerIdsChangedEnable":true,"retryMaxTimes":3,"retryQueueNums":1,)"
        R"("whichBrokerWhenConsumeSlowly":1})");

  CommandResult del = Admin(ns, {"deleteSubGroup", "-g", "CG", "-b", live.addr(), "-r", "true"});
  CHECK(del.exit_code == 0);
  auto req = live.Received(RC::kDeleteSubscriptionGroup);
  REQUIRE(req.has_value());
  CHECK(req->Field("groupName") == "CG");
  CHECK(req->Field("removeOffset") == "true");
}

}  // namespace
}  // namespace tern::tools::admin
