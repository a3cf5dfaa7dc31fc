// CONSUMER_SEND_MSG_BACK over TCP against a real RpcServer, a real store on a
// temp dir and the real delay ScheduleService over a ManualClock (driven by
// RunOnce through DelayFixture::Run, no sleeps): retries follow the levels,
// exhausted messages land in %DLQ%<group>.
#include "broker/processor/send_back_processor.h"

#include <doctest/doctest.h>

#include "broker/delay/delay_format.h"
#include "broker/delay/schedule_interceptor.h"
#include "broker/meta/config_table.h"
#include "broker/retry/send_back.h"
#include "broker/topic/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "src/net/event_loop.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_id.h"
#include "src/remoting/rpc_client.h"
#include "src/remoting/rpc_server.h"
#include "test/broker/delay/delay_fixture.h"

namespace tern::retry {
namespace {

using delay::testing::DelayFixture;
using delay::testing::Props;
using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

// A stored record with its commit-log offset (what a consumer sends back).
struct Found {
  delay::testing::Stored msg;
  int64_t log_offset = 0;
  std::string offset_msg_id;
  std::string Prop(std::string_view key) const { return msg.Prop(key).value_or("<absent>"); }
};

struct WireOptions {
  bool auto_create_groups = true;
  int32_t broker_permission = 6;
};

// DelayFixture + the topic and group managers + SendBackProcessor (with the
// broker's schedule hook) behind an RpcServer, and a client.
class SendBackWire {
 public:
  explicit SendBackWire(WireOptions o = {}) {
    topic_table_ = std::make_unique<meta::TopicConfigTable>(*f.db, f.clock);
    group_table_ = std::make_unique<meta::SubscriptionGroupTable>(*f.db, f.clock);
    REQUIRE(topic_table_->Load().ok());
    REQUIRE(group_table_->Load().ok());
    topics_ = std::make_unique<topic::TopicConfigManager>(*topic_table_,
                                                          topic::TopicConfigManagerOptions{});
    groups_ = std::make_unique<topic::SubscriptionGroupManager>(
        *group_table_, topic::SubscriptionGroupManagerOptions{o.auto_create_groups});
    REQUIRE(topics_->Init().ok());
    REQUIRE(groups_->Init().ok());
    topics_->SetChangeListener([this] { ++topic_changes; });

    processor::SendOptions so;
    so.broker_permission = o.broker_permission;
    processor_ = std::make_unique<processor::SendBackProcessor>(
        *topics_, *groups_, *f.store, so, delay::MakeSendHook(f.service->interceptor(), f.clock));
    remoting::RpcServerOptions ro;
    ro.host = "127.0.0.1";
    server_ = std::make_unique<remoting::RpcServer>(loop_, ro);
    processor_->Register(*server_);
    REQUIRE(loop_.Start().ok());
    REQUIRE(server_->Start().ok());
    addr_ = "127.0.0.1:" + std::to_string(server_->port());
    REQUIRE(client_loop_.Start().ok());
    client_ = std::make_unique<remoting::RpcClient>(client_loop_, remoting::RpcClientOptions());
  }
  ~SendBackWire() {
    client_->Shutdown();
    client_loop_.Stop();
    server_->Stop();
    loop_.Stop();
  }

  void SetGroup(const std::string& group, int32_t retry_queue_nums, int32_t retry_max_times) {
    protocol::SubscriptionGroupConfig g;
    g.group_name = group;
    g.retry_queue_nums = retry_queue_nums;
    g.retry_max_times = retry_max_times;
    REQUIRE(groups_->Update(g).ok());
  }

  // A consumed message as a producer stored it: returns its commit-log offset.
  int64_t StoreOriginal(const std::string& topic, const std::string& props,
                        int32_t reconsume_times = 0) {
    protocol::MessageRecord m;
    m.topic = topic;
    m.queue_id = QueueId(0);
    m.flag = 7;
    m.born_timestamp = f.clock.NowMs() - 5;
    m.born_host = protocol::HostAddress::V4(0x0A000001, 5555);
    m.reconsume_times = reconsume_times;
    m.body = "order-42 unpaid";
    m.properties = props;
    store::PutResult put = f.store->PutMessage(m);
    REQUIRE(put.stored());
    return put.offset.value();
  }

