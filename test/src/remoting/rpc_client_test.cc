#include "src/remoting/rpc_client.h"

#include <doctest/doctest.h>

#include <future>
#include <mutex>
#include <vector>

#include "test/src/net/wait_util.h"
#include "test/src/remoting/raw_socket.h"

namespace tern::remoting {
namespace {

using tern::testing::Counter;
using tern::testing::ElapsedMs;
using testing::RawListener;
using testing::RawSocket;

struct Loop {
  Loop() { REQUIRE(loop.Start().ok()); }
  ~Loop() { loop.Stop(); }
  net::EventLoop loop{"cli-loop"};
};

// A server on its own loop: echo on code 100, held (never answered) on 101.
struct EchoServer {
  EchoServer() {
    REQUIRE(loop.Start().ok());
    RpcServerOptions o;
    o.host = "127.0.0.1";
    server = std::make_unique<RpcServer>(loop, o);
    server->RegisterSync(
        100, [this](const RequestContext&, const RemotingCommand& req) -> Result<RemotingCommand> {
          {
            std::lock_guard<std::mutex> lock(mu);
            seen_types.push_back(req.serialize_type);
            seen_languages.push_back(req.language);
          }
          RemotingCommand resp = RemotingCommand::ResponseTo(req, 0);
          resp.ext_fields = req.ext_fields;
          resp.body = req.body;
          return resp;
        });
    server->RegisterAsync(101, [this](const RequestContext&, RemotingCommand, Responder r) {
      std::lock_guard<std::mutex> lock(mu);
      held.push_back(r);
      held_count.Add();
    });
    REQUIRE(server->Start().ok());
  }
  ~EchoServer() {
    server.reset();
    loop.Stop();
  }
  std::string addr() const { return "127.0.0.1:" + std::to_string(server->port()); }
  net::EventLoop loop{"srv-loop"};
  std::unique_ptr<RpcServer> server;
  std::mutex mu;
  std::vector<SerializeType> seen_types;
  std::vector<std::string> seen_languages;
  std::vector<Responder> held;
  Counter held_count;
};

TEST_CASE("invoke sync round-trips in json and in binary") {
  EchoServer srv;
  Loop l;
  for (SerializeType type : {SerializeType::kJson, SerializeType::kRocketmq}) {
    RpcClientOptions o;
    o.serialize_type = type;
    RpcClient client(l.loop, o);
    RemotingCommand req = RemotingCommand::Request(100);
    req.SetField("k", "v");
    req.body = "body";
    auto resp = client.InvokeSync(srv.addr(), req, 3000);
    REQUIRE(resp.ok());
    CHECK(resp->code == 0);
    CHECK(resp->body == "body");
    CHECK(resp->ext_fields.at("k") == "v");
    CHECK(resp->serialize_type == type);
  }
  std::lock_guard<std::mutex> lock(srv.mu);
  REQUIRE(srv.seen_types.size() == 2);
  CHECK(srv.seen_types[0] == SerializeType::kJson);
  CHECK(srv.seen_types[1] == SerializeType::kRocketmq);
  CHECK(srv.seen_languages[0] == "CPP");
}

TEST_CASE("a request without response times out at its deadline") {
  EchoServer srv;
  Loop l;
  RpcClient client(l.loop, RpcClientOptions{});
  auto start = std::chrono::steady_clock::now();
  auto resp = client.InvokeSync(srv.addr(), RemotingCommand::Request(101), 200);
  CHECK(resp.status().code() == StatusCode::kTimeout);
  CHECK(ElapsedMs(start) >= 190);
  CHECK(ElapsedMs(start) < 1100);  // the tracker, not InvokeSync's safety margin
  // The connection is still usable.
  CHECK(client.InvokeSync(srv.addr(), RemotingCommand::Request(100), 3000).ok());
}

TEST_CASE("unknown codes come back as code 3") {
  EchoServer srv;
  Loop l;
  RpcClient client(l.loop, RpcClientOptions{});
  auto resp = client.InvokeSync(srv.addr(), RemotingCommand::Request(4242), 3000);
  REQUIRE(resp.ok());
  CHECK(resp->code == 3);
  CHECK(resp->remark == std::optional<std::string>(" request type 4242 not supported"));
}

TEST_CASE("a closed connection fails pending requests promptly and the next request reconnects") {
  RawListener listener;
  Loop l;
  RpcClient client(l.loop, RpcClientOptions{});
  std::promise<Result<RemotingCommand>> first;
  auto start = std::chrono::steady_clock::now();
  client.InvokeAsync(listener.addr(), RemotingCommand::Request(10), 30000,
                     [&](Result<RemotingCommand> r) { first.set_value(std::move(r)); });
  {
    auto conn = listener.Accept();
    REQUIRE(conn.has_value());
    REQUIRE(conn->ReadCommand().has_value());
  }  // server side closes
  auto f = first.get_future();
  REQUIRE(f.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  CHECK(f.get().status().code() == StatusCode::kUnavailable);
  CHECK(ElapsedMs(start) < 3000);

  std::promise<Result<RemotingCommand>> second;
  client.InvokeAsync(listener.addr(), RemotingCommand::Request(10), 5000,
                     [&](Result<RemotingCommand> r) { second.set_value(std::move(r)); });
  auto conn = listener.Accept();
  REQUIRE(conn.has_value());  // a new connection
  auto req = conn->ReadCommand();
  REQUIRE(req.has_value());
  CHECK(req->opaque >= 0);
  REQUIRE(conn->SendCommand(RemotingCommand::ResponseTo(*req, 0)));
  auto s = second.get_future();
  REQUIRE(s.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  CHECK(s.get().ok());
}

TEST_CASE("responses are matched by opaque in any order and unknown opaques are dropped") {
  RawListener listener;
  Loop l;
  RpcClient client(l.loop, RpcClientOptions{});
  std::promise<Result<RemotingCommand>> a, b;
  RemotingCommand ra = RemotingCommand::Request(10);
  ra.SetField("n", "a");
  RemotingCommand rb = RemotingCommand::Request(10);
  rb.SetField("n", "b");
  client.InvokeAsync(listener.addr(), ra, 5000,
                     [&](Result<RemotingCommand> r) { a.set_value(std::move(r)); });
  client.InvokeAsync(listener.addr(), rb, 5000,
                     [&](Result<RemotingCommand> r) { b.set_value(std::move(r)); });
  auto conn = listener.Accept();
  REQUIRE(conn.has_value());
  auto qa = conn->ReadCommand();
  auto qb = conn->ReadCommand();
  REQUIRE(qa.has_value());
  REQUIRE(qb.has_value());
  CHECK(qa->opaque != qb->opaque);
  RemotingCommand stray = RemotingCommand::ResponseTo(*qa, 0);
  stray.opaque = 0x7FFFFFF0;  // nobody waits for this one
  REQUIRE(conn->SendCommand(stray));
  RemotingCommand resp_b = RemotingCommand::ResponseTo(*qb, 0);
  resp_b.SetField("n", qb->StringOr("n", ""));
  RemotingCommand resp_a = RemotingCommand::ResponseTo(*qa, 0);
  resp_a.SetField("n", qa->StringOr("n", ""));
  REQUIRE(conn->SendCommand(resp_b));
  REQUIRE(conn->SendCommand(resp_a));
  auto fa = a.get_future();
  auto fb = b.get_future();
  REQUIRE(fa.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  REQUIRE(fb.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  CHECK(fa.get()->StringOr("n", "") == "a");
  CHECK(fb.get()->StringOr("n", "") == "b");
}

TEST_CASE(
    "client answers server requests on the same connection and stays silent for oneway ones") {
  RawListener listener;
  Loop l;
  RpcClient client(l.loop, RpcClientOptions{});
  Counter notified;
  client.RegisterSync(
      40, [&](const RequestContext& ctx, const RemotingCommand& req) -> Result<RemotingCommand> {
        CHECK(ctx.peer == listener.addr());
        notified.Add();
        return RemotingCommand::ResponseTo(req, 0);  // dropped: the request is oneway
      });
  client.RegisterSync(
      307, [&](const RequestContext&, const RemotingCommand& req) -> Result<RemotingCommand> {
        RemotingCommand resp = RemotingCommand::ResponseTo(req, 0);
        resp.body = "info";
        return resp;
      });
  client.InvokeOneway(listener.addr(), RemotingCommand::Request(34));  // opens the connection
  auto conn = listener.Accept();
  REQUIRE(conn.has_value());
  auto hb = conn->ReadCommand();
  REQUIRE(hb.has_value());
  CHECK(hb->IsOneway());
  CHECK(hb->code == 34);

  RemotingCommand oneway = RemotingCommand::Request(40);
  oneway.opaque = 500;
  oneway.flag = kFlagOneway;
  REQUIRE(conn->SendCommand(oneway));
  RemotingCommand unknown = RemotingCommand::Request(777);
  unknown.opaque = 501;
  REQUIRE(conn->SendCommand(unknown));
  RemotingCommand ask = RemotingCommand::Request(307);
  ask.opaque = 502;
  ask.serialize_type = SerializeType::kRocketmq;
  REQUIRE(conn->SendCommand(ask));

  auto r1 = conn->ReadCommand();
  REQUIRE(r1.has_value());
  CHECK(r1->opaque == 501);  // nothing came back for the oneway 500
  CHECK(r1->code == 3);
  auto r2 = conn->ReadFrame();
  REQUIRE(r2.has_value());
  CHECK(static_cast<uint8_t>((*r2)[4]) == 1);  // answered in the request's serialization
  auto r2c = DecodeFrame(*r2);
  REQUIRE(r2c.ok());
  CHECK(r2c->opaque == 502);
  CHECK(r2c->IsResponse());
  CHECK(r2c->body == "info");
  CHECK(notified.value() == 1);
}

TEST_CASE("connecting to a port without listener fails with unavailable") {
  uint16_t port;
  {
    RawListener gone;
    port = gone.port();
  }
  Loop l;
  RpcClient client(l.loop, RpcClientOptions{});
  auto start = std::chrono::steady_clock::now();
  auto r =
      client.InvokeSync("127.0.0.1:" + std::to_string(port), RemotingCommand::Request(1), 5000);
  CHECK(r.status().code() == StatusCode::kUnavailable);
  CHECK(ElapsedMs(start) < 3000);
  CHECK(client.InvokeSync("no-port", RemotingCommand::Request(1), 1000).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("close connection and shutdown fail pending requests with unavailable") {
  EchoServer srv;
  Loop l;
  RpcClient client(l.loop, RpcClientOptions{});
  std::promise<Result<RemotingCommand>> p1, p2;
  client.InvokeAsync(srv.addr(), RemotingCommand::Request(101), 30000,
                     [&](Result<RemotingCommand> r) { p1.set_value(std::move(r)); });
  REQUIRE(srv.held_count.WaitFor(1));
  client.CloseConnection(srv.addr());
  auto f1 = p1.get_future();
  REQUIRE(f1.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  CHECK(f1.get().status().code() == StatusCode::kUnavailable);

  client.InvokeAsync(srv.addr(), RemotingCommand::Request(101), 30000,
                     [&](Result<RemotingCommand> r) { p2.set_value(std::move(r)); });
  REQUIRE(srv.held_count.WaitFor(2));  // reconnected
  client.Shutdown();
  auto f2 = p2.get_future();
  REQUIRE(f2.wait_for(std::chrono::seconds(1)) == std::future_status::ready);
  CHECK(f2.get().status().code() == StatusCode::kUnavailable);
  CHECK(client.InvokeSync(srv.addr(), RemotingCommand::Request(100), 1000).status().code() ==
        StatusCode::kUnavailable);
}

TEST_CASE("oneway requests from the client reach the server handler") {
  EchoServer srv;
  Counter got;
  srv.server->RegisterSync(
      102, [&](const RequestContext&, const RemotingCommand& req) -> Result<RemotingCommand> {
        CHECK(req.IsOneway());
        got.Add();
        return RemotingCommand::ResponseTo(req, 0);
      });
  Loop l;
  RpcClient client(l.loop, RpcClientOptions{});
  for (int i = 0; i < 5; ++i) client.InvokeOneway(srv.addr(), RemotingCommand::Request(102));
  CHECK(got.WaitFor(5));
}

TEST_CASE("a client destroyed with requests in flight fails them and shuts down cleanly") {
  EchoServer srv;
  Loop l;
  auto client = std::make_unique<RpcClient>(l.loop, RpcClientOptions{});
  std::promise<Result<RemotingCommand>> p;
  client->InvokeAsync(srv.addr(), RemotingCommand::Request(101), 30000,
                      [&](Result<RemotingCommand> r) { p.set_value(std::move(r)); });
  REQUIRE(srv.held_count.WaitFor(1));
  client.reset();
  auto f = p.get_future();
  REQUIRE(f.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
  CHECK(f.get().status().code() == StatusCode::kUnavailable);
  CHECK(tern::testing::WaitUntil([&] { return srv.server->connection_count() == 0; }));
}

}  // namespace
}  // namespace tern::remoting
