// BrokerStats fed by the send and pull processors (SendOptions::stats,
// PullOptions::stats), read back over TCP through GET_BROKER_RUNTIME_INFO and
// GET_CONSUME_STATS.
#include <doctest/doctest.h>

#include "src/protocol/admin_bodies.h"
#include "src/protocol/message_batch.h"
#include "test/broker/processor/broker_admin_fixture.h"

namespace tern::processor::testing {
namespace {

AdminFixtureOptions FeedStats() {
  AdminFixtureOptions o;
  o.feed_stats = true;
  return o;
}

RemotingCommand BatchRequest(const std::string& topic, int queue_id, int n) {
  std::string body;
  for (int i = 0; i < n; ++i) {
    protocol::BatchEntry e;
    e.body = "batched";
    protocol::AppendBatchEntry(e, &body);
  }
  protocol::SendMessageRequestHeader h = SendHeader(topic, queue_id);
  h.batch = true;
  return SendRequest(Q::kSendBatchMessage, h, body);
}

TEST_CASE("sends and pulls over TCP feed the runtime info and consume stats") {
  AdminBroker b(FeedStats());
  b.CreateTopic("T", 1, 1);
  b.stats().Sample(b.clock().NowMs());
  b.Put("T", 0, "hello");
  b.Put("T", 0, "world");
  RemotingCommand batch = b.Call(BatchRequest("T", 0, 3));
  REQUIRE(batch.code == RC::kSuccess);
  b.Dispatch();

  // A pull that finds the five messages, then one at the end that finds none.
  RemotingCommand found = b.Call(PullRequest(PullHeader("CG", "T", 0, 0)));
  REQUIRE(found.code == RC::kSuccess);
  REQUIRE(DecodeRecords(found.body).size() == 5);
  RemotingCommand miss = b.Call(PullRequest(PullHeader("CG", "T", 0, 5)));
  REQUIRE(miss.code == RC::kPullNotFound);

  BrokerStats::Totals t = b.stats().totals();
  CHECK(t.put_messages == 5);  // the batch counts its three messages
  CHECK(t.put_bytes > 0);
  CHECK(t.put_failed == 0);
  CHECK(t.get_found == 1);
  CHECK(t.get_miss == 1);
  CHECK(t.get_transferred == 5);
  CHECK(t.get_bytes == static_cast<int64_t>(found.body.size()));

  b.clock().AdvanceMs(10'000);
  b.stats().Sample(b.clock().NowMs());

  auto kv =
      protocol::KvTable::Decode(b.Call(RemotingCommand::Request(Q::kGetBrokerRuntimeInfo)).body);
  REQUIRE_MESSAGE(kv.ok(), kv.status().ToString());
  CHECK(kv->table["msgPutTotalTodayNow"] == "5");
  CHECK(kv->table["msgGetTotalTodayNow"] == "5");
  CHECK(kv->table["putTps"] == "0.50 0.50 0.50");
  CHECK(kv->table["getTransferedTps"] == "0.50 0.50 0.50");

  RemotingCommand req = RemotingCommand::Request(Q::kGetConsumeStats);
  req.SetField("consumerGroup", "CG");
  req.SetField("topic", "T");
  RemotingCommand r = b.Call(req);
  REQUIRE(r.code == RC::kSuccess);
  auto stats = protocol::ConsumeStats::Decode(r.body);
  REQUIRE_MESSAGE(stats.ok(), stats.status().ToString());
  CHECK(stats->consume_tps > 0.0);
}

TEST_CASE("a send the store refuses counts as a failed put") {
  AdminBroker b(FeedStats());
  b.CreateTopic("T", 1, 1);
  REQUIRE(b.store().Close().ok());  // every append now fails
  RemotingCommand r = b.Call(SendRequest(Q::kSendMessageV2, SendHeader("T", 0), std::string("m")));
  CHECK(r.code != RC::kSuccess);
  CHECK(b.stats().totals().put_failed == 1);
  CHECK(b.stats().totals().put_messages == 0);
}

}  // namespace
}  // namespace tern::processor::testing
