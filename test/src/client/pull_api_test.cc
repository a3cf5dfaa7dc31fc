// The pull wire format (src/client/pull_api.h): request header and flags,
// response codes, record decoding, client-side tag re-check.
#include "src/client/pull_api.h"

#include <doctest/doctest.h>

#include "src/protocol/codes.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_compression.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/pull_headers.h"

namespace tern::client {
namespace {

namespace Code = protocol::ResponseCode;
using remoting::RemotingCommand;

const ternmq::MessageQueue kQueue{"T", "broker-a", 2};

std::string Record(int64_t queue_offset, std::string_view tags, std::string_view body,
                   int32_t sys_flag = 0, std::string_view keys = "k1 k2") {
  std::string props;
  protocol::AppendProperty(&props, "UNIQ_KEY", "ID" + std::to_string(queue_offset));
  if (!tags.empty()) protocol::AppendProperty(&props, "TAGS", tags);
  if (!keys.empty()) protocol::AppendProperty(&props, "KEYS", keys);
  protocol::MessageRecord r;
  r.queue_id = QueueId(2);
  r.queue_offset = QueueOffset(queue_offset);
  r.physical_offset = PhysicalOffset(1000 + queue_offset);
  r.sys_flag = sys_flag;
  r.born_timestamp = 1700000000000;
  r.born_host = protocol::HostAddress::V4(0x7f000001, 50000);
  r.store_timestamp = 1700000000001;
  r.store_host = protocol::HostAddress::V4(0x7f000001, 10911);
  r.reconsume_times = 1;
  r.flag = 9;
  r.body = body;
  r.topic = "T";
  r.properties = props;
  std::string out;
  protocol::AppendMessageRecord(r, &out);
  return out;
}

RemotingCommand Response(int32_t code, std::string body = "", int64_t next = 5) {
  RemotingCommand r;
  r.code = code;
  r.flag = remoting::kFlagResponse;
  protocol::PullMessageResponseHeader h;
  h.next_begin_offset = next;
  h.min_offset = 0;
  h.max_offset = 9;
  h.Encode(&r.ext_fields);
  r.body = std::move(body);
  return r;
}

TEST_CASE("a pull request carries the subscription, suspend and commit flags") {
  PullArgs args;
  args.group = "CG";
  args.queue = kQueue;
  args.offset = 17;
  args.max_nums = 32;
  args.subscription = protocol::BuildSubscriptionData("T", "A || B", "TAG", 123);
  args.commit_offset = 15;
  args.suspend_timeout_ms = 15000;
  RemotingCommand request = BuildPullRequest(args);
  CHECK(request.code == protocol::RequestCode::kPullMessage);
  auto h = protocol::PullMessageRequestHeader::Parse(request.ext_fields);
  REQUIRE(h.ok());
  CHECK(h->consumer_group == "CG");
  CHECK(h->topic == "T");
  CHECK(h->queue_id == 2);
  CHECK(h->queue_offset == 17);
  CHECK(h->max_msg_nums == 32);
  CHECK(h->sys_flag == (protocol::kPullFlagCommitOffset | protocol::kPullFlagSuspend |
                        protocol::kPullFlagSubscription));
  CHECK(h->commit_offset == 15);
  CHECK(h->suspend_timeout_millis == 15000);
  CHECK(h->subscription == "A || B");
  CHECK(h->sub_version == 123);
  CHECK(h->expression_type == "TAG");

  args.commit_offset = 0;
  args.suspend_timeout_ms = 0;
  auto plain = protocol::PullMessageRequestHeader::Parse(BuildPullRequest(args).ext_fields);
  REQUIRE(plain.ok());
  CHECK(plain->sys_flag == protocol::kPullFlagSubscription);
}

TEST_CASE("a found pull decodes every record into a message view") {
  std::string big(5000, 'z');
  std::string body = Record(3, "A", "hello") +
                     Record(4, "A", protocol::ZlibCompress(big), 0x1, "solo");
  auto r = ParsePullResponse(Response(Code::kSuccess, body),
                             kQueue, protocol::BuildSubscriptionData("T", "*", "TAG", 0));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->status == ternmq::PullStatus::kFound);
  CHECK(r->next_begin_offset == 5);
  CHECK(r->max_offset == 9);
  REQUIRE(r->messages.size() == 2);
  const auto& m = r->messages[0];
  CHECK(m.msg_id == "ID3");
  CHECK(m.offset_msg_id == protocol::EncodeOffsetMessageId(
                               protocol::HostAddress::V4(0x7f000001, 10911), PhysicalOffset(1003)));
  CHECK(m.topic == "T");
  CHECK(m.tags == "A");
  CHECK(m.keys == std::vector<std::string>{"k1", "k2"});
  CHECK(m.body == "hello");
  CHECK(m.broker_name == "broker-a");
  CHECK(m.queue_id == 2);
  CHECK(m.queue_offset == 3);
  CHECK(m.born_timestamp_ms == 1700000000000);
  CHECK(m.store_timestamp_ms == 1700000000001);
  CHECK(m.born_host == "127.0.0.1:50000");
  CHECK(m.store_host == "127.0.0.1:10911");
  CHECK(m.reconsume_times == 1);
  CHECK(m.flag == 9);
  CHECK(m.properties.at("UNIQ_KEY") == "ID3");
  CHECK(r->messages[1].body == big);  // decompressed
  CHECK(r->messages[1].keys == std::vector<std::string>{"solo"});
}

TEST_CASE("messages whose tag the subscription does not name are dropped on the client") {
  std::string body = Record(0, "A", "a") + Record(1, "B", "b") + Record(2, "", "none");
  auto sub = protocol::BuildSubscriptionData("T", "B || C", "TAG", 0);
  auto r = ParsePullResponse(Response(Code::kSuccess, body), kQueue, sub);
  REQUIRE(r.ok());
  REQUIRE(r->messages.size() == 1);
  CHECK(r->messages[0].body == "b");

  auto only_a = ParsePullResponse(Response(Code::kSuccess, Record(0, "A", "a")), kQueue, sub);
  REQUIRE(only_a.ok());
  CHECK(only_a->status == ternmq::PullStatus::kNoMatchedMessage);
  CHECK(only_a->next_begin_offset == 5);
}

TEST_CASE("pull response codes map to pull statuses and broker errors") {
  auto sub = protocol::BuildSubscriptionData("T", "*", "TAG", 0);
  CHECK(ParsePullResponse(Response(Code::kPullNotFound), kQueue, sub)->status ==
        ternmq::PullStatus::kNoNewMessage);
  CHECK(ParsePullResponse(Response(Code::kPullRetryImmediately), kQueue, sub)->status ==
        ternmq::PullStatus::kNoMatchedMessage);
  auto moved = ParsePullResponse(Response(Code::kPullOffsetMoved, "", 7), kQueue, sub);
  CHECK(moved->status == ternmq::PullStatus::kOffsetIllegal);
  CHECK(moved->next_begin_offset == 7);
  RemotingCommand denied = Response(Code::kSubscriptionNotExist);
  denied.remark = "no subscription";
  auto err = ParsePullResponse(denied, kQueue, sub);
  CHECK(err.status().code() == ternmq::StatusCode::kBrokerError);
  CHECK(err.status().response_code() == Code::kSubscriptionNotExist);
}

TEST_CASE("a corrupt pull body is an error, not a short list") {
  std::string body = Record(0, "A", "a");
  body.resize(body.size() - 3);
  auto r = ParsePullResponse(Response(Code::kSuccess, body), kQueue,
                             protocol::BuildSubscriptionData("T", "*", "TAG", 0));
  CHECK(r.status().code() == ternmq::StatusCode::kInternal);
}

}  // namespace
}  // namespace tern::client
