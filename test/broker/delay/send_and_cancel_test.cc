// The delay service behind a real RpcServer: a send processor with
// SendHooks::schedule (as the broker wires it) and CANCEL_SCHEDULED_MESSAGE,
// driven over TCP by an RpcClient, the way RocketMQ clients talk to a broker.
#include <doctest/doctest.h>

#include <future>

#include "broker/delay/cancel_processor.h"
#include "broker/delay/schedule_interceptor.h"
#include "broker/delay/schedule_service.h"
#include "broker/meta/config_table.h"
#include "broker/processor/send_processor.h"
#include "broker/topic/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "src/net/event_loop.h"
#include "src/protocol/codes.h"
#include "src/protocol/send_headers.h"
#include "src/remoting/rpc_client.h"
#include "src/remoting/rpc_server.h"
#include "test/broker/delay/delay_fixture.h"

namespace tern::delay {
namespace {

using remoting::RemotingCommand;
using testing::DelayFixture;
using testing::kT0;
using testing::Props;
namespace RC = protocol::ResponseCode;

class Wire {
 public:
  explicit Wire(DelayFixture& f) : f_(f) {
    topic_table_ = std::make_unique<meta::TopicConfigTable>(*f.db, f.clock);
    group_table_ = std::make_unique<meta::SubscriptionGroupTable>(*f.db, f.clock);
    REQUIRE(topic_table_->Load().ok());
    REQUIRE(group_table_->Load().ok());
    topics_ = std::make_unique<topic::TopicConfigManager>(*topic_table_,
                                                          topic::TopicConfigManagerOptions{});
    groups_ = std::make_unique<topic::SubscriptionGroupManager>(
        *group_table_, topic::SubscriptionGroupManagerOptions{});
    REQUIRE(topics_->Init().ok());
    REQUIRE(groups_->Init().ok());
    protocol::TopicConfig t;
    t.topic_name = "T";
    t.read_queue_nums = t.write_queue_nums = 4;
    t.perm = 6;
    REQUIRE(topics_->UpdateTopicConfig(t).ok());

    processor::SendHooks hooks;
    hooks.schedule = MakeSendHook(f.service->interceptor(), f.clock);  // the broker's wiring
    send_ = std::make_unique<processor::SendProcessor>(*topics_, *groups_, *f.store,
                                                       processor::SendOptions{}, hooks);
    cancel_ = std::make_unique<CancelProcessor>(*f.service);
    remoting::RpcServerOptions ro;
    ro.host = "127.0.0.1";
    server_ = std::make_unique<remoting::RpcServer>(loop_, ro);
    send_->Register(*server_);
    cancel_->Register(*server_);
    REQUIRE(loop_.Start().ok());
    REQUIRE(server_->Start().ok());
    addr_ = "127.0.0.1:" + std::to_string(server_->port());
    REQUIRE(client_loop_.Start().ok());
    client_ = std::make_unique<remoting::RpcClient>(client_loop_, remoting::RpcClientOptions());
  }
  ~Wire() {
    client_->Shutdown();
    client_loop_.Stop();
    server_->Stop();
    loop_.Stop();
  }

  RemotingCommand Send(const std::string& properties, int queue = 1) {
    protocol::SendMessageRequestHeader h;
    h.producer_group = "PG";
    h.topic = "T";
    h.default_topic = "TBW102";
    h.default_topic_queue_nums = 4;
    h.queue_id = queue;
    h.born_timestamp = kT0;
    h.properties = properties;
    RemotingCommand r = RemotingCommand::Request(protocol::RequestCode::kSendMessageV2);
    h.EncodeV2(&r.ext_fields);
    r.body = "order-42 unpaid";
    auto resp = client_->InvokeSync(addr_, std::move(r), 5000);
    REQUIRE(resp.ok());
    return std::move(resp).value();
  }

