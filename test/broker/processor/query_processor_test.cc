#include "broker/processor/query_processor.h"

#include <doctest/doctest.h>

#include "src/protocol/message_id.h"
#include "test/broker/processor/message_path_fixture.h"

namespace tern::processor::testing {
namespace {

RemotingCommand QueryRequest(const std::string& topic, const std::string& key, bool unique) {
  RemotingCommand r = RemotingCommand::Request(Q::kQueryMessage);
  r.SetField("topic", topic);
  r.SetField("key", key);
  r.SetField("maxNum", int64_t{32});
  r.SetField("beginTimestamp", int64_t{0});
  r.SetField("endTimestamp", int64_t{INT64_MAX});
  if (unique) r.SetField("_UNIQUE_KEY_QUERY", true);
  return r;
}

TEST_CASE("QUERY_MESSAGE finds records by key and by unique key, with the index header") {
  MessagePath mp;
  for (int i = 0; i < 3; ++i) {
    std::string props = Props({{"KEYS", i == 1 ? "order-1 other" : "order-" + std::to_string(i)},
                               {"UNIQ_KEY", "UK" + std::to_string(i)}});
    REQUIRE(mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("T", 0, props),
                                "body" + std::to_string(i)))
                .code == RC::kSuccess);
  }
  mp.Dispatch();
  RemotingCommand r = mp.Call(QueryRequest("T", "order-1", false));
  REQUIRE(r.code == RC::kSuccess);
  CHECK(FieldInt(r, "indexLastUpdateTimestamp") > 0);
  CHECK(FieldInt(r, "indexLastUpdatePhyoffset") > 0);
  auto records = DecodeRecords(r.body);
  REQUIRE(records.size() == 1);
  CHECK(records[0].body == "body1");

  r = mp.Call(QueryRequest("T", "UK2", true));
  REQUIRE(r.code == RC::kSuccess);
  records = DecodeRecords(r.body);
  REQUIRE(records.size() == 1);
  CHECK(records[0].body == "body2");

  r = mp.Call(QueryRequest("T", "nothing", false));
  CHECK(r.code == RC::kQueryNotFound);
  CHECK(r.remark == std::optional<std::string>("can not find message, maybe time range not correct"));
  CHECK(r.Field("indexLastUpdateTimestamp").has_value());
  CHECK(r.Field("indexLastUpdatePhyoffset").has_value());
}

TEST_CASE("VIEW_MESSAGE_BY_ID returns the record at the offset decoded from the send msgId") {
  MessagePath mp;
  REQUIRE(mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("T", 0), "first")).code ==
          RC::kSuccess);
  RemotingCommand sent = mp.Call(SendRequest(Q::kSendMessageV2, SendHeader("T", 0), "second"));
  REQUIRE(sent.code == RC::kSuccess);
  auto id = protocol::DecodeOffsetMessageId(*sent.Field("msgId"));
  REQUIRE(id.ok());
  RemotingCommand view = RemotingCommand::Request(Q::kViewMessageById);
  view.SetField("offset", id->offset.value());
  RemotingCommand r = mp.Call(std::move(view));
  REQUIRE(r.code == RC::kSuccess);
  auto records = DecodeRecords(r.body);
  REQUIRE(records.size() == 1);
  CHECK(records[0].body == "second");

  RemotingCommand bad = RemotingCommand::Request(Q::kViewMessageById);
  bad.SetField("offset", int64_t{1} << 40);
  r = mp.Call(std::move(bad));
  CHECK(r.code == RC::kSystemError);
  CHECK(r.remark.value_or("").find("can not find message by the offset") != std::string::npos);
}

}  // namespace
}  // namespace tern::processor::testing
