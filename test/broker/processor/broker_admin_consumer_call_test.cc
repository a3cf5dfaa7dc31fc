// GET_CONSUMER_RUNNING_INFO / CONSUME_MESSAGE_DIRECTLY relayed to a real
// consumer client, and INVOKE_BROKER_TO_GET_CONSUMER_STATUS gathering the
// answers of a group (remoting.md §11).
#include <doctest/doctest.h>

#include <future>

#include "src/protocol/admin_bodies.h"
#include "test/broker/processor/broker_admin_fixture.h"

namespace tern::processor::testing {
namespace {

const char* kRunningInfo =
    R"({"jstack":"","mqTable":{},"properties":{"PROP_CONSUME_TYPE":"CONSUME_PASSIVELY"},"statusTable":{},"subscriptionSet":[]})";

RemotingCommand RunningInfoRequest(const std::string& group, const std::string& client_id) {
  RemotingCommand r = RemotingCommand::Request(Q::kGetConsumerRunningInfo);
  r.SetField("consumerGroup", group);
  r.SetField("clientId", client_id);
  r.SetField("jstackEnable", false);
  return r;
}

TEST_CASE("GET_CONSUMER_RUNNING_INFO goes to the client and its answer comes back") {
  AdminBroker b;
  Inbox inbox;
  remoting::RpcClient& c = b.NewClient("JAVA");
  c.RegisterSync(Q::kGetConsumerRunningInfo,
                 [&](const remoting::RequestContext&, const RemotingCommand& req) {
                   inbox.Add(req);
                   RemotingCommand resp = RemotingCommand::ResponseTo(req, RC::kSuccess, "fine");
                   resp.SetField("answeredBy", "c1");
                   resp.body = kRunningInfo;
                   return resp;
                 });
  b.Heartbeat(c, "c1", "CG", {"T"});

  RemotingCommand r = b.Call(RunningInfoRequest("CG", "c1"));
  CHECK(r.code == RC::kSuccess);
  CHECK(r.remark == std::optional<std::string>("fine"));
  CHECK(r.body == kRunningInfo);
  CHECK(r.Field("answeredBy") == std::optional<std::string_view>("c1"));

  REQUIRE(inbox.WaitFor(1));
  RemotingCommand forwarded = inbox.Got()[0];
  CHECK(forwarded.code == Q::kGetConsumerRunningInfo);
  CHECK_FALSE(forwarded.IsOneway());
  CHECK(forwarded.ext_fields == RunningInfoRequest("CG", "c1").ext_fields);
}

TEST_CASE("a client's error answer is relayed with its code and remark") {
  AdminBroker b;
  remoting::RpcClient& c = b.NewClient("GO");
  c.RegisterSync(Q::kGetConsumerRunningInfo,
                 [](const remoting::RequestContext&, const RemotingCommand& req) {
                   return RemotingCommand::ResponseTo(req, RC::kSystemError, "no such consumer");
                 });
  b.Heartbeat(c, "c1", "CG", {"T"});
  RemotingCommand r = b.Call(RunningInfoRequest("CG", "c1"));
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark == std::optional<std::string>("no such consumer"));
}

TEST_CASE("a client that does not answer in time gives CONSUME_MSG_TIMEOUT") {
  AdminFixtureOptions o;
  o.calls.call_timeout_ms = 200;
  AdminBroker b(o);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  remoting::RpcClient& c = b.NewClientOnOwnLoop("JAVA");
  c.RegisterSync(Q::kGetConsumerRunningInfo,
                 [released](const remoting::RequestContext&, const RemotingCommand& req) {
                   // Holds the answer until the test has seen the timeout.
                   released.wait_for(std::chrono::seconds(5));
                   return RemotingCommand::ResponseTo(req, RC::kSuccess);
                 });
  b.Heartbeat(c, "c1", "CG", {"T"});
  RemotingCommand r = b.Call(RunningInfoRequest("CG", "c1"));
  release.set_value();
  CHECK(r.code == RC::kConsumeMsgTimeout);
  CHECK(r.remark.value_or("").starts_with("consumer <CG> <c1> Timeout: "));
}

TEST_CASE("a consumer that is not online is SYSTEM_ERROR naming it") {
  AdminBroker b;
  remoting::RpcClient& c = b.NewClient("JAVA");
  b.Heartbeat(c, "c1", "CG", {"T"});
  RemotingCommand r = b.Call(RunningInfoRequest("CG", "nobody"));
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark == std::optional<std::string>("The Consumer <CG> <nobody> not online"));
  r = b.Call(RunningInfoRequest("OTHER", "c1"));
  CHECK(r.remark == std::optional<std::string>("The Consumer <OTHER> <c1> not online"));
}