  // The service answers cancels from RunOnce: send, run, then wait.
  RemotingCommand Cancel(const std::string& topic, const std::string& uniq) {
    RemotingCommand r = RemotingCommand::Request(kCancelScheduledMessage);
    if (!topic.empty()) r.SetField(std::string(kCancelTopicField), topic);
    if (!uniq.empty()) r.SetField(std::string(kCancelUniqKeyField), uniq);
    auto promise = std::make_shared<std::promise<Result<RemotingCommand>>>();
    auto future = promise->get_future();
    client_->InvokeAsync(addr_, std::move(r), 5000,
                         [promise](Result<RemotingCommand> x) { promise->set_value(std::move(x)); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (future.wait_for(std::chrono::milliseconds(5)) != std::future_status::ready &&
           std::chrono::steady_clock::now() < deadline) {
      f_.Run();  // the request may not have reached the service yet
    }
    auto resp = future.get();
    REQUIRE(resp.ok());
    return std::move(resp).value();
  }

 private:
  DelayFixture& f_;
  std::unique_ptr<meta::TopicConfigTable> topic_table_;
  std::unique_ptr<meta::SubscriptionGroupTable> group_table_;
  std::unique_ptr<topic::TopicConfigManager> topics_;
  std::unique_ptr<topic::SubscriptionGroupManager> groups_;
  std::unique_ptr<processor::SendProcessor> send_;
  std::unique_ptr<CancelProcessor> cancel_;
  net::EventLoop loop_{"delay-test-io"};
  net::EventLoop client_loop_{"delay-test-client"};
  std::unique_ptr<remoting::RpcServer> server_;
  std::unique_ptr<remoting::RpcClient> client_;
  std::string addr_;
};

TEST_CASE("a RocketMQ client's DELAY=3 send is delivered to its topic and queue with its properties") {
  DelayFixture f;
  Wire wire(f);
  const std::string uniq = "7F0000010001000000000000000A";
  RemotingCommand resp = wire.Send(Props({{"DELAY", "3"},
                                          {"TAGS", "TagA"},
                                          {"KEYS", "order-42"},
                                          {"UNIQ_KEY", uniq},
                                          {"WAIT", "true"},
                                          {"userProp", "v"}}));
  REQUIRE_MESSAGE(resp.code == RC::kSuccess, resp.remark.value_or(""));
  CHECK(resp.Field("queueId") == std::optional<std::string_view>("1"));
  f.Dispatch();
  CHECK(f.Read("T", 1).empty());
  CHECK(f.Read("SCHEDULE_TOPIC_XXXX", 2).size() == 1);

  f.Run();
  f.RunAt(kT0 + 9'999);
  CHECK(f.Read("T", 1).empty());
  f.RunAt(kT0 + 10'000);
  auto got = f.Read("T", 1);
  REQUIRE(got.size() == 1);
  const testing::Stored& m = got[0];
  CHECK(m.body == "order-42 unpaid");
  CHECK(m.born_timestamp == kT0);
  CHECK(m.Prop("TAGS") == "TagA");
  CHECK(m.Prop("KEYS") == "order-42");
  CHECK(m.Prop("UNIQ_KEY") == uniq);
  CHECK(m.Prop("userProp") == "v");
  CHECK(m.Prop("CLUSTER") == "DefaultCluster");
  CHECK_FALSE(m.Prop("DELAY"));
  CHECK_FALSE(m.Prop("WAIT"));
  // Findable by key in its own topic, as consumers and mqadmin expect.
  CHECK(f.store->QueryMessage("T", "order-42", 10, 0, INT64_MAX).messages.size() == 1);
}

TEST_CASE("a timer send beyond the horizon or with a bad value answers MESSAGE_ILLEGAL") {
  DelayFixture f;
  Wire wire(f);
  RemotingCommand far = wire.Send(Props({{"TIMER_DELAY_SEC", std::to_string(41 * 24 * 3600)}}));
  CHECK(far.code == RC::kMessageIllegal);
  CHECK(far.remark.value_or("").find("beyond the maximum delay") != std::string::npos);
  RemotingCommand bad = wire.Send(Props({{"TIMER_DELIVER_MS", "tomorrow"}}));
  CHECK(bad.code == RC::kMessageIllegal);
  f.Dispatch();
  CHECK(f.Read("T", 1).empty());
  CHECK(f.Read(std::string(kTimerTopic), 0).empty());
  RemotingCommand ok = wire.Send(Props({{"TIMER_DELAY_SEC", "30"}}));
  CHECK(ok.code == RC::kSuccess);
}

TEST_CASE("CANCEL_SCHEDULED_MESSAGE answers cancelled, already delivered and not found") {
  DelayFixture f;
  Wire wire(f);
  REQUIRE(wire.Send(Props({{"TIMER_DELAY_SEC", "1800"}, {"UNIQ_KEY", "ORDER-1"}})).code ==
          RC::kSuccess);
  REQUIRE(wire.Send(Props({{"DELAY", "1"}, {"UNIQ_KEY", "ORDER-2"}})).code == RC::kSuccess);
  f.Run();

  RemotingCommand c1 = wire.Cancel("T", "ORDER-1");
  CHECK(c1.code == RC::kSuccess);
  CHECK(c1.Field("result") == std::optional<std::string_view>("CANCELLED"));

  f.RunAt(kT0 + 1000);
  RemotingCommand c2 = wire.Cancel("T", "ORDER-2");
  CHECK(c2.Field("result") == std::optional<std::string_view>("ALREADY_DELIVERED"));

  RemotingCommand c3 = wire.Cancel("T", "ORDER-3");
  CHECK(c3.Field("result") == std::optional<std::string_view>("NOT_FOUND"));
  RemotingCommand bad = wire.Cancel("T", "");
  CHECK(bad.code == RC::kInvalidParameter);

  f.RunAt(kT0 + 3600'000);
  auto got = f.Read("T", 1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].Prop("UNIQ_KEY") == "ORDER-2");
}

}  // namespace
}  // namespace tern::delay
