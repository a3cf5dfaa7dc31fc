// INVOKE_BROKER_TO_RESET_OFFSET with real consumer clients heartbeating into
// the group: stored offsets move and each client is told in the form it can
// read (quirks Q26).
#include <doctest/doctest.h>

#include "src/protocol/admin_bodies.h"
#include "test/broker/processor/broker_admin_fixture.h"

namespace tern::processor::testing {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;

protocol::MessageQueue Mq(int32_t q) { return protocol::MessageQueue{"T", "broker-a", q}; }

RemotingCommand ResetRequest(const std::string& group, int64_t timestamp, bool force,
                             const std::string& topic = "T") {
  RemotingCommand r = RemotingCommand::Request(Q::kInvokeBrokerToResetOffset);
  r.SetField("topic", topic);
  r.SetField("group", group);
  r.SetField("timestamp", timestamp);
  r.SetField("isForce", force);
  return r;
}

// Topic T with two queues: q0 holds messages stored at T0, T0+1s, T0+2s;
// q1 at T0 and T0+2s. Group CG has consumed everything.
void Populate(AdminBroker& b) {
  b.CreateTopic("T", 2, 2);
  b.clock().SetMs(kT0);
  b.Put("T", 0);
  b.Put("T", 1);
  b.clock().SetMs(kT0 + 1000);
  b.Put("T", 0);
  b.clock().SetMs(kT0 + 2000);
  b.Put("T", 0);
  b.Put("T", 1);
  b.Dispatch();
  b.offsets().Commit("T", "CG", QueueId(0), QueueOffset(3));
  b.offsets().Commit("T", "CG", QueueId(1), QueueOffset(2));
}

// A consumer client of CG announcing `language`, recording what the broker sends it.
remoting::RpcClient& Consumer(AdminBroker& b, const std::string& language,
                              const std::string& client_id, Inbox& inbox) {
  remoting::RpcClient& c = b.NewClient(language);
  c.RegisterSync(protocol::RequestCode::kResetConsumerClientOffset,
                 [&inbox](const remoting::RequestContext&, const RemotingCommand& req) {
                   inbox.Add(req);
                   return RemotingCommand::ResponseTo(req, RC::kSuccess);
                 });
  b.Heartbeat(c, client_id, "CG", {"T"});
  return c;
}

int64_t Stored(AdminBroker& b, const std::string& group, int q) {
  auto o = b.offsets().Query("T", group, QueueId(q));
  REQUIRE(o.has_value());
  return o->value();
}

TEST_CASE("reset offset by time stores the offsets and sends each consumer its form") {
  AdminBroker b;
  Populate(b);
  Inbox java_inbox, cpp_inbox;
  Consumer(b, "JAVA", "java-client", java_inbox);
  Consumer(b, "CPP", "cpp-client", cpp_inbox);

  RemotingCommand r = b.Call(ResetRequest("CG", kT0 + 1000, true));
  REQUIRE_MESSAGE(r.code == RC::kSuccess, r.remark.value_or(""));
  const std::string map_form =
      R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:1,{"brokerName":"broker-a","queueId":1,"topic":"T"}:1}})";
  CHECK(r.body == map_form);
  CHECK(Stored(b, "CG", 0) == 1);
  CHECK(Stored(b, "CG", 1) == 1);

  REQUIRE(java_inbox.WaitFor(1));
  REQUIRE(cpp_inbox.WaitFor(1));
  RemotingCommand to_java = java_inbox.Got()[0];
  CHECK(to_java.code == protocol::RequestCode::kResetConsumerClientOffset);
  CHECK(to_java.IsOneway());
  CHECK(to_java.Field("topic") == std::optional<std::string_view>("T"));
  CHECK(to_java.Field("group") == std::optional<std::string_view>("CG"));
  CHECK(to_java.Field("timestamp") == std::optional<std::string_view>(std::to_string(kT0 + 1000)));
  CHECK(to_java.Field("isForce") == std::optional<std::string_view>("true"));
  CHECK(to_java.body == map_form);

  RemotingCommand to_cpp = cpp_inbox.Got()[0];
  CHECK(
      to_cpp.body ==
      R"({"offsetTable":[{"brokerName":"broker-a","offset":1,"queueId":0,"topic":"T"},{"brokerName":"broker-a","offset":1,"queueId":1,"topic":"T"}]})");
  auto decoded = protocol::ResetOffsetBody::Decode(to_cpp.body);
  REQUIRE(decoded.ok());
  CHECK(*protocol::FindQueue(decoded->offset_table, Mq(0)) == 1);
}

