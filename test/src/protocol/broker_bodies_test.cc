// Connection lists, consumer id list, queue lock bodies and MessageQueue.
#include <doctest/doctest.h>

#include "src/protocol/connection_body.h"
#include "src/protocol/lock_batch_body.h"
#include "src/protocol/message_queue.h"

namespace tern::protocol {
namespace {

// Byte-exact sample from shared/spec/requests.md §C.6.
const char* kConsumerConnection =
    R"({"connectionSet":[{"clientAddr":"127.0.0.1:5555","clientId":"cid","language":"JAVA","version":401}],"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING","subscriptionTable":{"T":{"classFilterMode":false,"codeSet":[65],"expressionType":"TAG","subString":"A || B","subVersion":1700000000000,"tagsSet":["A"],"topic":"T"}}})";

TEST_CASE("consumer connection encodes the spec sample byte-exact and decodes it back") {
  ConsumerConnection c;
  c.connection_set.push_back({"cid", "127.0.0.1:5555", "JAVA", 401});
  SubscriptionData s;
  s.topic = "T";
  s.sub_string = "A || B";
  s.tags_set = {"A"};
  s.code_set = {65};
  s.sub_version = 1700000000000;
  c.subscription_table["T"] = s;
  CHECK(c.Encode() == kConsumerConnection);
  auto back = ConsumerConnection::Decode(kConsumerConnection);
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(*back == c);
}

TEST_CASE("producer connection omits an unknown language") {
  ProducerConnection p;
  p.connection_set.push_back({"c1", "10.0.0.1:1", "GO", 317});
  p.connection_set.push_back({"c2", "10.0.0.2:2", "", 0});
  CHECK(
      p.Encode() ==
      R"({"connectionSet":[{"clientAddr":"10.0.0.1:1","clientId":"c1","language":"GO","version":317},{"clientAddr":"10.0.0.2:2","clientId":"c2","version":0}]})");
  auto back = ProducerConnection::Decode(p.Encode());
  REQUIRE(back.ok());
  CHECK(*back == p);
}

TEST_CASE("consumer id list matches the spec form") {
  ConsumerIdList l{{"c1", "c2"}};
  CHECK(l.Encode() == R"({"consumerIdList":["c1","c2"]})");
  auto back = ConsumerIdList::Decode(l.Encode());
  REQUIRE(back.ok());
  CHECK(*back == l);
}

TEST_CASE("message queues order by topic, then broker name, then queue id") {
  MessageQueue a{"A", "b", 5};
  MessageQueue b{"B", "a", 0};
  MessageQueue c{"B", "b", 0};
  MessageQueue d{"B", "b", 1};
  CHECK(a < b);
  CHECK(b < c);
  CHECK(c < d);
  CHECK(a.Encode() == R"({"brokerName":"b","queueId":5,"topic":"A"})");
}

TEST_CASE("lock batch bodies round-trip the spec samples") {
  const char* req =
      R"({"clientId":"cid","consumerGroup":"CG","mqSet":[{"brokerName":"broker-a","queueId":0,"topic":"T"}]})";
  auto lock = LockBatchRequestBody::Decode(req);
  REQUIRE_MESSAGE(lock.ok(), lock.status().ToString());
  CHECK(lock->client_id == "cid");
  CHECK(lock->consumer_group == "CG");
  REQUIRE(lock->mq_set.size() == 1);
  CHECK(*lock->mq_set.begin() == MessageQueue{"T", "broker-a", 0});
  CHECK_FALSE(lock->only_this_broker);
  CHECK(lock->Encode() == req);

  auto unlock = UnlockBatchRequestBody::Decode(
      R"({"clientId":"cid","consumerGroup":"CG","mqSet":[{"brokerName":"b","queueId":"1","topic":"T"}],"onlyThisBroker":true})");
  REQUIRE(unlock.ok());
  CHECK(unlock->only_this_broker);
  CHECK(unlock->mq_set.begin()->queue_id == 1);

  LockBatchResponseBody resp;
  resp.lock_ok_mq_set = {{"T", "broker-a", 1}, {"T", "broker-a", 0}};
  CHECK(
      resp.Encode() ==
      R"({"lockOKMQSet":[{"brokerName":"broker-a","queueId":0,"topic":"T"},{"brokerName":"broker-a","queueId":1,"topic":"T"}]})");
  auto back = LockBatchResponseBody::Decode(resp.Encode());
  REQUIRE(back.ok());
  CHECK(*back == resp);
  CHECK_FALSE(LockBatchRequestBody::Decode(R"({"mqSet":5})").ok());
}

}  // namespace
}  // namespace tern::protocol
