// `ternmq admin topicList` against a real `ternmq dev`: the plain list has the
// sent topic; -c names its cluster and, per QUERY_TOPIC_CONSUME_BY_WHO, the
// groups consuming it (one with committed offsets, one live push consumer).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "ternmq/producer.h"
#include "ternmq/pull_consumer.h"
#include "ternmq/push_consumer.h"
#include "test/tools/admin/admin_test_util.h"

namespace tern::tools::admin {
namespace {

using testing::CommandResult;
using testing::TempDir;

TEST_CASE("topicList -c prints each topic's cluster and consumer groups") {
  TempDir dir;
  testing::BootedTernmq dev = StartDev(dir);
  const std::string topic = "AdminListT";

  auto producer = StartProducer(dev.addr, "AdminListPG");
  ternmq::Message m;
  m.topic = topic;
  m.body = "listed";
  ternmq::Result<ternmq::SendResult> sent = ternmq::Status::Ok();
  REQUIRE(WaitUntil([&] { return (sent = producer->Send(m)).ok(); }, 10'000));
  producer->Shutdown();

  // A group with a committed offset on the topic.
  ternmq::PullConsumerOptions co;
  co.group = "AdminListOffsetCG";
  co.name_servers = {dev.addr};
  auto pull = ternmq::PullConsumer::Create(co);
  REQUIRE(pull.ok());
  REQUIRE((*pull)->Start().ok());
  REQUIRE((*pull)->UpdateOffset(sent->queue, sent->queue_offset + 1).ok());
  (*pull)->Shutdown();

  // A live push consumer subscribed to it.
  ternmq::PushConsumerOptions pco;
  pco.group = "AdminListLiveCG";
  pco.name_servers = {dev.addr};
  auto push = ternmq::PushConsumer::Create(pco);
  REQUIRE(push.ok());
  REQUIRE((*push)->Subscribe(topic, "*").ok());
  REQUIRE((*push)
              ->SetListener([](const std::vector<ternmq::MessageView>&) {
                return ternmq::ConsumeResult::kSuccess;
              })
              .ok());
  REQUIRE((*push)->Start().ok());

  CommandResult plain = Admin({"topicList", "-n", dev.addr});
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.out.find(topic + "\n") != std::string::npos);

  CommandResult js;
  auto groups_of_topic = [&] {
    std::vector<std::string> groups;
    const nlohmann::json rows = nlohmann::json::parse(js.out);
    for (const auto& row : rows) {
      if (row["topic"] == topic) {
        CHECK(row["cluster"] == "DefaultCluster");
        groups.push_back(row["group"]);
      }
    }
    return groups;
  };
  // The offset reaches the broker at once; the push consumer's subscription
  // with its first heartbeat.
  WaitUntil(
      [&] {
        js = Admin({"topicList", "-c", "-n", dev.addr, "--json"});
        return js.exit_code == 0 && groups_of_topic().size() == 2;
      },
      10'000);
  INFO(js.out, js.err);
  REQUIRE(js.exit_code == 0);
  CHECK(groups_of_topic() == std::vector<std::string>{"AdminListLiveCG", "AdminListOffsetCG"});
  (*push)->Shutdown();

  CommandResult text = Admin({"topicList", "-c", "-n", dev.addr});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.rfind("#Cluster Name", 0) == 0);
  CHECK(text.out.find("#Consumer Group") != std::string::npos);
  CHECK(text.out.find("AdminListOffsetCG") != std::string::npos);
  CHECK(text.out.find("%RETRY%") == std::string::npos);  // retry topics are not listed

  CommandResult unreachable = Admin({"topicList", "-c", "-n", "127.0.0.1:1"});
  CHECK(unreachable.exit_code == 1);
  CHECK(OneLine(unreachable.err));
}

}  // namespace
}  // namespace tern::tools::admin
