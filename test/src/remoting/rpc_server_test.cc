#include "src/remoting/rpc_server.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <future>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "src/base/byte_coding.h"
#include "src/remoting/rpc_client.h"
#include "test/src/net/wait_util.h"
#include "test/src/remoting/raw_socket.h"

namespace tern::remoting {
namespace {

using tern::testing::Counter;
using tern::testing::ElapsedMs;
using testing::RawSocket;

constexpr int32_t kEcho = 100;

// Echo: SUCCESS with the request's extFields and body.
Result<RemotingCommand> Echo(const RequestContext&, const RemotingCommand& req) {
  RemotingCommand resp = RemotingCommand::ResponseTo(req, 0);
  resp.ext_fields = req.ext_fields;
  resp.body = req.body;
  return resp;
}

struct Server {
  explicit Server(RpcServerOptions options = {}) {
    REQUIRE(loop.Start().ok());
    options.host = "127.0.0.1";
    if (options.max_frame_bytes == 16 * 1024 * 1024) options.max_frame_bytes = 64 * 1024;
    server = std::make_unique<RpcServer>(loop, options);
    server->RegisterSync(kEcho, Echo);
  }
  void Start() { REQUIRE(server->Start().ok()); }
  RawSocket Connect() {
    RawSocket s;
    REQUIRE(s.Connect(server->port()));
    return s;
  }
  std::string addr() const { return "127.0.0.1:" + std::to_string(server->port()); }
  ~Server() {
    server.reset();
    loop.Stop();
  }
  net::EventLoop loop{"srv-loop"};
  std::unique_ptr<RpcServer> server;
};

RemotingCommand Req(int32_t code, int32_t opaque, SerializeType type = SerializeType::kJson) {
  RemotingCommand cmd = RemotingCommand::Request(code);
  cmd.opaque = opaque;
  cmd.serialize_type = type;
  return cmd;
}

std::string RawJsonFrame(const std::string& header, const std::string& body = {}) {
  std::string f;
  AppendBE32(&f, static_cast<uint32_t>(4 + header.size() + body.size()));
  AppendBE32(&f, static_cast<uint32_t>(header.size()));
  return f + header + body;
}

TEST_CASE("unknown request code is answered with code 3 and the java remark") {
  Server s;
  s.Start();
  RawSocket sock = s.Connect();
  REQUIRE(sock.SendCommand(Req(999, 42)));
  auto resp = sock.ReadCommand();
  REQUIRE(resp.has_value());
  CHECK(resp->code == 3);
  CHECK(resp->remark == std::optional<std::string>(" request type 999 not supported"));
  CHECK(resp->opaque == 42);
  CHECK(resp->IsResponse());
  CHECK(resp->language == "JAVA");
  CHECK(resp->version == 401);
}

TEST_CASE("binary requests are answered in binary and json requests in json") {
  Server s;
  s.Start();
  RawSocket sock = s.Connect();
  RemotingCommand bin = Req(kEcho, 1, SerializeType::kRocketmq);
  bin.SetField("topic", "T");
  bin.body = "payload";
  REQUIRE(sock.SendCommand(bin));
  auto frame = sock.ReadFrame();
  REQUIRE(frame.has_value());
  CHECK(static_cast<uint8_t>((*frame)[4]) == 1);
  auto resp = DecodeFrame(*frame);
  REQUIRE(resp.ok());
  CHECK(resp->opaque == 1);
  CHECK(resp->ext_fields.at("topic") == "T");
  CHECK(resp->body == "payload");
  CHECK(resp->language == "JAVA");
  CHECK(resp->version == 401);

  REQUIRE(sock.SendCommand(Req(kEcho, 2, SerializeType::kJson)));
  frame = sock.ReadFrame();
  REQUIRE(frame.has_value());
  CHECK(static_cast<uint8_t>((*frame)[4]) == 0);
  CHECK(DecodeFrame(*frame)->opaque == 2);
}

TEST_CASE("numbers and booleans in request extFields reach handlers as strings") {
  Server s;
  std::promise<protocol::HeaderFields> got;
  s.server->RegisterSync(
      10, [&](const RequestContext&, const RemotingCommand& req) -> Result<RemotingCommand> {
        got.set_value(req.ext_fields);
        return RemotingCommand::ResponseTo(req, 0);
      });
  s.Start();
  RawSocket sock = s.Connect();
  REQUIRE(sock.Send(RawJsonFrame(
      R"({"code":10,"extFields":{"queueId":1,"unitMode":false,"sysFlag":0,"topic":"T"},"flag":0,"language":"CPP","opaque":5,"version":333})")));
  auto fut = got.get_future();
  REQUIRE(fut.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  auto fields = fut.get();
  CHECK(fields.at("queueId") == "1");
  CHECK(fields.at("unitMode") == "false");
  CHECK(fields.at("sysFlag") == "0");
  CHECK(fields.at("topic") == "T");
  auto resp = sock.ReadCommand();
  REQUIRE(resp.has_value());
  CHECK(resp->opaque == 5);
}

TEST_CASE("oneway requests are processed but never answered") {
  Server s;
  Counter handled;
  s.server->RegisterSync(
      11, [&](const RequestContext&, const RemotingCommand& req) -> Result<RemotingCommand> {
        handled.Add();
        return RemotingCommand::ResponseTo(req, 0);
      });
  s.server->RegisterSync(
      12, [&](const RequestContext&, const RemotingCommand&) -> Result<RemotingCommand> {
        handled.Add();
        return Status::Internal("fails, but oneway");
      });
  s.Start();
  RawSocket sock = s.Connect();
  RemotingCommand a = Req(11, 1);
  a.flag = kFlagOneway;
  RemotingCommand b = Req(999, 2);  // unknown code, oneway
  b.flag = kFlagOneway;
  RemotingCommand c = Req(12, 3);  // failing handler, oneway
  c.flag = kFlagOneway;
  REQUIRE(sock.SendCommand(a));
  REQUIRE(sock.SendCommand(b));
  REQUIRE(sock.SendCommand(c));
  REQUIRE(sock.SendCommand(Req(11, 4)));
  auto resp = sock.ReadCommand();
  REQUIRE(resp.has_value());
  CHECK(resp->opaque == 4);  // the first frame back answers the only two-way request
  CHECK(handled.value() == 3);
}

TEST_CASE("handler errors become system errors with the message as remark") {
  Server s;
  s.server->RegisterSync(
      20, [](const RequestContext&, const RemotingCommand& req) -> Result<RemotingCommand> {
        TERN_ASSIGN_OR_RETURN(std::string topic, req.RequiredString("topic"));
        return RemotingCommand::ResponseTo(req, 0);
      });
  s.server->RegisterAsync(21, [](const RequestContext&, RemotingCommand req, Responder r) {
    r.Reply(RemotingCommand::ResponseTo(req, 17, std::string("topic not exist")));
  });
  s.Start();
  RawSocket sock = s.Connect();
  REQUIRE(sock.SendCommand(Req(20, 1)));
  auto resp = sock.ReadCommand();
  REQUIRE(resp.has_value());
  CHECK(resp->code == 1);
  CHECK(resp->remark == std::optional<std::string>("missing header field topic"));
  REQUIRE(sock.SendCommand(Req(21, 2, SerializeType::kRocketmq)));
  resp = sock.ReadCommand();
  REQUIRE(resp.has_value());
  CHECK(resp->code == 17);
  CHECK(resp->serialize_type == SerializeType::kRocketmq);
}

TEST_CASE("an async handler's ReplyResult answers an error Status as a sync handler would") {
  Server s;
  s.server->RegisterAsync(22, [](const RequestContext&, RemotingCommand req, Responder r) {
    if (req.opaque == 1) {
      r.ReplyResult(Status::NotFound("no such group"));
    } else {
      r.ReplyResult(RemotingCommand::ResponseTo(req, 0));
    }
  });
  s.Start();
  RawSocket sock = s.Connect();
  REQUIRE(sock.SendCommand(Req(22, 1, SerializeType::kRocketmq)));
  auto resp = sock.ReadCommand();
  REQUIRE(resp.has_value());
  CHECK(resp->code == 1);  // SYSTEM_ERROR
  CHECK(resp->remark == std::optional<std::string>("no such group"));
  CHECK(resp->opaque == 1);
  CHECK(resp->serialize_type == SerializeType::kRocketmq);
  REQUIRE(sock.SendCommand(Req(22, 2)));
  resp = sock.ReadCommand();
  REQUIRE(resp.has_value());
  CHECK(resp->code == 0);
  CHECK(resp->opaque == 2);
}

TEST_CASE("bad frames close only the offending connection") {
  Server s;
  s.Start();
  RawSocket good = s.Connect();
  REQUIRE(good.SendCommand(Req(kEcho, 1)));
  REQUIRE(good.ReadCommand().has_value());

  std::vector<std::pair<const char*, std::string>> cases;
  {
    std::string f;
    AppendBE32(&f, 1 << 20);  // 1 MiB > 64 KiB limit
    cases.emplace_back("oversize frame", f + std::string(100, 'x'));
  }
  {
    std::string f;
    AppendBE32(&f, 2);
    cases.emplace_back("length below 4", f + "ab");
  }
  {
    std::string f;
    AppendBE32(&f, 10);
    AppendBE32(&f, 200);
    cases.emplace_back("header longer than frame", f + "{}{}{}");
  }
  cases.emplace_back("header not json", RawJsonFrame("this is not json"));
  cases.emplace_back("json not an object", RawJsonFrame("[1,2,3]"));
  {
    std::string f;
    AppendBE32(&f, 4 + 10);
    AppendBE32(&f, (1u << 24) | 10);
    cases.emplace_back("binary header truncated", f + std::string(10, '\0'));
  }
  {
    std::string h(13, '\0');
    AppendBE32(&h, 5000);  // remark length past the end
    AppendBE32(&h, 0);
    std::string f;
    AppendBE32(&f, static_cast<uint32_t>(4 + h.size()));
    AppendBE32(&f, (1u << 24) | static_cast<uint32_t>(h.size()));
    cases.emplace_back("binary length past end", f + h);
  }
  {
    std::string f;
    AppendBE32(&f, 6);
    AppendBE32(&f, (7u << 24) | 2);
    cases.emplace_back("unknown serialize type", f + "{}");
  }
  int opaque = 10;
  for (auto& [name, bytes] : cases) {
    CAPTURE(name);
    RawSocket bad = s.Connect();
    REQUIRE(bad.Send(bytes));
    CHECK(bad.WaitClosed());
    REQUIRE(good.SendCommand(Req(kEcho, ++opaque)));
    auto resp = good.ReadCommand();
    REQUIRE(resp.has_value());
    CHECK(resp->opaque == opaque);
  }
  CHECK(tern::testing::WaitUntil([&] { return s.server->connection_count() == 1; }));
}

TEST_CASE("a request split byte by byte and requests coalesced in one write are served") {
  Server s;
  s.Start();
  RawSocket sock = s.Connect();
  RemotingCommand req = Req(kEcho, 1);
  req.body = "split";
  std::string f = *EncodeFrame(req);
  for (char c : f) REQUIRE(sock.Send(std::string(1, c)));
  auto resp = sock.ReadCommand();
  REQUIRE(resp.has_value());
  CHECK(resp->body == "split");
  std::string many;
  for (int i = 2; i <= 6; ++i)
    many += *EncodeFrame(Req(kEcho, i, i % 2 ? SerializeType::kRocketmq : SerializeType::kJson));
  REQUIRE(sock.Send(many));
  for (int i = 2; i <= 6; ++i) {
    resp = sock.ReadCommand();
    REQUIRE(resp.has_value());
    CHECK(resp->opaque == i);
  }
}

TEST_CASE("many connections with many requests in flight get out-of-order async replies") {
  constexpr int kClients = 8;
  constexpr int kPerClient = 40;
  constexpr int kTotal = kClients * kPerClient;
  Server s;
  std::mutex mu;
  std::vector<std::pair<Responder, RemotingCommand>> held;
  std::promise<void> all_held;
  s.server->RegisterAsync(30, [&](const RequestContext&, RemotingCommand req, Responder r) {
    std::lock_guard<std::mutex> lock(mu);
    held.emplace_back(std::move(r), std::move(req));
    if (held.size() == kTotal) all_held.set_value();
  });
  s.Start();

  net::EventLoop client_loop("cli-loop");
  REQUIRE(client_loop.Start().ok());
  std::vector<std::unique_ptr<RpcClient>> clients;
  for (int i = 0; i < kClients; ++i)
    clients.push_back(std::make_unique<RpcClient>(client_loop, RpcClientOptions{}));
  Counter matched, mismatched;
  for (int c = 0; c < kClients; ++c) {
    for (int i = 0; i < kPerClient; ++i) {
      RemotingCommand req = RemotingCommand::Request(30);
      std::string seq = std::to_string(c) + "-" + std::to_string(i);
      req.SetField("seq", seq);
      clients[c]->InvokeAsync(s.addr(), std::move(req), 10000, [&, seq](Result<RemotingCommand> r) {
        if (r.ok() && r->StringOr("seq", "") == seq) {
          matched.Add();
        } else {
          mismatched.Add();
        }
      });
    }
  }
  auto fut = all_held.get_future();
  REQUIRE(fut.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(s.server->connection_count() == kClients);
  std::thread replier([&] {
    std::lock_guard<std::mutex> lock(mu);
    std::shuffle(held.begin(), held.end(), std::mt19937(7));
    for (auto& [responder, req] : held) {
      RemotingCommand resp = RemotingCommand::ResponseTo(req, 0);
      resp.SetField("seq", req.StringOr("seq", "?"));
      responder.Reply(std::move(resp));
    }
  });
  replier.join();
  CHECK(matched.WaitFor(kTotal, 10000));
  CHECK(mismatched.value() == 0);
  clients.clear();
  client_loop.Stop();
}

TEST_CASE("server-initiated requests are json with fresh opaques and oneway flags") {
  Server s;
  std::promise<ConnectionId> conn_id;
  s.server->RegisterSync(
      34, [&](const RequestContext& ctx, const RemotingCommand& req) -> Result<RemotingCommand> {
        conn_id.set_value(ctx.connection);
        CHECK(ctx.peer.rfind("127.0.0.1:", 0) == 0);
        return RemotingCommand::ResponseTo(req, 0);
      });
  s.Start();
  RawSocket sock = s.Connect();
  REQUIRE(sock.SendCommand(Req(34, 1, SerializeType::kRocketmq)));
  REQUIRE(sock.ReadCommand().has_value());
  ConnectionId id = conn_id.get_future().get();

  RemotingCommand notify = RemotingCommand::Request(40);
  notify.serialize_type = SerializeType::kRocketmq;  // ignored: always JSON
  notify.SetField("consumerGroup", "G");
  s.server->SendOneway(id, notify);
  auto frame = sock.ReadFrame();
  REQUIRE(frame.has_value());
  CHECK(static_cast<uint8_t>((*frame)[4]) == 0);
  auto got = DecodeFrame(*frame);
  REQUIRE(got.ok());
  CHECK(got->code == 40);
  CHECK(got->IsOneway());
  CHECK_FALSE(got->IsResponse());
  CHECK(got->opaque >= 0);
  CHECK(got->language == "JAVA");
  CHECK(got->version == 401);

  std::promise<Result<RemotingCommand>> answer;
  s.server->SendRequest(id, RemotingCommand::Request(307), 3000,
                        [&](Result<RemotingCommand> r) { answer.set_value(std::move(r)); });
  auto req = sock.ReadCommand();
  REQUIRE(req.has_value());
  CHECK(req->code == 307);
  CHECK_FALSE(req->IsOneway());
  RemotingCommand resp = RemotingCommand::ResponseTo(*req, 0);
  resp.body = "running-info";
  REQUIRE(sock.SendCommand(resp));
  auto fut = answer.get_future();
  REQUIRE(fut.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  auto result = fut.get();
  REQUIRE(result.ok());
  CHECK(result->body == "running-info");

  // Unknown connection: Unavailable, promptly.
  std::promise<Result<RemotingCommand>> none;
  s.server->SendRequest(ConnectionId(987654321), RemotingCommand::Request(307), 3000,
                        [&](Result<RemotingCommand> r) { none.set_value(std::move(r)); });
  auto nf = none.get_future();
  REQUIRE(nf.wait_for(std::chrono::seconds(1)) == std::future_status::ready);
  CHECK(nf.get().status().code() == StatusCode::kUnavailable);
}

TEST_CASE("server-initiated request times out or fails when the client leaves") {
  Server s;
  std::promise<ConnectionId> conn_id;
  s.server->RegisterSync(
      34, [&](const RequestContext& ctx, const RemotingCommand& req) -> Result<RemotingCommand> {
        conn_id.set_value(ctx.connection);
        return RemotingCommand::ResponseTo(req, 0);
      });
  s.Start();
  auto sock = std::make_unique<RawSocket>(s.Connect());
  REQUIRE(sock->SendCommand(Req(34, 1)));
  REQUIRE(sock->ReadCommand().has_value());
  ConnectionId id = conn_id.get_future().get();

  std::promise<Result<RemotingCommand>> timed_out;
  auto start = std::chrono::steady_clock::now();
  s.server->SendRequest(id, RemotingCommand::Request(307), 100,
                        [&](Result<RemotingCommand> r) { timed_out.set_value(std::move(r)); });
  auto tf = timed_out.get_future();
  REQUIRE(tf.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  CHECK(tf.get().status().code() == StatusCode::kTimeout);
  CHECK(ElapsedMs(start) >= 90);

  std::promise<Result<RemotingCommand>> dropped;
  s.server->SendRequest(id, RemotingCommand::Request(307), 30000,
                        [&](Result<RemotingCommand> r) { dropped.set_value(std::move(r)); });
  REQUIRE(sock->ReadCommand().has_value());  // the second request arrived
  sock.reset();                              // client goes away
  auto df = dropped.get_future();
  REQUIRE(df.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  CHECK(df.get().status().code() == StatusCode::kUnavailable);
}

TEST_CASE("idle connections are closed after the idle timeout") {
  RpcServerOptions opts;
  opts.idle_timeout_ms = 150;
  Server s(opts);
  std::promise<std::string> closed_peer;
  s.server->SetConnectionClosedHandler(
      [&](ConnectionId, const std::string& peer) { closed_peer.set_value(peer); });
  s.Start();
  auto start = std::chrono::steady_clock::now();
  RawSocket sock = s.Connect();
  REQUIRE(sock.SendCommand(Req(kEcho, 1)));
  REQUIRE(sock.ReadCommand().has_value());
  auto fut = closed_peer.get_future();
  REQUIRE(fut.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  CHECK(fut.get().rfind("127.0.0.1:", 0) == 0);
  CHECK(ElapsedMs(start) >= 140);
  CHECK(sock.WaitClosed());
  CHECK(s.server->connection_count() == 0);
}

TEST_CASE("late replies after the connection or the server went away are dropped") {
  auto s = std::make_unique<Server>();
  std::promise<Responder> held;
  s->server->RegisterAsync(
      50, [&](const RequestContext&, RemotingCommand, Responder r) { held.set_value(r); });
  Counter closed;
  s->server->SetConnectionClosedHandler([&](ConnectionId, const std::string&) { closed.Add(); });
  s->Start();
  {
    RawSocket sock = s->Connect();
    REQUIRE(sock.SendCommand(Req(50, 1)));
  }
  Responder r = held.get_future().get();
  CHECK(r.valid());
  REQUIRE(closed.WaitFor(1));
  Responder copy = r;
  std::thread([&] { r.Reply(RemotingCommand()); }).join();  // connection gone
  CHECK_FALSE(r.valid());
  s.reset();                      // server and its loop gone
  copy.Reply(RemotingCommand());  // must not crash
}

TEST_CASE("stopping the server closes every connection") {
  Server s;
  s.Start();
  RawSocket a = s.Connect();
  RawSocket b = s.Connect();
  REQUIRE(tern::testing::WaitUntil([&] { return s.server->connection_count() == 2; }));
  s.server->Stop();
  CHECK(a.WaitClosed());
  CHECK(b.WaitClosed());
  CHECK(tern::testing::WaitUntil([&] { return s.server->connection_count() == 0; }));
  RawSocket c;
  CHECK_FALSE(c.Connect(s.server->port()));
}

TEST_CASE("closing one connection by id runs the closed handler and spares the others") {
  // Declared before the server: its teardown still runs the closed handler.
  std::mutex mu;
  std::vector<ConnectionId> closed;
  ConnectionId seen;
  Server s;
  s.server->RegisterSync(kEcho + 1, [&](const RequestContext& ctx, const RemotingCommand& req)
                                        -> Result<RemotingCommand> {
    std::lock_guard lock(mu);
    seen = ctx.connection;
    return RemotingCommand::ResponseTo(req, 0);
  });
  s.server->SetConnectionClosedHandler([&](ConnectionId id, const std::string&) {
    std::lock_guard lock(mu);
    closed.push_back(id);
  });
  s.Start();
  RawSocket a = s.Connect();
  RawSocket b = s.Connect();
  REQUIRE(a.SendCommand(Req(kEcho + 1, 1)));
  REQUIRE(a.ReadFrame().has_value());
  ConnectionId target;
  {
    std::lock_guard lock(mu);
    target = seen;
  }
  s.server->CloseConnection(target, "test says so");
  CHECK(a.WaitClosed());
  REQUIRE(tern::testing::WaitUntil([&] {
    std::lock_guard lock(mu);
    return closed.size() == 1;
  }));
  CHECK(closed[0] == target);
  REQUIRE(b.SendCommand(Req(kEcho, 2)));
  CHECK(b.ReadFrame().has_value());
  s.server->CloseConnection(target, "again");  // already closed: ignored
  s.server->CloseConnection(ConnectionId(999999), "unknown");
  CHECK(s.server->connection_count() == 1);
}

}  // namespace
}  // namespace tern::remoting
