// The real `ternmq broker` (and nameserver) over TCP with raw RocketMQ
// requests: registration, send/pull, batches, long polling, tag filters,
// auto-creation, consumer notifications, queue locks, the fast port, and the
// error paths that must not disturb anyone else.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "src/protocol/heartbeat_data.h"
#include "src/protocol/lock_batch_body.h"
#include "src/protocol/message_batch.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/subscription_data.h"
#include "src/remoting/rpc_server.h"
#include "test/broker/integration/broker_process.h"

namespace tern::testing {
namespace {

void CreateTopic(Cluster& c, const std::string& topic, int queues) {
  RemotingCommand r = c.client.Call(c.broker.addr, CreateTopicRequest(topic, queues));
  REQUIRE_MESSAGE(r.code == RC::kSuccess, r.remark.value_or(""));
}

RemotingCommand Send(Cluster& c, const std::string& topic, int queue, const std::string& body,
                     const std::string& props = {}) {
  RemotingCommand r =
      c.client.Call(c.broker.addr, SendRequest(SendHeader(topic, queue, props), body));
  REQUIRE_MESSAGE(r.code == RC::kSuccess, r.code << " " << r.remark.value_or(""));
  return r;
}

// Pulls until `n` records arrived (dispatch is asynchronous) or 5 s passed.
std::vector<std::string> PullBodies(Cluster& c, const protocol::PullMessageRequestHeader& h,
                                    size_t n, RemotingCommand* last = nullptr) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::string> bodies;
  while (true) {
    RemotingCommand r = c.client.Call(c.broker.addr, PullRequest(h));
    bodies.clear();
    if (r.code == RC::kSuccess) {
      for (const auto& rec : DecodeRecords(r.body)) bodies.emplace_back(rec.body);
    }
    if (last != nullptr) *last = r;
    if (bodies.size() >= n || ElapsedMs(start) > 5000) return bodies;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling with a deadline
  }
}

TEST_CASE("the broker registers with the nameserver and its topics get routes") {
  Cluster c;
  auto route = WaitForRoute(c.client, c.ns.addr, "TBW102", 5000);
  REQUIRE(route.has_value());
  REQUIRE(route->broker_datas.size() == 1);
  CHECK(route->broker_datas[0].broker_name == "broker-a");
  CHECK(route->broker_datas[0].cluster == "DefaultCluster");
  CHECK(route->broker_datas[0].broker_addrs.at(0) == c.broker.addr);
  REQUIRE(route->queue_datas.size() == 1);
  CHECK(route->queue_datas[0].write_queue_nums == 8);  // defaultTopicQueueNums

  // A topic created by an admin reaches the nameserver at once (Q40).
  CreateTopic(c, "AdminT", 3);
  auto admin = WaitForRoute(c.client, c.ns.addr, "AdminT", 1000);
  REQUIRE(admin.has_value());
  CHECK(admin->queue_datas[0].read_queue_nums == 3);
}

TEST_CASE("send v2 then pull returns every field of the message") {
  Cluster c;
  CreateTopic(c, "RoundTrip", 2);
  const std::string props = Props({{"TAGS", "TagA"},
                                   {"KEYS", "order-1 order-2"},
                                   {"UNIQ_KEY", "0A0B0C0D00002A9F0000000000000001"},
                                   {"color", "blue"},
                                   {"WAIT", "true"}});
  protocol::SendMessageRequestHeader h = SendHeader("RoundTrip", 1, props);
  h.flag = 7;
  h.born_timestamp = 1'700'000'123'456;
  h.reconsume_times = 0;
  RemotingCommand sent = c.client.Call(c.broker.addr, SendRequest(h, "hello, tern"));
  REQUIRE_MESSAGE(sent.code == RC::kSuccess, sent.remark.value_or(""));
  CHECK(FieldInt(sent, "queueId") == 1);
  CHECK(FieldInt(sent, "queueOffset") == 0);
  CHECK(sent.Field("MSG_REGION") == std::string_view("DefaultRegion"));
  CHECK(sent.Field("TRACE_ON") == std::string_view("true"));
  CHECK(sent.Field("transactionId") == std::string_view("0A0B0C0D00002A9F0000000000000001"));
  auto msg_id = protocol::DecodeOffsetMessageId(std::string(sent.Field("msgId").value_or("")));
  REQUIRE(msg_id.ok());
  CHECK(msg_id->store_host.ToString() == c.broker.addr);  // Q12: what the broker registered

  RemotingCommand pulled;
  auto bodies = PullBodies(c, PullHeader("CG", "RoundTrip", 1, 0), 1, &pulled);
  REQUIRE(bodies.size() == 1);
  CHECK(FieldInt(pulled, "nextBeginOffset") == 1);
  CHECK(FieldInt(pulled, "minOffset") == 0);
  CHECK(FieldInt(pulled, "maxOffset") == 1);
  auto records = DecodeRecords(pulled.body);
  const protocol::MessageRecord& m = records.at(0);
  CHECK(m.topic == "RoundTrip");
  CHECK(m.body == "hello, tern");
  CHECK(m.queue_id.value() == 1);
  CHECK(m.queue_offset.value() == 0);
  CHECK(m.physical_offset.value() == msg_id->offset.value());
  CHECK(m.flag == 7);
  CHECK(m.sys_flag == 0);
  CHECK(m.born_timestamp == 1'700'000'123'456);
  CHECK(m.born_host.ToString().rfind("127.0.0.1:", 0) == 0);
  CHECK(m.store_host.ToString() == c.broker.addr);
  CHECK(m.store_timestamp > 1'700'000'000'000);
  CHECK(m.reconsume_times == 0);
  CHECK(m.prepared_transaction_offset.value() == 0);
  CHECK(m.body_crc == protocol::BodyCrc("hello, tern"));
  CHECK(protocol::FindProperty(m.properties, "TAGS") == std::string_view("TagA"));
  CHECK(protocol::FindProperty(m.properties, "KEYS") == std::string_view("order-1 order-2"));
  CHECK(protocol::FindProperty(m.properties, "color") == std::string_view("blue"));
  CHECK(protocol::FindProperty(m.properties, "UNIQ_KEY") ==
        std::string_view("0A0B0C0D00002A9F0000000000000001"));
  CHECK(protocol::FindProperty(m.properties, "CLUSTER") == std::string_view("DefaultCluster"));
  CHECK_FALSE(protocol::FindProperty(m.properties, "WAIT").has_value());
}

TEST_CASE("a batch send stores consecutive messages in one queue") {
  Cluster c;
  CreateTopic(c, "Batch", 1);
  std::string body;
  std::vector<std::string> texts = {"b0", "b1", "b2", "b3"};
  std::vector<std::string> entry_props;
  for (size_t i = 0; i < texts.size(); ++i) {
    entry_props.push_back(Props({{"UNIQ_KEY", "B" + std::to_string(i)}}));
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    protocol::AppendBatchEntry({0, texts[i], entry_props[i]}, &body);
  }
  protocol::SendMessageRequestHeader h = SendHeader("Batch", 0);
  h.batch = true;
  RemotingCommand r = c.client.Call(c.broker.addr, SendRequest(h, body, Q::kSendBatchMessage));
  REQUIRE_MESSAGE(r.code == RC::kSuccess, r.remark.value_or(""));
  CHECK(FieldInt(r, "queueOffset") == 0);
  std::string ids(r.Field("msgId").value_or(""));
  CHECK(std::count(ids.begin(), ids.end(), ',') == 3);  // one offset msgId per message (Q17)

  RemotingCommand pulled;
  auto bodies = PullBodies(c, PullHeader("CG", "Batch", 0, 0), 4, &pulled);
  CHECK(bodies == texts);
  auto records = DecodeRecords(pulled.body);
  for (size_t i = 0; i < records.size(); ++i) {
    CHECK(records[i].queue_offset.value() == static_cast<int64_t>(i));
    CHECK(protocol::FindProperty(records[i].properties, "UNIQ_KEY") == "B" + std::to_string(i));
  }
}

TEST_CASE("a suspended pull is answered promptly after a send from another connection") {
  Cluster c;
  CreateTopic(c, "LongPoll", 1);
  protocol::PullMessageRequestHeader h = PullHeader("CG", "LongPoll", 0, 0);
  h.sys_flag |= protocol::kPullFlagSuspend;
  h.suspend_timeout_millis = 15'000;
  auto pending = c.client.CallAsync(c.broker.addr, PullRequest(h), 30'000);
  // Not answered: the pull is parked (an unparked pull answers NOT_FOUND at once).
  REQUIRE(pending.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout);

  Client producer;  // another connection
  RemotingCommand sent =
      producer.Call(c.broker.addr, SendRequest(SendHeader("LongPoll", 0), "wake up"));
  REQUIRE(sent.code == RC::kSuccess);
  auto after_send = std::chrono::steady_clock::now();
  REQUIRE(pending.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  int64_t latency = ElapsedMs(after_send);
  auto r = pending.get();
  REQUIRE(r.ok());
  REQUIRE(r->code == RC::kSuccess);
  auto records = DecodeRecords(r->body);
  REQUIRE(records.size() == 1);
  CHECK(records[0].body == "wake up");
  // The arrival listener wakes it; the 1 s sweep would be slower on average.
  CHECK_MESSAGE(latency < 500, "woken after " << latency << " ms");
}

TEST_CASE("a message sent with delay level 1 reaches its topic after a second, not before") {
  Cluster c;
  CreateTopic(c, "Later", 1);
  auto sent_at = std::chrono::steady_clock::now();
  Send(c, "Later", 0, "later", Props({{"DELAY", "1"}, {"KEYS", "order-1"}}));
  RemotingCommand last;
  auto bodies = PullBodies(c, PullHeader("CG", "Later", 0, 0), 1, &last);
  REQUIRE(bodies == std::vector<std::string>{"later"});
  CHECK(ElapsedMs(sent_at) >= 1000);
  auto records = DecodeRecords(last.body);
  REQUIRE(records.size() == 1);
  CHECK(protocol::FindProperty(records[0].properties, "KEYS") == "order-1");
}

TEST_CASE("timerMaxDelaySec bounds how far ahead a timer message may be scheduled") {
  Cluster c({"--timerMaxDelaySec=10"});
  CreateTopic(c, "Horizon", 1);
  RemotingCommand ok = c.client.Call(
      c.broker.addr, SendRequest(SendHeader("Horizon", 0, Props({{"TIMER_DELAY_SEC", "5"}})), "soon"));
  CHECK(ok.code == RC::kSuccess);
  RemotingCommand far = c.client.Call(
      c.broker.addr, SendRequest(SendHeader("Horizon", 0, Props({{"TIMER_DELAY_SEC", "60"}})), "far"));
  CHECK(far.code == RC::kMessageIllegal);
  CHECK_MESSAGE(far.remark.value_or("").find("10000 ms") != std::string::npos, far.remark.value_or(""));
}

TEST_CASE("a tag subscription returns only the matching messages") {
  Cluster c;
  CreateTopic(c, "Tags", 1);
  Send(c, "Tags", 0, "a", Props({{"TAGS", "A"}}));
  Send(c, "Tags", 0, "b", Props({{"TAGS", "B"}}));
  Send(c, "Tags", 0, "none");
  Send(c, "Tags", 0, "c", Props({{"TAGS", "C"}}));
  auto all = PullBodies(c, PullHeader("CG", "Tags", 0, 0, "*"), 4);
  REQUIRE(all.size() == 4);
  auto some = PullBodies(c, PullHeader("CG", "Tags", 0, 0, "A || C"), 2);
  CHECK(some == std::vector<std::string>{"a", "c"});
}

TEST_CASE("a send to an unknown topic auto-creates it through TBW102 and the route appears") {
  Cluster c;
  REQUIRE(WaitForRoute(c.client, c.ns.addr, "TBW102", 5000).has_value());
  // As with Apache RocketMQ, the answer to the send that created the topic
  // leaves after the nameserver has its route: a client may look it up at
  // once (deadline 0 = one lookup). Several topics, so a race would show.
  for (int i = 0; i < 5; ++i) {
    const std::string topic = "AutoCreated" + std::to_string(i);
    Send(c, topic, -1, "first");
    auto route = WaitForRoute(c.client, c.ns.addr, topic, /*deadline_ms=*/0);
    REQUIRE_MESSAGE(route.has_value(), "no route for " << topic << " right after the send");
    CHECK(route->queue_datas.at(0).write_queue_nums == 4);  // min(client 4, TBW102 8)
    CHECK(route->broker_datas.at(0).broker_addrs.at(0) == c.broker.addr);
  }
}

// Counts NOTIFY_CONSUMER_IDS_CHANGED per client, waits with a deadline.
class Notifications {
 public:
  void Add(const std::string& who) {
    std::lock_guard<std::mutex> lock(mu_);
    ++counts_[who];
    cv_.notify_all();
  }
  bool WaitFor(const std::string& who, int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return counts_[who] >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, int> counts_;
};

RemotingCommand Heartbeat(const std::string& client_id, const std::string& group) {
  protocol::HeartbeatData hb;
  hb.client_id = client_id;
  protocol::ConsumerData consumer;
  consumer.group_name = group;
  consumer.subscription_data_set.push_back(
      protocol::BuildSubscriptionData("Notify", "*", "TAG", 1));
  hb.consumer_data_set.push_back(consumer);
  RemotingCommand r = RemotingCommand::Request(Q::kHeartBeat);
  r.body = hb.Encode();
  return r;
}

TEST_CASE("two consumers heartbeating in one group are both notified of the change") {
  Cluster c;
  CreateTopic(c, "Notify", 2);
  Notifications notified;
  Client a, b;
  for (auto [client, name] : {std::pair{&a, "a"}, std::pair{&b, "b"}}) {
    std::string who = name;
    client->rpc().RegisterSync(
        Q::kNotifyConsumerIdsChanged,
        [&notified, who](const remoting::RequestContext&, const RemotingCommand& req) {
          CHECK(req.Field("consumerGroup") == std::string_view("CG"));
          notified.Add(who);
          return RemotingCommand::ResponseTo(req, RC::kSuccess);
        });
  }
  REQUIRE(a.Call(c.broker.addr, Heartbeat("client-a", "CG")).code == RC::kSuccess);
  REQUIRE(notified.WaitFor("a", 1));
  REQUIRE(b.Call(c.broker.addr, Heartbeat("client-b", "CG")).code == RC::kSuccess);
  CHECK(notified.WaitFor("a", 2));
  CHECK(notified.WaitFor("b", 1));

  RemotingCommand list = RemotingCommand::Request(Q::kGetConsumerListByGroup);
  list.SetField("consumerGroup", "CG");
  RemotingCommand ids = c.client.Call(c.broker.addr, list);
  REQUIRE(ids.code == RC::kSuccess);
  CHECK(ids.body.find("client-a") != std::string::npos);
  CHECK(ids.body.find("client-b") != std::string::npos);
  // The heartbeat created the group's retry topic and registered it before
  // answering (Q24): one lookup finds it.
  CHECK(WaitForRoute(c.client, c.ns.addr, "%RETRY%CG", /*deadline_ms=*/0).has_value());
}

// Stands between a broker and the real nameserver and hands its
// REGISTER_BROKER / UNREGISTER_BROKER on `delay_ms` late: a nameserver that is
// slow to learn new topics. The test's own lookups go to the nameserver.
class SlowNamesrvRelay {
 public:
  SlowNamesrvRelay(std::string ns_addr, int64_t delay_ms)
      : ns_addr_(std::move(ns_addr)), delay_ms_(delay_ms) {
    REQUIRE(loop_.Start().ok());
    remoting::RpcServerOptions options;
    options.host = "127.0.0.1";
    server_.emplace(loop_, options);
    for (int32_t code : {Q::kRegisterBroker, Q::kUnregisterBroker}) {
      server_->RegisterAsync(code, [this](const remoting::RequestContext&, RemotingCommand request,
                                          remoting::Responder responder) {
        loop_.RunAfter(delay_ms_, [this, request = std::move(request), responder]() mutable {
          upstream_.rpc().InvokeAsync(ns_addr_, std::move(request), 5000,
                                      [responder](Result<RemotingCommand> r) mutable {
                                        responder.ReplyResult(std::move(r));
                                      });
        });
      });
    }
    REQUIRE(server_->Start().ok());
    addr = "127.0.0.1:" + std::to_string(server_->port());
  }
  ~SlowNamesrvRelay() {
    server_->Stop();
    loop_.Stop();
  }
  std::string addr;

 private:
  const std::string ns_addr_;
  const int64_t delay_ms_;
  net::EventLoop loop_{"slow-ns-relay"};
  std::optional<remoting::RpcServer> server_;
  Client upstream_;
};

TEST_CASE("with a nameserver slow to confirm, the creating send is answered once it has the route") {
  TempDir dir;
  ServerProcess ns = StartNamesrv(dir);
  SlowNamesrvRelay relay(ns.addr, /*delay_ms=*/400);
  ServerProcess broker = StartBroker(relay.addr, dir.Sub("broker"), dir.Sub("broker.log"));
  Client client;
  REQUIRE(WaitForRoute(client, ns.addr, "TBW102", 10'000).has_value());
  auto started = std::chrono::steady_clock::now();
  RemotingCommand r =
      client.Call(broker.addr, SendRequest(SendHeader("SlowNsTopic", -1), "first"));
  REQUIRE_MESSAGE(r.code == RC::kSuccess, r.remark.value_or(""));
  CHECK(ElapsedMs(started) >= 400);  // it waited for the registration
  CHECK(WaitForRoute(client, ns.addr, "SlowNsTopic", /*deadline_ms=*/0).has_value());
  REQUIRE(client.Call(broker.addr, SendRequest(SendHeader("SlowNsTopic", -1), "second")).code ==
          RC::kSuccess);
  // Likewise a first heartbeat, which creates the group's retry topic (Q24).
  REQUIRE(client.Call(broker.addr, Heartbeat("client-slow", "SlowCG")).code == RC::kSuccess);
  CHECK(WaitForRoute(client, ns.addr, "%RETRY%SlowCG", /*deadline_ms=*/0).has_value());
  StopGracefully(broker);
}

TEST_CASE("queue locks over tcp: the holder keeps them until it unlocks") {
  Cluster c;
  CreateTopic(c, "Ordered", 2);
  auto body_for = [](const std::string& client_id) {
    protocol::LockBatchRequestBody body;
    body.client_id = client_id;
    body.consumer_group = "OG";
    for (int q = 0; q < 2; ++q) body.mq_set.insert({"Ordered", "broker-a", q});
    return body;
  };
  auto lock = [&](const std::string& client_id) {
    RemotingCommand r = RemotingCommand::Request(Q::kLockBatchMq);
    r.body = body_for(client_id).Encode();
    RemotingCommand resp = c.client.Call(c.broker.addr, r);
    REQUIRE(resp.code == RC::kSuccess);
    auto decoded = protocol::LockBatchResponseBody::Decode(resp.body);
    REQUIRE(decoded.ok());
    return decoded->lock_ok_mq_set.size();
  };
  CHECK(lock("client-1") == 2);
  CHECK(lock("client-2") == 0);
  CHECK(lock("client-1") == 2);  // renewed by the holder

  protocol::UnlockBatchRequestBody unlock;
  auto held = body_for("client-1");
  unlock.client_id = held.client_id;
  unlock.consumer_group = held.consumer_group;
  unlock.mq_set = held.mq_set;
  RemotingCommand r = RemotingCommand::Request(Q::kUnlockBatchMq);
  r.body = unlock.Encode();
  CHECK(c.client.Call(c.broker.addr, r).code == RC::kSuccess);
  CHECK(lock("client-2") == 2);
}

TEST_CASE("the fast port answers a send but refuses PULL_MESSAGE") {
  Cluster c;
  CreateTopic(c, "Fast", 1);
  const std::string fast = "127.0.0.1:" + std::to_string(FastPortOf(c.broker));
  REQUIRE(fast != c.broker.addr);
  RemotingCommand sent = c.client.Call(fast, SendRequest(SendHeader("Fast", 0), "via vip"));
  CHECK(sent.code == RC::kSuccess);
  RemotingCommand pull = c.client.Call(fast, PullRequest(PullHeader("CG", "Fast", 0, 0)));
  CHECK(pull.code == RC::kRequestCodeNotSupported);
  CHECK(pull.remark == std::optional<std::string>(" request type 11 not supported"));
  RemotingCommand offset = RemotingCommand::Request(Q::kGetMaxOffset);
  offset.SetField("topic", "Fast");
  offset.SetField("queueId", int64_t{0});
  CHECK(c.client.Call(fast, offset).code == RC::kSuccess);
  // The message sent through the fast port is pulled through the main port.
  CHECK(PullBodies(c, PullHeader("CG", "Fast", 0, 0), 1) == std::vector<std::string>{"via vip"});
}

TEST_CASE("administration requests are served on both ports") {
  Cluster c;
  CreateTopic(c, "Admin", 2);
  Send(c, "Admin", 1, "x");
  REQUIRE(PullBodies(c, PullHeader("CG", "Admin", 1, 0), 1).size() == 1);  // dispatched
  const std::string fast = "127.0.0.1:" + std::to_string(FastPortOf(c.broker));
  for (const std::string& addr : {c.broker.addr, fast}) {
    CAPTURE(addr);
    RemotingCommand runtime =
        c.client.Call(addr, RemotingCommand::Request(Q::kGetBrokerRuntimeInfo));
    CHECK(runtime.code == RC::kSuccess);
    CHECK(runtime.body.find("putTps") != std::string::npos);
    RemotingCommand config = c.client.Call(addr, RemotingCommand::Request(Q::kGetBrokerConfig));
    REQUIRE(config.code == RC::kSuccess);
    CHECK(config.body.find("listenPort=" + std::to_string(c.broker.port)) != std::string::npos);
    RemotingCommand stats = RemotingCommand::Request(Q::kGetTopicStatsInfo);
    stats.SetField("topic", "Admin");
    RemotingCommand table = c.client.Call(addr, stats);
    CHECK(table.code == RC::kSuccess);
    CHECK(table.body.find("\"maxOffset\":1") != std::string::npos);
  }
}

TEST_CASE("an unknown request code answers REQUEST_CODE_NOT_SUPPORTED") {
  Cluster c;
  RemotingCommand r = c.client.Call(c.broker.addr, RemotingCommand::Request(9999));
  CHECK(r.code == RC::kRequestCodeNotSupported);
  CHECK(r.remark == std::optional<std::string>(" request type 9999 not supported"));
}

// A raw socket to 127.0.0.1:port.
int Connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

TEST_CASE("a malformed frame closes only that connection") {
  Cluster c;
  CreateTopic(c, "Survivor", 1);
  int fd = Connect(c.broker.port);
  // total length 12, JSON header of 8 bytes that is not JSON.
  const char frame[] = "\x00\x00\x00\x0c\x00\x00\x00\x08not-json";
  REQUIRE(::write(fd, frame, sizeof(frame) - 1) == static_cast<ssize_t>(sizeof(frame) - 1));
  char buf[64];
  ssize_t n = ::read(fd, buf, sizeof(buf));
  CHECK(n == 0);  // closed by the broker (not a timeout: -1)
  ::close(fd);
  // Everyone else is still served, on an already open connection too.
  CHECK(Send(c, "Survivor", 0, "still here").code == RC::kSuccess);
  CHECK(PullBodies(c, PullHeader("CG", "Survivor", 0, 0), 1) ==
        std::vector<std::string>{"still here"});
}

TEST_CASE("broker refuses a bad config key and a busy port with a clear message") {
  TempDir dir;
  auto bad = RunCommand({TernmqBinary(), "broker", "--data-dir", dir.Sub("x"), "--listenPrt=1"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("unknown config key 'listenPrt'") != std::string::npos);
  auto printed =
      RunCommand({TernmqBinary(), "broker", "-n", "127.0.0.1:9", "-p", "20911", "--data-dir",
                  dir.Sub("x"), "--flushDiskType=SYNC_FLUSH", "--print-config"});
  CHECK(printed.exit_code == 0);
  CHECK(printed.out.find("listenPort=20911\n") != std::string::npos);
  CHECK(printed.out.find("namesrvAddr=127.0.0.1:9\n") != std::string::npos);
  CHECK(printed.out.find("flushDiskType=SYNC_FLUSH\n") != std::string::npos);
  CHECK(printed.out.find("storePathRootDir=" + dir.Sub("x") + "\n") != std::string::npos);

  Cluster c;
  auto busy =
      RunCommand({TernmqBinary(), "broker", "-p", std::to_string(c.broker.port), "-n", c.ns.addr,
                  "--data-dir", dir.Sub("second"), kTestSegmentSize, "--bindAddress=127.0.0.1"});
  CHECK(busy.exit_code == 1);
  CHECK_MESSAGE(busy.err.find(std::to_string(c.broker.port)) != std::string::npos, busy.err);
  CHECK_MESSAGE(busy.err.find("address already in use") != std::string::npos, busy.err);
}

TEST_CASE("ternmq dev runs a nameserver and a registered broker in one process") {
  TempDir dir;
  auto child = ChildProcess::Start({TernmqBinary(), "dev", "-p", "0", "--broker-port", "0",
                                    "--data-dir", dir.Sub("data"), kTestSegmentSize},
                                   dir.Sub("dev.log"));
  REQUIRE(child.ok());
  auto ns_line = child->WaitForLine("The Name Server boot success.", 10'000);
  REQUIRE_MESSAGE(ns_line.ok(), ReadFile(dir.Sub("dev.log")));
  auto broker_line = child->WaitForLine("] boot success.", 10'000);
  REQUIRE_MESSAGE(broker_line.ok(), ReadFile(dir.Sub("dev.log")));
  std::string ns_addr = "127.0.0.1:" + ns_line->substr(ns_line->rfind(':') + 1);
  CHECK(broker_line->find("and name server is " + ns_addr) != std::string::npos);
  Client client;
  auto route = WaitForRoute(client, ns_addr, "TBW102", 5000);
  REQUIRE(route.has_value());
  CHECK(route->broker_datas.at(0).broker_addrs.at(0).rfind("127.0.0.1:", 0) == 0);
  CHECK(std::filesystem::is_directory(dir.Sub("data/broker/commitlog")));
  CHECK(std::filesystem::is_directory(dir.Sub("data/namesrv")));
  REQUIRE(child->Signal(SIGTERM).ok());
  auto code = child->Wait(10'000);
  REQUIRE(code.ok());
  CHECK(*code == 0);
  CHECK_FALSE(std::filesystem::exists(dir.Sub("data/broker/abort")));  // clean shutdown
}

}  // namespace
}  // namespace tern::testing
