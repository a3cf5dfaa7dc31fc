// `ternmq admin consumerConnection` / `producerConnection` against a real
// `ternmq dev`: a live push consumer and a live producer are listed with
// their client ids; unknown groups fail with one line; -g is required.
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
#include "ternmq/push_consumer.h"

namespace tern::tools::admin {
namespace {

using testing::CommandResult;
using testing::TempDir;

TEST_CASE("consumerConnection and producerConnection list live clients by client id") {
  TempDir dir;
  testing::BootedTernmq dev = StartDev(dir);

  const std::string topic = "AdminConnT";
  auto producer = StartProducer(dev.addr, "AdminConnPG");
  ternmq::Message m;
  m.topic = topic;
  m.body = "hello";
  REQUIRE(WaitUntil([&] { return producer->Send(m).ok(); }, 10'000));

  ternmq::PushConsumerOptions co;
  co.group = "AdminConnCG";
  co.name_servers = {dev.addr};
  auto consumer = ternmq::PushConsumer::Create(co);
  REQUIRE(consumer.ok());
  REQUIRE((*consumer)->Subscribe(topic, "TagA || TagB").ok());
  REQUIRE((*consumer)
              ->SetListener([](const std::vector<ternmq::MessageView>&) {
                return ternmq::ConsumeResult::kSuccess;
              })
              .ok());
  REQUIRE((*consumer)->Start().ok());

  // The retry topic appears in the route once the broker has seen the
  // consumer's heartbeat and registered it.
  CommandResult cc;
  WaitUntil([&] {
    cc = Admin({"consumerConnection", "-g", "AdminConnCG", "-n", dev.addr});
    return cc.exit_code == 0;
  }, 15'000);
  INFO(cc.out, cc.err);
  REQUIRE(cc.exit_code == 0);
  CHECK(cc.out.find("#ClientId") != std::string::npos);
  CHECK(cc.out.find((*consumer)->client_id()) != std::string::npos);
  CHECK(cc.out.find("Below is subscription:") != std::string::npos);
  CHECK(cc.out.find("TagA || TagB") != std::string::npos);
  CHECK(cc.out.find("MessageModel: CLUSTERING") != std::string::npos);

  CommandResult cj = Admin({"consumerConnection", "-g", "AdminConnCG", "-n", dev.addr, "--json"});
  REQUIRE(cj.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(cj.out);
  REQUIRE(j["connections"].size() == 1);
  CHECK(j["connections"][0]["clientId"] == (*consumer)->client_id());
  bool subscribed = false;
  for (const auto& sub : j["subscriptions"]) {
    if (sub["topic"] == topic) subscribed = sub["subExpression"] == "TagA || TagB";
  }
  CHECK(subscribed);

  CommandResult pc =
      Admin({"producerConnection", "-g", "AdminConnPG", "-t", topic, "-n", dev.addr});
  INFO(pc.out, pc.err);
  REQUIRE(pc.exit_code == 0);
  CHECK(pc.out.find(producer->client_id()) != std::string::npos);

  CommandResult no_consumer = Admin({"consumerConnection", "-g", "NoSuchCG", "-n", dev.addr});
  CHECK(no_consumer.exit_code == 1);
  CHECK(no_consumer.err.find("NoSuchCG") != std::string::npos);
  CHECK(std::count(no_consumer.err.begin(), no_consumer.err.end(), '\n') == 1);
  CommandResult no_producer =
      Admin({"producerConnection", "-g", "NoSuchPG", "-t", topic, "-n", dev.addr});
  CHECK(no_producer.exit_code == 1);
  CHECK(no_producer.err.find("NoSuchPG") != std::string::npos);
  CHECK(std::count(no_producer.err.begin(), no_producer.err.end(), '\n') == 1);
  CommandResult no_topic =
      Admin({"producerConnection", "-g", "AdminConnPG", "-t", "NoSuchT", "-n", dev.addr});
  CHECK(no_topic.exit_code == 1);
  CHECK(no_topic.err.find("NoSuchT") != std::string::npos);
  CommandResult missing = Admin({"consumerConnection", "-n", dev.addr});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("-g") != std::string::npos);

  (*consumer)->Shutdown();
  producer->Shutdown();
}

}  // namespace
}  // namespace tern::tools::admin