TEST_CASE("without isForce an offset only moves back") {
  AdminBroker b;
  Populate(b);
  b.offsets().Commit("T", "CG", QueueId(0), QueueOffset(1));
  Inbox inbox;
  Consumer(b, "JAVA", "c1", inbox);

  // timestamp -1 = the max offset (3 and 2): ahead of q0's 1, so q0 stays.
  RemotingCommand r = b.Call(ResetRequest("CG", -1, false));
  REQUIRE(r.code == RC::kSuccess);
  auto body = protocol::ResetOffsetBody::Decode(r.body);
  REQUIRE(body.ok());
  CHECK(*protocol::FindQueue(body->offset_table, Mq(0)) == 1);
  CHECK(*protocol::FindQueue(body->offset_table, Mq(1)) == 2);
  CHECK(Stored(b, "CG", 0) == 1);

  // With isForce it jumps forward.
  r = b.Call(ResetRequest("CG", -1, true));
  REQUIRE(r.code == RC::kSuccess);
  CHECK(Stored(b, "CG", 0) == 3);
  REQUIRE(inbox.WaitFor(2));
}

TEST_CASE("a group with no live consumer is CONSUMER_NOT_ONLINE and keeps its offsets") {
  AdminBroker b;
  Populate(b);
  RemotingCommand r = b.Call(ResetRequest("CG", kT0, true));
  CHECK(r.code == RC::kConsumerNotOnline);
  CHECK(r.remark == std::optional<std::string>(
                        "Consumer not online, so can not reset offset, Group: CG Topic: T "
                        "Timestamp: " +
                        std::to_string(kT0)));
  CHECK(Stored(b, "CG", 0) == 3);
  CHECK(Stored(b, "CG", 1) == 2);
}

TEST_CASE("reset offset errors: unknown topic, group without offsets, missing header") {
  AdminBroker b;
  Populate(b);
  Inbox inbox;
  Consumer(b, "JAVA", "c1", inbox);
  RemotingCommand r = b.Call(ResetRequest("CG", kT0, true, "Nope"));
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark == std::optional<std::string>(
                        "[reset-offset] reset offset failed, no topic in this broker. topic=Nope"));

  r = b.Call(ResetRequest("CG_NEW", kT0, true));
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark == std::optional<std::string>("THe consumer group <CG_NEW> not exist"));

  RemotingCommand missing = RemotingCommand::Request(Q::kInvokeBrokerToResetOffset);
  missing.SetField("topic", "T");
  missing.SetField("group", "CG");
  r = b.Call(missing);
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("").find("timestamp") != std::string::npos);
  CHECK(Stored(b, "CG", 0) == 3);
}

TEST_CASE("a 5.x single-queue reset to an explicit offset") {
  AdminBroker b;
  Populate(b);
  Inbox inbox;
  Consumer(b, "JAVA", "c1", inbox);
  RemotingCommand req = ResetRequest("CG", -1, false);
  req.SetField("queueId", int64_t{0});
  req.SetField("offset", int64_t{2});
  RemotingCommand r = b.Call(req);
  REQUIRE(r.code == RC::kSuccess);
  CHECK(r.body == R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:2}})");
  CHECK(Stored(b, "CG", 0) == 2);
  CHECK(Stored(b, "CG", 1) == 2);

  req.SetField("offset", int64_t{9});
  r = b.Call(req);
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark == std::optional<std::string>("Target offset 9 not in consume queue range [0-3]"));
}

}  // namespace
}  // namespace tern::processor::testing