  RemotingCommand SendBack(int64_t offset, const std::string& group, int32_t delay_level,
                           std::optional<int32_t> max_reconsume_times = std::nullopt,
                           int32_t version = protocol::kOurVersion, bool unit_mode = false) {
    SendBackRequestHeader h;
    h.offset = offset;
    h.group = group;
    h.delay_level = delay_level;
    h.origin_msg_id = "CLIENTID";
    h.origin_topic = "Orders";
    h.max_reconsume_times = max_reconsume_times;
    h.unit_mode = unit_mode;
    RemotingCommand r = RemotingCommand::Request(protocol::RequestCode::kConsumerSendMsgBack);
    r.version = version;
    h.Encode(&r.ext_fields);
    auto resp = client_->InvokeSync(addr_, std::move(r), 5000);
    REQUIRE_MESSAGE(resp.ok(), resp.status().ToString());
    return std::move(resp).value();
  }

  // Every message of `topic` (all of its queues up to `queues`), in queue order.
  std::vector<Found> Read(const std::string& topic, int queues = 1) {
    std::vector<Found> out;
    for (int q = 0; q < queues; ++q) {
      store::ConsumeQueue* cq = f.store->consume_queues().Find(topic, QueueId(q));
      if (cq == nullptr) continue;
      for (int64_t off = cq->min_offset().value(); off < cq->max_offset().value(); ++off) {
        auto unit = cq->ReadUnit(QueueOffset(off));
        REQUIRE(unit.has_value());
        auto view = f.store->commit_log().ReadRecord(unit->offset);
        REQUIRE(view.ok());
        auto rec = protocol::DecodeMessageRecord(view->data(), true);
        REQUIRE(rec.ok());
        out.push_back(Found{delay::testing::ToStored(*rec), unit->offset.value(),
                            protocol::EncodeOffsetMessageId(rec->store_host, unit->offset)});
      }
    }
    return out;
  }

  topic::TopicConfigManager& topics() { return *topics_; }

  DelayFixture f;
  std::atomic<int> topic_changes{0};

