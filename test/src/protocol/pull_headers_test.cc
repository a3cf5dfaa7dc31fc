#include "src/protocol/pull_headers.h"

#include <doctest/doctest.h>

namespace tern::protocol {
namespace {

TEST_CASE("pull header parses a java push consumer's request") {
  HeaderFields f = {{"consumerGroup", "CG"},
                    {"topic", "T"},
                    {"queueId", "1"},
                    {"queueOffset", "100"},
                    {"maxMsgNums", "32"},
                    {"sysFlag", "3"},
                    {"commitOffset", "99"},
                    {"suspendTimeoutMillis", "15000"},
                    {"subVersion", "1700000000000"},
                    {"expressionType", "TAG"},
                    {"bname", "broker-a"}};
  auto h = PullMessageRequestHeader::Parse(f);
  REQUIRE_MESSAGE(h.ok(), h.status().ToString());
  CHECK(h->consumer_group == "CG");
  CHECK(h->queue_id == 1);
  CHECK(h->queue_offset == 100);
  CHECK(h->max_msg_nums == 32);
  CHECK(HasCommitOffsetFlag(h->sys_flag));
  CHECK(HasSuspendFlag(h->sys_flag));
  CHECK_FALSE(HasSubscriptionFlag(h->sys_flag));
  CHECK(h->commit_offset == 99);
  CHECK(h->suspend_timeout_millis == 15000);
  CHECK_FALSE(h->subscription.has_value());
  CHECK(h->sub_version == 1700000000000);
  CHECK(h->expression_type == std::string("TAG"));
  CHECK(h->broker_name == std::string("broker-a"));

  HeaderFields again;
  h->Encode(&again);
  CHECK(again == f);

  f.erase("subVersion");
  auto missing = PullMessageRequestHeader::Parse(f);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "missing header field subVersion");
}

TEST_CASE("pull response header always carries the four offsets") {
  PullMessageResponseHeader r;
  r.next_begin_offset = 10;
  r.max_offset = 12;
  HeaderFields f;
  r.Encode(&f);
  CHECK(f == HeaderFields{{"maxOffset", "12"},
                          {"minOffset", "0"},
                          {"nextBeginOffset", "10"},
                          {"suggestWhichBrokerId", "0"}});
  auto back = PullMessageResponseHeader::Parse(f);
  REQUIRE(back.ok());
  CHECK(*back == r);
}

}  // namespace
}  // namespace tern::protocol
