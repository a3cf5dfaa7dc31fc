// Metadata writes (fsynced RocksDB) run on the broker-meta worker, not on the
// I/O loop: while the worker is held (a slow disk), other requests on the
// same connection are answered, and the held ones complete once it goes on.
#include <doctest/doctest.h>

#include <future>

#include "broker/broker.h"
#include "src/protocol/codes.h"
#include "src/protocol/heartbeat_data.h"
#include "src/protocol/send_headers.h"
#include "src/remoting/rpc_client.h"
#include "test/util/temp_dir.h"

namespace tern::broker {
namespace {

using remoting::RemotingCommand;
namespace Q = protocol::RequestCode;
namespace RC = protocol::ResponseCode;

BrokerConfig OffloadConfig(const std::string& dir) {
  BrokerConfig c;
  c.broker_name = "broker-m";
  c.broker_ip1 = "127.0.0.1";
  c.bind_address = "127.0.0.1";
  c.listen_port = 0;
  c.store_path_root_dir = dir;
  c.mapped_file_size_commit_log = 4 << 20;
  REQUIRE(ResolveBrokerConfig(&c).ok());
  return c;
}

RemotingCommand Send(const std::string& topic) {
  protocol::SendMessageRequestHeader h;
  h.producer_group = "PG";
  h.topic = topic;
  h.default_topic = "TBW102";
  h.default_topic_queue_nums = 4;
  h.queue_id = 0;
  RemotingCommand send = RemotingCommand::Request(Q::kSendMessageV2);
  h.EncodeV2(&send.ext_fields);
  send.body = "x";
  return send;
}

RemotingCommand CreateTopic(const std::string& topic) {
  RemotingCommand r = RemotingCommand::Request(Q::kUpdateAndCreateTopic);
  r.SetField("topic", topic);
  r.SetField("readQueueNums", int64_t{2});
  r.SetField("writeQueueNums", int64_t{2});
  r.SetField("perm", int64_t{6});
  return r;
}

RemotingCommand Heartbeat(const std::string& group) {
  protocol::HeartbeatData data;
  data.client_id = "127.0.0.1@test";
  protocol::ConsumerData consumer;
  consumer.group_name = group;
  data.consumer_data_set.push_back(consumer);
  RemotingCommand r = RemotingCommand::Request(Q::kHeartBeat);
  r.body = data.Encode();
  return r;
}

// Sends `request` and returns a future of its response.
std::future<Result<RemotingCommand>> Start(remoting::RpcClient& client, const std::string& addr,
                                           RemotingCommand request) {
  auto promise = std::make_shared<std::promise<Result<RemotingCommand>>>();
  auto future = promise->get_future();
  client.InvokeAsync(addr, std::move(request), 10'000,
                     [promise](Result<RemotingCommand> r) { promise->set_value(std::move(r)); });
  return future;
}

bool Pending(std::future<Result<RemotingCommand>>& f) {
  return f.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
}

int32_t CodeOf(std::future<Result<RemotingCommand>>& f) {
  REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  auto r = f.get();
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r->code;
}

TEST_CASE("a held metadata write does not hold up other requests on the same connection") {
  ::tern::testing::TempDir dir;
  Broker broker(OffloadConfig(dir.Sub("b")), SystemClock::Instance());
  REQUIRE(broker.Start().ok());
  net::EventLoop loop("test-client");
  REQUIRE(loop.Start().ok());
  remoting::RpcClient client(loop, {});
  const std::string addr = broker.addr();
  REQUIRE(client.InvokeSync(addr, Send("TBW102"), 5000)->code == RC::kSuccess);  // connected

  broker.meta_worker().Hold();
  auto create = Start(client, addr, CreateTopic("AdminSlow"));
  auto auto_send = Start(client, addr, Send("AutoSlow"));
  auto auto_send2 = Start(client, addr, Send("AutoSlow"));  // queues behind the first
  auto heartbeat = Start(client, addr, Heartbeat("NewGroup"));

  // The loop still serves this connection: a send to an existing topic and a
  // GET_BROKER_RUNTIME_INFO are answered while the writes wait for the disk.
  auto other = client.InvokeSync(addr, Send("TBW102"), 5000);
  REQUIRE(other.ok());
  CHECK(other->code == RC::kSuccess);
  auto info = client.InvokeSync(addr, RemotingCommand::Request(Q::kGetBrokerRuntimeInfo), 5000);
  REQUIRE(info.ok());
  CHECK(info->code == RC::kSuccess);
  CHECK(Pending(create));
  CHECK(Pending(auto_send));
  CHECK(Pending(auto_send2));
  CHECK(Pending(heartbeat));
  CHECK(broker.meta_worker().completed() == 0);

  broker.meta_worker().Release();
  CHECK(CodeOf(create) == RC::kSuccess);
  auto first = auto_send.get();
  REQUIRE(first.ok());
  CHECK(first->code == RC::kSuccess);
  auto second = auto_send2.get();
  REQUIRE(second.ok());
  CHECK(second->code == RC::kSuccess);
  // The producer's order is kept: the second message got the next offset.
  CHECK(first->Field("queueOffset") == std::optional<std::string_view>("0"));
  CHECK(second->Field("queueOffset") == std::optional<std::string_view>("1"));
  CHECK(CodeOf(heartbeat) == RC::kSuccess);

  // What the worker wrote is there for the next requests.
  auto again = client.InvokeSync(addr, Send("AdminSlow"), 5000);
  REQUIRE(again.ok());
  CHECK(again->code == RC::kSuccess);
  client.Shutdown();
  loop.Stop();
  broker.Stop();
}

}  // namespace
}  // namespace tern::broker