 private:
  std::unique_ptr<meta::TopicConfigTable> topic_table_;
  std::unique_ptr<meta::SubscriptionGroupTable> group_table_;
  std::unique_ptr<topic::TopicConfigManager> topics_;
  std::unique_ptr<topic::SubscriptionGroupManager> groups_;
  std::unique_ptr<processor::SendBackProcessor> processor_;
  net::EventLoop loop_{"retry-test-io"};
  net::EventLoop client_loop_{"retry-test-client"};
  std::unique_ptr<remoting::RpcServer> server_;
  std::unique_ptr<remoting::RpcClient> client_;
  std::string addr_;
};

const std::string kOriginalProps =
    Props({{"TAGS", "TagA"}, {"KEYS", "order-42"}, {"UNIQ_KEY", "UNIQ42"}, {"color", "red"}});

TEST_CASE("each send-back is redelivered after its level's delay, then dead-lettered") {
  SendBackWire w;
  w.SetGroup("G", 1, 3);
  const int64_t first = w.StoreOriginal("Orders", kOriginalProps);
  w.f.Dispatch();
  const std::string first_id = w.Read("Orders")[0].offset_msg_id;
  const auto& levels = w.f.options.delay_levels_ms;

  int64_t offset = first;
  bool retried_marker_seen = false;
  for (int32_t times = 0; times < 3; ++times) {
    CAPTURE(times);
    RemotingCommand r = w.SendBack(offset, "G", 0);
    REQUIRE_MESSAGE(r.code == RC::kSuccess, r.remark.value_or(""));
    w.f.Run();
    const int level = 3 + times;
    auto scheduled = w.Read(std::string(delay::kScheduleTopic), 18);
    REQUIRE(scheduled.size() == static_cast<size_t>(times + 1));
    const Found& parked = scheduled.back();
    CHECK(parked.msg.queue_id == level - 1);
    CHECK(parked.Prop("DELAY") == std::to_string(level));
    CHECK(parked.Prop("REAL_TOPIC") == "%RETRY%G");
    CHECK(w.Read("%RETRY%G").size() == static_cast<size_t>(times));  // not yet

    const int64_t due = parked.msg.store_timestamp + levels[level - 1];
    w.f.RunAt(due - 1);
    CHECK(w.Read("%RETRY%G").size() == static_cast<size_t>(times));  // never early
    w.f.RunAt(due);
    auto retried = w.Read("%RETRY%G");
    REQUIRE(retried.size() == static_cast<size_t>(times + 1));
    const Found& copy = retried.back();
    CHECK(copy.msg.reconsume_times == times + 1);
    CHECK(copy.msg.body == "order-42 unpaid");
    CHECK(copy.msg.flag == 7);
    CHECK(copy.Prop("RETRY_TOPIC") == "Orders");
    CHECK(copy.Prop("ORIGIN_MESSAGE_ID") == first_id);
    CHECK(copy.Prop("UNIQ_KEY") == "UNIQ42");
    CHECK(copy.Prop("TAGS") == "TagA");
    CHECK(copy.Prop("DELAY") == "<absent>");
    CHECK(copy.Prop("WAIT") == "false");
    retried_marker_seen = copy.Prop(delay::kEntryProperty) != "<absent>";
    offset = copy.log_offset;  // the consumer fails again on the redelivered copy
  }

  RemotingCommand r = w.SendBack(offset, "G", 0);
  REQUIRE(r.code == RC::kSuccess);
  w.f.Run();
  CHECK(w.Read(std::string(delay::kScheduleTopic), 18).size() == 3);  // not scheduled
  auto dlq = w.Read("%DLQ%G");
  REQUIRE(dlq.size() == 1);
  const Found& dead = dlq[0];
  CHECK(dead.msg.reconsume_times == 4);
  CHECK(dead.msg.body == "order-42 unpaid");
  CHECK(dead.Prop("DELAY") == "0");
  CHECK(dead.Prop("RETRY_TOPIC") == "Orders");
  CHECK(dead.Prop("ORIGIN_MESSAGE_ID") == first_id);
  // The redelivered copy it came from carried the delay service's marker;
  // the DLQ copy must not (crash recovery would take it for a delivery).
  CHECK(retried_marker_seen);
  CHECK(dead.Prop(delay::kEntryProperty) == "<absent>");
  for (const char* key : {"TAGS", "KEYS", "UNIQ_KEY", "color"}) {
    CAPTURE(key);
    CHECK(dead.Prop(key) == *protocol::FindProperty(kOriginalProps, key));
  }
  auto dlq_config = w.topics().Select("%DLQ%G");
  REQUIRE(dlq_config.has_value());
  CHECK(dlq_config->read_queue_nums == 1);
  CHECK(dlq_config->write_queue_nums == 1);
  CHECK(dlq_config->perm == 6);  // RW since 4.9 (Q32)
}

TEST_CASE("delay level -1 sends the message to the dead-letter topic at once") {
  SendBackWire w;
  const int64_t offset = w.StoreOriginal("Orders", kOriginalProps);
  RemotingCommand r = w.SendBack(offset, "G", -1);
  REQUIRE(r.code == RC::kSuccess);
  w.f.Run();
  CHECK(w.Read(std::string(delay::kScheduleTopic), 18).empty());
  auto dlq = w.Read("%DLQ%G");
  REQUIRE(dlq.size() == 1);
  CHECK(dlq[0].msg.reconsume_times == 1);
  CHECK(dlq[0].Prop("DELAY") == "0");
  CHECK(dlq[0].Prop("color") == "red");
}

TEST_CASE("the header's maxReconsumeTimes is honoured for request version 121 and later only") {
  SendBackWire w;  // group G: retryMaxTimes 16
  const int64_t offset = w.StoreOriginal("Orders", kOriginalProps, /*reconsume_times=*/2);
  REQUIRE(w.SendBack(offset, "G", 0, /*max=*/2, /*version=*/120).code == RC::kSuccess);
  w.f.Run();
  CHECK(w.Read("%DLQ%G").empty());
  auto scheduled = w.Read(std::string(delay::kScheduleTopic), 18);
  REQUIRE(scheduled.size() == 1);
  CHECK(scheduled[0].Prop("DELAY") == "5");  // 3 + 2

  REQUIRE(w.SendBack(offset, "G", 0, /*max=*/2, /*version=*/121).code == RC::kSuccess);
  w.f.Run();
  CHECK(w.Read("%DLQ%G").size() == 1);
  CHECK(w.Read(std::string(delay::kScheduleTopic), 18).size() == 1);
}

TEST_CASE("an offset with no record answers SYSTEM_ERROR naming it") {
  SendBackWire w;
  w.StoreOriginal("Orders", kOriginalProps);
  const int64_t beyond = int64_t{1} << 30;
  RemotingCommand r = w.SendBack(beyond, "G", 0);
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("") == "look message by offset failed, " + std::to_string(beyond));
}

TEST_CASE("the retry topic is created with the group's retry queue count and registered") {
  SendBackWire w;
  w.SetGroup("G3", 3, 16);
  CHECK_FALSE(w.topics().Contains("%RETRY%G3"));
  const int64_t offset = w.StoreOriginal("Orders", kOriginalProps);
  const int changes_before = w.topic_changes.load();
  for (int i = 0; i < 12; ++i) REQUIRE(w.SendBack(offset, "G3", 1).code == RC::kSuccess);
  auto config = w.topics().Select("%RETRY%G3");
  REQUIRE(config.has_value());
  CHECK(config->read_queue_nums == 3);
  CHECK(config->write_queue_nums == 3);
  CHECK(config->perm == 6);
  CHECK(w.topic_changes.load() == changes_before + 1);  // one re-registration, at creation
  w.f.Run();
  for (const Found& parked : w.Read(std::string(delay::kScheduleTopic), 18)) {
    const int qid = std::stoi(parked.Prop("REAL_QID"));
    CHECK(qid >= 0);
    CHECK(qid < 3);
  }
}

TEST_CASE("a unit-mode send-back creates the retry topic with the unit-sub flag") {
  SendBackWire w;
  const int64_t offset = w.StoreOriginal("Orders", kOriginalProps);
  REQUIRE(w.SendBack(offset, "GU", 0, std::nullopt, protocol::kOurVersion, true).code ==
          RC::kSuccess);
  auto config = w.topics().Select("%RETRY%GU");
  REQUIRE(config.has_value());
  CHECK(config->topic_sys_flag == protocol::kTopicSysFlagUnitSub);
}

TEST_CASE("a group without retry queues drops the message and answers SUCCESS") {
  SendBackWire w;
  w.SetGroup("NoRetry", 0, 16);
  const int64_t offset = w.StoreOriginal("Orders", kOriginalProps);
  const auto end = w.f.store->commit_log().WrittenEnd();
  CHECK(w.SendBack(offset, "NoRetry", 0).code == RC::kSuccess);
  CHECK(w.f.store->commit_log().WrittenEnd() == end);
  CHECK_FALSE(w.topics().Contains("%RETRY%NoRetry"));
}

TEST_CASE("an unknown group without auto-creation answers SUBSCRIPTION_GROUP_NOT_EXIST") {
  SendBackWire w(WireOptions{.auto_create_groups = false});
  const int64_t offset = w.StoreOriginal("Orders", kOriginalProps);
  RemotingCommand r = w.SendBack(offset, "Nobody", 0);
  CHECK(r.code == RC::kSubscriptionGroupNotExist);
  CHECK_FALSE(w.topics().Contains("%RETRY%Nobody"));
}

TEST_CASE("a read-only broker refuses send-backs with NO_PERMISSION") {
  SendBackWire w(WireOptions{.broker_permission = 4});
  const int64_t offset = w.StoreOriginal("Orders", kOriginalProps);
  CHECK(w.SendBack(offset, "G", 0).code == RC::kNoPermission);
}

}  // namespace
}  // namespace tern::retry
