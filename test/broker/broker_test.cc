// The wiring's own pieces: config -> options, the hook adapters over real
// tables, and an in-process Broker started and stopped on ephemeral ports.
#include "broker/broker.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "broker/broker_adapters.h"
#include "broker/broker_options.h"
#include "src/protocol/codes.h"
#include "src/protocol/send_headers.h"
#include "src/remoting/rpc_client.h"
#include "test/util/temp_dir.h"

namespace tern::broker {
namespace {

using remoting::RemotingCommand;

TEST_CASE("delay levels parse RocketMQ's units and reject anything else") {
  auto levels = ParseDelayLevels("1s 5s  2m 1h 1d");
  REQUIRE(levels.ok());
  CHECK(*levels == std::vector<int64_t>{1000, 5000, 120'000, 3'600'000, 86'400'000});
  auto bad = ParseDelayLevels("1s 5x");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("'5x'") != std::string::npos);
  CHECK_FALSE(ParseDelayLevels("").ok());
  CHECK_FALSE(ParseDelayLevels("s").ok());
}

TEST_CASE("store options follow the broker config and carry the store host") {
  BrokerConfig c;
  c.store_path_root_dir = "/data/store";
  c.broker_ip1 = "10.0.0.5";
  REQUIRE(ResolveBrokerConfig(&c).ok());
  c.flush_disk_type = "SYNC_FLUSH";
  c.mapped_file_size_commit_log = 64 << 20;
  c.mapped_file_size_consume_queue = 1000 * 20;
  auto host = protocol::HostAddress::Parse("10.0.0.5:10911");
  REQUIRE(host.ok());
  auto o = StoreOptionsFrom(c, *host);
  REQUIRE(o.ok());
  CHECK(o->root_dir == "/data/store");
  CHECK(o->commit_log.dir == "/data/store/commitlog");
  CHECK(o->commit_log.flush_mode == store::FlushMode::kSync);
  CHECK(o->commit_log.segment_size == 64 << 20);
  CHECK(o->commit_log.store_host.ToString() == "10.0.0.5:10911");
  CHECK(o->consume_queue.units_per_file == 1000);
  CHECK(o->reput.delay_levels_ms.size() == 18);
  c.message_delay_level = "1q";
  CHECK_FALSE(StoreOptionsFrom(c, *host).ok());

  processor::PullOptions pull = PullOptionsFrom(c);
  CHECK(pull.hold.long_polling_enable);
  CHECK(RetentionOptionsFrom(c).disk_max_used_ratio == doctest::Approx(0.75));
}

struct Tables {
  Tables() {
    db = std::move(meta::MetaDb::Open(dir.Sub("meta")).value());
    topic_table = std::make_unique<meta::TopicConfigTable>(*db, clock);
    group_table = std::make_unique<meta::SubscriptionGroupTable>(*db, clock);
    REQUIRE(topic_table->Load().ok());
    REQUIRE(group_table->Load().ok());
  }
  ::tern::testing::TempDir dir;
  ManualClock clock;
  std::unique_ptr<meta::MetaDb> db;
  std::unique_ptr<meta::TopicConfigTable> topic_table;
  std::unique_ptr<meta::SubscriptionGroupTable> group_table;
};

TEST_CASE("the group source finds or auto-creates groups and reports their settings") {
  Tables t;
  topic::SubscriptionGroupManager on(*t.group_table, {true});
  GroupSourceAdapter source(on);
  CHECK_FALSE(source.FindGroup("CG").has_value());
  auto created = source.FindOrCreateGroup("CG");
  REQUIRE(created.ok());
  REQUIRE(created->has_value());
  CHECK((*created)->retry_queue_nums == 1);
  protocol::SubscriptionGroupConfig custom;
  custom.group_name = "Quiet";
  custom.retry_queue_nums = 3;
  custom.notify_consumer_ids_changed_enable = false;
  REQUIRE(on.Update(custom).ok());
  auto quiet = source.FindGroup("Quiet");
  REQUIRE(quiet.has_value());
  CHECK(quiet->retry_queue_nums == 3);
  CHECK_FALSE(quiet->notify_consumer_ids_changed_enable);

  topic::SubscriptionGroupManager off(*t.group_table, {false});
  GroupSourceAdapter strict(off);
  auto none = strict.FindOrCreateGroup("Unknown");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("the retry topic creator creates once and fires the change listener") {
  Tables t;
  topic::TopicConfigManager topics(*t.topic_table, {});
  REQUIRE(topics.Init().ok());
  int changes = 0;
  topics.SetChangeListener([&] { ++changes; });
  RetryTopicAdapter creator(topics);
  REQUIRE(creator.EnsureRetryTopic("%RETRY%CG", 1, 6, 0).ok());
  CHECK(changes == 1);
  CHECK(topics.Contains("%RETRY%CG"));
  REQUIRE(creator.EnsureRetryTopic("%RETRY%CG", 1, 6, 0).ok());
  CHECK(changes == 1);  // existing: unchanged, no re-registration

  TopicSourceAdapter source(topics);
  auto snapshot = source.TopicConfigSnapshot();
  CHECK(snapshot.topic_config_table.count("%RETRY%CG") == 1);
  CHECK(snapshot.topic_config_table.count("TBW102") == 1);
}

BrokerConfig TestConfig(const std::string& dir, int port = 0) {
  BrokerConfig c;
  c.broker_name = "broker-t";
  c.broker_ip1 = "127.0.0.1";
  c.bind_address = "127.0.0.1";
  c.listen_port = port;
  c.store_path_root_dir = dir;
  c.mapped_file_size_commit_log = 4 << 20;
  REQUIRE(ResolveBrokerConfig(&c).ok());
  return c;
}

TEST_CASE("an in-process broker serves on ephemeral ports and stops cleanly") {
  ::tern::testing::TempDir dir;
  Broker broker(TestConfig(dir.Sub("b")), SystemClock::Instance());
  REQUIRE(broker.Start().ok());
  CHECK(broker.port() != 0);
  CHECK(broker.fast_port() != 0);
  CHECK(broker.fast_port() != broker.port());
  CHECK(broker.addr() == "127.0.0.1:" + std::to_string(broker.port()));
  CHECK(broker.config().listen_port == broker.port());
  CHECK(std::filesystem::exists(dir.Sub("b/abort")));

  net::EventLoop loop("test-client");
  REQUIRE(loop.Start().ok());
  remoting::RpcClient client(loop, {});
  protocol::SendMessageRequestHeader h;
  h.producer_group = "PG";
  h.topic = "TBW102";
  h.queue_id = 0;
  RemotingCommand send = RemotingCommand::Request(protocol::RequestCode::kSendMessageV2);
  h.EncodeV2(&send.ext_fields);
  send.body = "x";
  auto r = client.InvokeSync(broker.addr(), send, 5000);
  REQUIRE(r.ok());
  CHECK(r->code == protocol::ResponseCode::kSuccess);
  client.Shutdown();
  loop.Stop();

  broker.Stop();
  CHECK_FALSE(std::filesystem::exists(dir.Sub("b/abort")));
  broker.Stop();  // idempotent
}

TEST_CASE("a broker whose port is taken fails to start and leaves its data directory free") {
  ::tern::testing::TempDir dir;
  Broker first(TestConfig(dir.Sub("a")), SystemClock::Instance());
  REQUIRE(first.Start().ok());
  {
    Broker second(TestConfig(dir.Sub("b"), first.port()), SystemClock::Instance());
    Status st = second.Start();
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find(std::to_string(first.port())) != std::string::npos);
  }
  Broker third(TestConfig(dir.Sub("b")), SystemClock::Instance());
  CHECK(third.Start().ok());  // the RocksDB and store locks were released
  third.Stop();
  first.Stop();
}

}  // namespace
}  // namespace tern::broker
