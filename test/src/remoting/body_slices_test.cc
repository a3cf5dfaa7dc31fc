// RemotingCommand::body_slices: bytes written after the body without copying,
// kept alive by their holders until the connection has written them.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "src/remoting/command_codec.h"
#include "src/remoting/rpc_client.h"
#include "src/remoting/rpc_server.h"
#include "test/src/net/wait_util.h"

namespace tern::remoting {
namespace {

constexpr int32_t kSliced = 101;

TEST_CASE("body slices follow the body in an encoded frame") {
  auto holder = std::make_shared<const std::string>("sliced");
  RemotingCommand cmd = RemotingCommand::Request(kSliced);
  cmd.body = "body-";
  cmd.body_slices.push_back(BodySlice{std::string_view(*holder).substr(0, 3), holder});
  cmd.body_slices.push_back(BodySlice{std::string_view(*holder).substr(3), holder});
  CHECK(cmd.BodySize() == 11);
  CHECK(cmd.FlatBody() == "body-sliced");
  for (SerializeType type : {SerializeType::kJson, SerializeType::kRocketmq}) {
    cmd.serialize_type = type;
    auto frame = EncodeFrame(cmd);
    REQUIRE(frame.ok());
    auto decoded = DecodeFrame(*frame);
    REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
    CHECK(decoded->body == "body-sliced");
    CHECK(decoded->body_slices.empty());
  }
}

TEST_CASE(
    "a response's body slices arrive over TCP and their holders are released after the write") {
  net::EventLoop server_loop("slices-srv");
  net::EventLoop client_loop("slices-cli");
  REQUIRE(server_loop.Start().ok());
  REQUIRE(client_loop.Start().ok());
  std::weak_ptr<const std::string> first, second;
  {
    RpcServerOptions so;
    so.host = "127.0.0.1";
    RpcServer server(server_loop, so);
    server.RegisterAsync(
        kSliced, [&](const RequestContext&, RemotingCommand request, Responder responder) {
          auto a = std::make_shared<const std::string>(std::string(100'000, 'a'));  // > one write
          auto b = std::make_shared<const std::string>("tail");
          first = a;
          second = b;
          RemotingCommand r = RemotingCommand::ResponseTo(request, 0);
          r.body = "head-";
          r.body_slices.push_back(BodySlice{*a, a});
          r.body_slices.push_back(BodySlice{*b, std::move(b)});
          r.body_slices.push_back(BodySlice{std::string_view(*a).substr(0, 2), std::move(a)});
          responder.Reply(std::move(r));
        });
    REQUIRE(server.Start().ok());
    RpcClient client(client_loop, RpcClientOptions{});
    auto r = client.InvokeSync("127.0.0.1:" + std::to_string(server.port()),
                               RemotingCommand::Request(kSliced), 5000);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(r->code == 0);
    CHECK(r->body == "head-" + std::string(100'000, 'a') + "tail" + "aa");
    // The holders go away in the write callback (not at server shutdown).
    CHECK(tern::testing::WaitUntil([&] { return first.expired() && second.expired(); }));
    client.Shutdown();
    server.Stop();
  }
  client_loop.Stop();
  server_loop.Stop();
}

}  // namespace
}  // namespace tern::remoting
