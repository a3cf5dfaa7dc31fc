// `ternmq admin queryMsgById / queryMsgByKey / queryMsgByUniqueKey` against a
// real `ternmq dev`: a message sent with keys through the SDK producer is
// found by its offset msgId, its key and its unique key, with its body
// printed; unknown ids/keys/topics fail with one line; missing flags are
// usage errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "test/tools/admin/admin_test_util.h"
#include "test/util/child_process.h"
#include "test/util/remoting_fixtures.h"
#include "test/util/temp_dir.h"
#include "ternmq/producer.h"

namespace tern::tools::admin {
namespace {

using testing::CommandResult;
using testing::TempDir;

TEST_CASE("queryMsgById, queryMsgByKey and queryMsgByUniqueKey find a sent message") {
  TempDir dir;
  testing::BootedTernmq dev = StartDev(dir);

  auto producer = StartProducer(dev.addr, "AdminQueryPG");
  const std::string topic = "AdminQueryT";
  ternmq::Message m;
  m.topic = topic;
  m.tags = "TagQ";
  m.keys = {"order-1", "order-2"};
  m.body = "the queried body";
  ternmq::Result<ternmq::SendResult> sent = ternmq::Status::Ok();
  REQUIRE(WaitUntil([&] { return (sent = producer->Send(m)).ok(); }, 10'000));
  m.keys = {"other"};
  m.body = "another body";
  REQUIRE(producer->Send(m).ok());
  producer->Shutdown();

  CommandResult by_id = Admin({"queryMsgById", "-i", sent->offset_msg_id, "-n", dev.addr});
  INFO(by_id.out, by_id.err);
  REQUIRE(by_id.exit_code == 0);
  CHECK(by_id.out.find("OffsetID:            " + sent->offset_msg_id + "\n") != std::string::npos);
  CHECK(by_id.out.find("Topic:               " + topic + "\n") != std::string::npos);
  CHECK(by_id.out.find("Tags:                [TagQ]\n") != std::string::npos);
  CHECK(by_id.out.find("Keys:                [order-1 order-2]\n") != std::string::npos);
  CHECK(by_id.out.find("Queue Offset:        " + std::to_string(sent->queue_offset) + "\n") !=
        std::string::npos);
  CHECK(by_id.out.find("Message Body:        the queried body\n") != std::string::npos);

  // The key index is written after the send returns: wait for it.
  CommandResult by_key;
  WaitUntil([&] {
    by_key = Admin({"queryMsgByKey", "-t", topic, "-k", "order-2", "-n", dev.addr, "--json"});
    return by_key.exit_code == 0 && by_key.out.find(sent->msg_id) != std::string::npos;
  }, 10'000);
  INFO(by_key.out, by_key.err);
  REQUIRE(by_key.exit_code == 0);
  nlohmann::json rows = nlohmann::json::parse(by_key.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["msgId"] == sent->msg_id);
  CHECK(rows[0]["queueOffset"] == sent->queue_offset);
  CommandResult key_text = Admin({"queryMsgByKey", "-t", topic, "-k", "order-1", "-n", dev.addr});
  CHECK(key_text.out.find("#Message ID") != std::string::npos);
  CHECK(key_text.out.find(sent->msg_id) != std::string::npos);

  CommandResult by_uniq =
      Admin({"queryMsgByUniqueKey", "-t", topic, "-i", sent->msg_id, "-n", dev.addr});
  INFO(by_uniq.out, by_uniq.err);
  REQUIRE(by_uniq.exit_code == 0);
  CHECK(by_uniq.out.find("Message Body:        the queried body\n") != std::string::npos);
  CHECK(by_uniq.out.find("another body") == std::string::npos);

  // queryMsgById given a unique key falls back to the unique-key query with -t.
  CommandResult fallback = Admin({"queryMsgById", "-i", sent->msg_id, "-t", topic, "-n", dev.addr});
  CHECK(fallback.exit_code == 0);
  CHECK(fallback.out.find("the queried body") != std::string::npos);

  // Error paths: one stderr line, exit 1; missing flags exit 2.
  CommandResult bad_id = Admin({"queryMsgById", "-i", "nonsense", "-n", dev.addr});
  CHECK(bad_id.exit_code == 2);  // not an offset msgId, and no -t to fall back on
  CHECK(OneLine(bad_id.err));
  CommandResult unknown_uniq = Admin(
      {"queryMsgByUniqueKey", "-t", topic, "-i", "00000000000000000000000000000000", "-n", dev.addr});
  CHECK(unknown_uniq.exit_code == 1);
  CHECK(OneLine(unknown_uniq.err));
  CommandResult no_topic = Admin({"queryMsgByKey", "-t", "NoSuchT", "-k", "k", "-n", dev.addr});
  CHECK(no_topic.exit_code == 1);
  CHECK(no_topic.err.find("NoSuchT") != std::string::npos);
  CHECK(OneLine(no_topic.err));
  CommandResult missing = Admin({"queryMsgByKey", "-t", topic, "-n", dev.addr});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("-k") != std::string::npos);
}

}  // namespace
}  // namespace tern::tools::admin
