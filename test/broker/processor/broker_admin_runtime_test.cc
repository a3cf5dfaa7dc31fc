// GET_BROKER_RUNTIME_INFO, GET_BROKER_CONFIG, UPDATE_BROKER_CONFIG and the
// BrokerStats counters behind the runtime figures.
#include <doctest/doctest.h>

#include "broker/processor/mq_version.h"
#include "src/base/properties.h"
#include "src/protocol/data_version.h"
#include "src/protocol/topic_list.h"
#include "test/broker/processor/broker_admin_fixture.h"

namespace tern::processor::testing {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;

TEST_CASE("BrokerStats rates average over 10 s, 60 s and 600 s windows") {
  BrokerStats stats(kT0);
  CHECK(stats.PutTpsText() == "0.00 0.00 0.00");
  stats.Sample(kT0);
  stats.OnPut(50, 5000);
  stats.Sample(kT0 + 10'000);
  // 50 messages over the only 10 s of history, in every window.
  CHECK(stats.PutTpsText() == "5.00 5.00 5.00");
  stats.OnPut(100, 100);
  stats.Sample(kT0 + 20'000);
  // Last 10 s: 100 / 10; last 60 s (only 20 s known): 150 / 20.
  CHECK(stats.PutTpsText() == "10.00 7.50 7.50");
  for (int i = 3; i <= 30; ++i) stats.Sample(kT0 + i * 10'000);
  CHECK(stats.PutTpsText() == "0.00 0.00 0.50");  // 150 over the 300 s of history
  for (int i = 31; i <= 70; ++i) stats.Sample(kT0 + i * 10'000);
  CHECK(stats.PutTpsText() == "0.00 0.00 0.00");  // the puts left the 600 s window
  CHECK(stats.totals().put_messages == 150);
  CHECK(stats.totals().put_bytes == 5100);
}

TEST_CASE("BrokerStats counts gets per group and topic over the last minute") {
  BrokerStats stats(kT0);
  stats.OnGet("CG", "T", 1, 10);  // before the first sample of the key
  stats.Sample(kT0);
  stats.OnGet("CG", "T", 30, 300);
  stats.OnGet("CG2", "T", 6, 60);
  stats.OnGetMiss();
  stats.Sample(kT0 + 30'000);
  CHECK(stats.GroupGetTps("CG", "T") == doctest::Approx(1.0));
  CHECK(stats.GroupGetTps("CG", "other") == 0);
  CHECK(stats.totals().get_transferred == 37);
  CHECK(stats.totals().get_found == 3);
  CHECK(stats.GetTotalTpsText() == "0.10 0.10 0.10");  // 3 pulls in 30 s
  CHECK(stats.GetFoundTpsText() == "0.07 0.07 0.07");
  // A minute later with no gets: the rate is zero (and the key forgotten).
  stats.Sample(kT0 + 100'000);
  stats.Sample(kT0 + 200'000);
  CHECK(stats.GroupGetTps("CG", "T") == 0);
}

TEST_CASE("BrokerStats rolls today's and yesterday's morning totals at a new day") {
  BrokerStats stats(kT0);
  stats.Sample(kT0);
  stats.OnPut(7, 0);
  stats.OnGet("CG", "T", 3, 0);
  stats.Sample(kT0 + 1000);
  CHECK(stats.msg_put_total_today_morning() == 0);
  stats.Sample(kT0 + 86'400'000);  // a day later
  CHECK(stats.msg_put_total_today_morning() == 7);
  CHECK(stats.msg_get_total_today_morning() == 3);
  CHECK(stats.msg_put_total_yesterday_morning() == 0);
  stats.OnPut(1, 0);
  stats.Sample(kT0 + 2 * 86'400'000);
  CHECK(stats.msg_put_total_yesterday_morning() == 7);
  CHECK(stats.msg_put_total_today_morning() == 8);
  CHECK(stats.msg_put_total_today_now() == 8);
}

TEST_CASE("formatting helpers follow Java's") {
  CHECK(HumanReadableBytes(0) == "0 B");
  CHECK(HumanReadableBytes(1023) == "1023 B");
  CHECK(HumanReadableBytes(1536) == "1.5 KiB");
  CHECK(HumanReadableBytes(int64_t{3} << 30) == "3.0 GiB");
  CHECK(FormatRuntime(((24 + 2) * 3600 + 3 * 60 + 4) * 1000LL + 5) ==
        "[ 1 days, 2 hours, 3 minutes, 4 seconds ]");
  CHECK(MqVersionDesc(401) == "V4_9_4");
  CHECK(MqVersionDesc(412) == "V5_0_0_SNAPSHOT");
  CHECK(MqVersionDesc(475) == "V5_3_1");
  CHECK(MqVersionDesc(28) == "version 28");
}

TEST_CASE("GET_BROKER_RUNTIME_INFO reports the store's figures and the counters") {
  AdminBroker b;
  b.CreateTopic("T", 2, 2);
  b.stats().Sample(b.clock().NowMs());
  b.Put("T", 0);
  const int64_t first_store_time = b.clock().NowMs();
  b.clock().AdvanceMs(10'000);
  b.Put("T", 1);
  b.stats().OnPut(2, 2);
  b.stats().Sample(b.clock().NowMs());

  RemotingCommand r = b.Call(RemotingCommand::Request(Q::kGetBrokerRuntimeInfo));
  REQUIRE(r.code == RC::kSuccess);
  auto kv = protocol::KvTable::Decode(r.body);
  REQUIRE_MESSAGE(kv.ok(), kv.status().ToString());
  auto& t = kv->table;
  // Every key mqadmin clusterList / brokerStatus reads is there.
  for (const char* key : {"brokerVersionDesc",
                          "brokerVersion",
                          "msgPutTotalTodayNow",
                          "msgGetTotalTodayNow",
                          "msgPutTotalTodayMorning",
                          "msgGetTotalTodayMorning",
                          "msgPutTotalYesterdayMorning",
                          "msgGetTotalYesterdayMorning",
                          "putTps",
                          "getTransferedTps",
                          "getTransferredTps",
                          "sendThreadPoolQueueSize",
                          "sendThreadPoolQueueHeadWaitTimeMills",
                          "pullThreadPoolQueueSize",
                          "pullThreadPoolQueueHeadWaitTimeMills",
                          "pageCacheLockTimeMills",
                          "earliestMessageTimeStamp",
                          "commitLogDiskRatio",
                          "consumeQueueDiskRatio",
                          "commitLogMinOffset",
                          "commitLogMaxOffset",
                          "remainHowManyDataToFlush",
                          "runtime",
                          "bootTimestamp",
                          "dispatchBehindBytes",
                          "EndTransactionQueueSize",
                          "timerReadBehind",
                          "brokerActive"}) {
    CHECK_MESSAGE(t.count(key) == 1, key);
  }
  CHECK(t["brokerVersionDesc"] == "V4_9_4");
  CHECK(t["brokerVersion"] == "401");
  CHECK(t["msgPutTotalTodayNow"] == "2");
  CHECK(t["putTps"] == "0.20 0.20 0.20");
  CHECK(t["commitLogMinOffset"] == "0");
  CHECK(t["commitLogMaxOffset"] == std::to_string(b.store().commit_log().WrittenEnd().value()));
  CHECK(std::stoll(t["commitLogMaxOffset"]) > 0);
  CHECK(t["earliestMessageTimeStamp"] == std::to_string(first_store_time));
  const double ratio = std::stod(t["commitLogDiskRatio"]);
  CHECK(ratio >= 0.0);
  CHECK(ratio <= 1.0);
  CHECK(t["bootTimestamp"] == std::to_string(kT0));
  CHECK(t["runtime"] == "[ 0 days, 0 hours, 0 minutes, 10 seconds ]");
  CHECK(t["dispatchBehindBytes"] == t["commitLogMaxOffset"]);  // nothing dispatched yet
  b.Dispatch();
  auto after =
      protocol::KvTable::Decode(b.Call(RemotingCommand::Request(Q::kGetBrokerRuntimeInfo)).body);
  REQUIRE(after.ok());
  CHECK(after->table["dispatchBehindBytes"] == "0");
}

TEST_CASE("an empty store reports no earliest message") {
  AdminBroker b;
  auto kv =
      protocol::KvTable::Decode(b.Call(RemotingCommand::Request(Q::kGetBrokerRuntimeInfo)).body);
  REQUIRE(kv.ok());
  CHECK(kv->table["earliestMessageTimeStamp"] == "-1");
  CHECK(kv->table["putTps"] == "0.00 0.00 0.00");
}

TEST_CASE("GET_BROKER_CONFIG answers key=value lines and the config's data version") {
  AdminBroker b;
  RemotingCommand r = b.Call(RemotingCommand::Request(Q::kGetBrokerConfig));
  REQUIRE(r.code == RC::kSuccess);
  auto props = ParseProperties(r.body, "body");
  REQUIRE(props.ok());
  std::map<std::string, std::string> m(props->begin(), props->end());
  CHECK(m["brokerName"] == "broker-a");
  CHECK(m["brokerPermission"] == "6");
  CHECK(m["flushDiskType"] == "ASYNC_FLUSH");
  auto version = r.Field("version");
  REQUIRE(version.has_value());
  auto dv = protocol::DataVersion::Decode(*version);
  REQUIRE(dv.ok());
  CHECK(dv->counter == 0);
  CHECK(dv->timestamp == kT0);
}

TEST_CASE("UPDATE_BROKER_CONFIG applies run-time keys, bumps the version, tells the listener") {
  AdminBroker b;
  std::vector<std::string> changed;
  int32_t seen_perm = 0;
  b.runtime().SetConfigListener(
      [&](const broker::BrokerConfig& c, const std::vector<std::string>& keys) {
        changed = keys;
        seen_perm = c.broker_permission;
      });
  b.clock().AdvanceMs(5);
  RemotingCommand req = RemotingCommand::Request(Q::kUpdateBrokerConfig);
  req.body = "brokerPermission=4\nautoCreateTopicEnable=false\nbrokerName=broker-a\n";
  RemotingCommand r = b.Call(req);
  REQUIRE_MESSAGE(r.code == RC::kSuccess, r.remark.value_or(""));
  CHECK(changed == std::vector<std::string>{"autoCreateTopicEnable", "brokerPermission"});
  CHECK(seen_perm == 4);
  CHECK(b.runtime().config().broker_permission == 4);
  CHECK_FALSE(b.runtime().config().auto_create_topic_enable);
  CHECK(b.runtime().config_version().counter == 1);
  CHECK(b.runtime().config_version().timestamp == kT0 + 5);

  RemotingCommand get = b.Call(RemotingCommand::Request(Q::kGetBrokerConfig));
  CHECK(get.body.find("brokerPermission=4\n") != std::string::npos);
  CHECK(get.Field("version") ==
        std::optional<std::string_view>(b.runtime().config_version().Encode()));

  // The same values again: nothing changes, no version bump, no call.
  changed.clear();
  REQUIRE(b.Call(req).code == RC::kSuccess);
  CHECK(changed.empty());
  CHECK(b.runtime().config_version().counter == 1);
  // No body: SUCCESS, nothing to do (Java).
  REQUIRE(b.Call(RemotingCommand::Request(Q::kUpdateBrokerConfig)).code == RC::kSuccess);
}

TEST_CASE("UPDATE_BROKER_CONFIG refuses bad updates and changes nothing") {
  AdminBroker b;
  auto update = [&](const std::string& body) {
    RemotingCommand req = RemotingCommand::Request(Q::kUpdateBrokerConfig);
    req.body = body;
    return b.Call(req);
  };
  RemotingCommand r = update("brokerConfigPath=/tmp/x\n");
  CHECK(r.code == RC::kNoPermission);
  CHECK(r.remark == std::optional<std::string>("Can not update config in black list."));

  r = update("brokerPermission=4\nnoSuchKey=1\n");
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("").find("noSuchKey") != std::string::npos);

  r = update("brokerPermission=4\nmaxMessageSize=lots\n");
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("").find("maxMessageSize") != std::string::npos);

  r = update("brokerPermission=4\nlistenPort=20911\nstorePathRootDir=/elsewhere\n");
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("").find("listenPort, storePathRootDir cannot be changed while the "
                                   "broker runs") != std::string::npos);

  CHECK(b.runtime().config().broker_permission == 6);
  CHECK(b.runtime().config_version().counter == 0);
}

TEST_CASE("the run-time key set is an option") {
  AdminFixtureOptions o;
  o.runtime.runtime_keys = {"listenPort"};
  AdminBroker b(o);
  RemotingCommand req = RemotingCommand::Request(Q::kUpdateBrokerConfig);
  req.body = "brokerPermission=4";
  CHECK(b.Call(req).code == RC::kSystemError);
  req.body = "listenPort=20911";
  CHECK(b.Call(req).code == RC::kSuccess);
  CHECK(b.runtime().config().listen_port == 20911);
}

}  // namespace
}  // namespace tern::processor::testing

namespace tern::processor::testing {
namespace {

// A config file stand-in: records what would be saved and answers on the loop.
struct FakeConfigFile {
  std::mutex mu;
  std::vector<PropertyList> saved;
  Status outcome = Status::Ok();
};

AdminFixtureOptions WithConfigFile(FakeConfigFile& file, net::EventLoop** loop_slot) {
  AdminFixtureOptions o;
  o.runtime.max_live_message_size = 4 * 1024 * 1024;
  o.runtime.persist = [&file, loop_slot](PropertyList updates, std::function<void(Status)> done) {
    Status outcome;
    {
      std::lock_guard<std::mutex> lock(file.mu);
      file.saved.push_back(std::move(updates));
      outcome = file.outcome;
    }
    (*loop_slot)->Post([done, outcome] { done(outcome); });
  };
  return o;
}

RemotingCommand UpdateRequest(const std::string& body) {
  RemotingCommand req = RemotingCommand::Request(Q::kUpdateBrokerConfig);
  req.body = body;
  return req;
}

TEST_CASE("with a config file, restart keys are saved and reported, live keys apply now") {
  FakeConfigFile file;
  net::EventLoop* loop = nullptr;
  AdminBroker b(WithConfigFile(file, &loop));
  loop = &b.loop();
  std::vector<std::string> changed;
  b.runtime().SetConfigListener(
      [&](const broker::BrokerConfig&, const std::vector<std::string>& keys) { changed = keys; });

  RemotingCommand r = b.Call(UpdateRequest("brokerPermission=4\nlistenPort=20911\n"));
  REQUIRE(r.code == RC::kSuccess);
  CHECK(r.remark == std::optional<std::string>("saved; takes effect after restart: listenPort"));
  {
    std::lock_guard<std::mutex> lock(file.mu);
    REQUIRE(file.saved.size() == 1);
    REQUIRE(file.saved[0].size() == 2);
    CHECK(file.saved[0][0] == std::pair<std::string, std::string>("brokerPermission", "4"));
    CHECK(file.saved[0][1] == std::pair<std::string, std::string>("listenPort", "20911"));
  }
  CHECK(changed == std::vector<std::string>{"brokerPermission"});
  CHECK(b.runtime().config().broker_permission == 4);
  CHECK(b.runtime().config().listen_port != 20911);  // GET_BROKER_CONFIG shows what runs

  // Live keys only: saved too, no remark.
  r = b.Call(UpdateRequest("autoCreateTopicEnable=false"));
  REQUIRE(r.code == RC::kSuccess);
  CHECK_FALSE(r.remark.has_value());
  CHECK_FALSE(b.runtime().config().auto_create_topic_enable);
}

TEST_CASE("maxMessageSize above the start-up value needs a restart") {
  FakeConfigFile file;
  net::EventLoop* loop = nullptr;
  AdminBroker b(WithConfigFile(file, &loop));
  loop = &b.loop();
  RemotingCommand r = b.Call(UpdateRequest("maxMessageSize=1024"));
  REQUIRE(r.code == RC::kSuccess);
  CHECK(b.runtime().config().max_message_size == 1024);
  r = b.Call(UpdateRequest("maxMessageSize=4194304"));  // back up to the start value: live
  REQUIRE(r.code == RC::kSuccess);
  CHECK_FALSE(r.remark.has_value());
  r = b.Call(UpdateRequest("maxMessageSize=8388608"));
  REQUIRE(r.code == RC::kSuccess);
  CHECK(r.remark ==
        std::optional<std::string>("saved; takes effect after restart: maxMessageSize"));
  CHECK(b.runtime().config().max_message_size == 4194304);
}

TEST_CASE("a config file that cannot be saved fails the update and changes nothing") {
  FakeConfigFile file;
  file.outcome = Status::IoError("disk full");
  net::EventLoop* loop = nullptr;
  AdminBroker b(WithConfigFile(file, &loop));
  loop = &b.loop();
  bool called = false;
  b.runtime().SetConfigListener(
      [&](const broker::BrokerConfig&, const std::vector<std::string>&) { called = true; });
  RemotingCommand r = b.Call(UpdateRequest("brokerPermission=4"));
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("").find("disk full") != std::string::npos);
  CHECK_FALSE(called);
  CHECK(b.runtime().config().broker_permission == 6);
  CHECK(b.runtime().config_version().counter == 0);
}

TEST_CASE("without a config file a restart key is refused and the reason is named") {
  AdminBroker b;
  RemotingCommand r = b.Call(UpdateRequest("flushDiskType=SYNC_FLUSH"));
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("").find("flushDiskType cannot be changed while the broker runs") !=
        std::string::npos);
  CHECK(r.remark.value_or("").find("started without one") != std::string::npos);
  CHECK_FALSE(b.runtime().config().sync_flush());
}

}  // namespace
}  // namespace tern::processor::testing
