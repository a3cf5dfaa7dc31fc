// The whole path over TCP against an in-process Broker (real clock, every
// delay level 1 s): send, pull, send back, and pull the copy again from
// %RETRY%<group> once the delay service has delivered it.
#include <doctest/doctest.h>

#include <chrono>

#include "broker/broker.h"
#include "broker/retry/send_back.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/pull_headers.h"
#include "src/protocol/send_headers.h"
#include "src/remoting/rpc_client.h"
#include "test/util/temp_dir.h"

namespace tern::retry {
namespace {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;
namespace Q = protocol::RequestCode;

struct Client {
  Client() { REQUIRE(loop.Start().ok()); }
  ~Client() {
    rpc.Shutdown();
    loop.Stop();
  }
  RemotingCommand Call(const std::string& addr, RemotingCommand r, int64_t timeout_ms = 5000) {
    auto resp = rpc.InvokeSync(addr, std::move(r), timeout_ms);
    REQUIRE_MESSAGE(resp.ok(), resp.status().ToString());
    return std::move(resp).value();
  }
  net::EventLoop loop{"retry-broker-client"};
  remoting::RpcClient rpc{loop, {}};
};

RemotingCommand Pull(const std::string& group, const std::string& topic, int64_t offset) {
  protocol::PullMessageRequestHeader h;
  h.consumer_group = group;
  h.topic = topic;
  h.queue_id = 0;
  h.queue_offset = offset;
  h.max_msg_nums = 32;
  h.sys_flag = protocol::kPullFlagSubscription | protocol::kPullFlagSuspend;
  h.subscription = "*";
  h.expression_type = "TAG";
  h.suspend_timeout_millis = 2000;  // long polling: answered on arrival
  h.sub_version = 0;
  RemotingCommand r = RemotingCommand::Request(Q::kPullMessage);
  h.Encode(&r.ext_fields);
  return r;
}

// Pulls until the queue has a message or the deadline passes.
std::optional<RemotingCommand> PullUntilFound(Client& c, const std::string& addr,
                                              const std::string& group, const std::string& topic,
                                              int64_t deadline_ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadline_ms);
  while (std::chrono::steady_clock::now() < end) {
    RemotingCommand r = c.Call(addr, Pull(group, topic, 0));
    if (r.code == RC::kSuccess) return r;
    REQUIRE_MESSAGE((r.code == RC::kPullNotFound || r.code == RC::kPullRetryImmediately),
                    r.code << " " << r.remark.value_or(""));
  }
  return std::nullopt;
}

TEST_CASE(
    "a message sent back by a consumer is pulled again from its retry topic after the delay") {
  ::tern::testing::TempDir dir;
  broker::BrokerConfig config;
  config.broker_name = "broker-retry";
  config.broker_ip1 = "127.0.0.1";
  config.bind_address = "127.0.0.1";
  config.listen_port = 0;
  config.store_path_root_dir = dir.Sub("b");
  config.mapped_file_size_commit_log = 4 << 20;
  config.message_delay_level = "1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s";
  REQUIRE(broker::ResolveBrokerConfig(&config).ok());
  broker::Broker broker(config, SystemClock::Instance());
  REQUIRE(broker.Start().ok());
  const std::string addr = broker.addr();
  Client c;

  protocol::SendMessageRequestHeader h;
  h.producer_group = "PG";
  h.topic = "RetryOrders";
  h.default_topic = "TBW102";
  h.default_topic_queue_nums = 1;
  h.queue_id = 0;
  h.born_timestamp = SystemClock::Instance().NowMs();
  std::string props;
  protocol::AppendProperty(&props, "TAGS", "TagA");
  protocol::AppendProperty(&props, "UNIQ_KEY", "UNIQ-RETRY-1");
  protocol::AppendProperty(&props, "color", "red");
  h.properties = props;
  RemotingCommand send = RemotingCommand::Request(Q::kSendMessageV2);
  h.EncodeV2(&send.ext_fields);
  send.body = "order-42 unpaid";
  RemotingCommand sent = c.Call(addr, send);
  REQUIRE_MESSAGE(sent.code == RC::kSuccess, sent.remark.value_or(""));

  auto pulled = PullUntilFound(c, addr, "CG", "RetryOrders", 5000);
  REQUIRE(pulled.has_value());
  auto first = protocol::DecodeMessageRecord(pulled->body, true);
  REQUIRE(first.ok());
  CHECK(first->body == "order-42 unpaid");

  // The consumer fails: RECONSUME_LATER -> CONSUMER_SEND_MSG_BACK, delay level 0.
  SendBackRequestHeader back;
  back.offset = first->physical_offset.value();
  back.group = "CG";
  back.delay_level = 0;
  back.origin_msg_id = "UNIQ-RETRY-1";
  back.origin_topic = "RetryOrders";
  back.max_reconsume_times = 16;
  RemotingCommand request = RemotingCommand::Request(Q::kConsumerSendMsgBack);
  back.Encode(&request.ext_fields);
  const int64_t sent_back_at = SystemClock::Instance().NowMs();
  RemotingCommand answered = c.Call(addr, request);
  REQUIRE_MESSAGE(answered.code == RC::kSuccess, answered.remark.value_or(""));

  auto retried = PullUntilFound(c, addr, "CG", "%RETRY%CG", 10000);
  REQUIRE(retried.has_value());
  auto copy = protocol::DecodeMessageRecord(retried->body, true);
  REQUIRE(copy.ok());
  CHECK(copy->topic == "%RETRY%CG");
  CHECK(copy->reconsume_times == 1);
  CHECK(copy->body == "order-42 unpaid");
  CHECK(copy->store_timestamp >= sent_back_at + 1000);  // level 3 = 1 s here
  CHECK(protocol::FindProperty(copy->properties, "RETRY_TOPIC") == "RetryOrders");
  CHECK(protocol::FindProperty(copy->properties, "UNIQ_KEY") == "UNIQ-RETRY-1");
  CHECK(protocol::FindProperty(copy->properties, "color") == "red");
  CHECK(protocol::FindProperty(copy->properties, "ORIGIN_MESSAGE_ID").has_value());

  broker.Stop();
}

}  // namespace
}  // namespace tern::retry