TEST_CASE("CONSUME_MESSAGE_DIRECTLY forwards the message body and relays the result") {
  AdminBroker b;
  Inbox inbox;
  remoting::RpcClient& c = b.NewClient("JAVA");
  c.RegisterSync(
      Q::kConsumeMessageDirectly, [&](const remoting::RequestContext&, const RemotingCommand& req) {
        inbox.Add(req);
        RemotingCommand resp = RemotingCommand::ResponseTo(req, RC::kSuccess);
        resp.body =
            R"({"autoCommit":true,"consumeResult":"CR_SUCCESS","order":false,"spentTimeMills":3})";
        return resp;
      });
  b.Heartbeat(c, "c1", "CG", {"T"});
  RemotingCommand req = RemotingCommand::Request(Q::kConsumeMessageDirectly);
  req.SetField("consumerGroup", "CG");
  req.SetField("clientId", "c1");
  req.SetField("msgId", "7F00000100002A9F0000000000000000");
  req.SetField("brokerName", "broker-a");
  req.body = std::string("stored\0record", 13);
  RemotingCommand r = b.Call(req);
  CHECK(r.code == RC::kSuccess);
  CHECK(r.body.find("CR_SUCCESS") != std::string::npos);
  REQUIRE(inbox.WaitFor(1));
  CHECK(inbox.Got()[0].body == req.body);
  CHECK(inbox.Got()[0].Field("msgId") == req.Field("msgId"));
}

TEST_CASE("INVOKE_BROKER_TO_GET_CONSUMER_STATUS gathers the members' answers") {
  AdminBroker b;
  const std::string answer =
      R"({"consumerTable":{},"messageQueueTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:5}})";
  remoting::RpcClient& good = b.NewClient("JAVA");
  good.RegisterSync(protocol::RequestCode::kGetConsumerStatusFromClient,
                    [&](const remoting::RequestContext&, const RemotingCommand& req) {
                      CHECK(req.Field("topic") == std::optional<std::string_view>("T"));
                      RemotingCommand resp = RemotingCommand::ResponseTo(req, RC::kSuccess);
                      resp.body = answer;
                      return resp;
                    });
  remoting::RpcClient& failing = b.NewClient("JAVA");
  failing.RegisterSync(protocol::RequestCode::kGetConsumerStatusFromClient,
                       [](const remoting::RequestContext&, const RemotingCommand& req) {
                         return RemotingCommand::ResponseTo(req, RC::kSystemError, "busy");
                       });
  b.Heartbeat(good, "good", "CG", {"T"});
  b.Heartbeat(failing, "failing", "CG", {"T"});

  RemotingCommand req = RemotingCommand::Request(Q::kInvokeBrokerToGetConsumerStatus);
  req.SetField("topic", "T");
  req.SetField("group", "CG");
  RemotingCommand r = b.Call(req);
  REQUIRE(r.code == RC::kSuccess);
  CHECK(
      r.body ==
      R"({"consumerTable":{"good":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:5}},"messageQueueTable":{}})");

  // Only the client named by clientAddr is asked.
  req.SetField("clientAddr", "failing");
  r = b.Call(req);
  REQUIRE(r.code == RC::kSuccess);
  CHECK(r.body == R"({"consumerTable":{},"messageQueueTable":{}})");

  RemotingCommand none = RemotingCommand::Request(Q::kInvokeBrokerToGetConsumerStatus);
  none.SetField("topic", "T");
  none.SetField("group", "EMPTY");
  r = b.Call(none);
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark ==
        std::optional<std::string>("No Any Consumer online in the consumer group: [EMPTY]"));
}

}  // namespace
}  // namespace tern::processor::testing
