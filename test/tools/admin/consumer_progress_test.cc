// `ternmq admin consumerProgress` against a real `ternmq dev`: messages sent
// with the SDK producer, part of them consumed by a pull consumer that
// commits its offsets; the printed per-queue Diff and "Diff Total" equal what
// remains. Error paths: an unknown group (one line, exit 1); no -g lists groups.
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
#include "ternmq/pull_consumer.h"

namespace tern::tools::admin {
namespace {

using testing::CommandResult;
using testing::TempDir;

TEST_CASE("consumerProgress prints each queue's diff and the total left to consume") {
  TempDir dir;
  testing::BootedTernmq dev = StartDev(dir);

  auto producer = StartProducer(dev.addr, "AdminProgressPG");
  const std::string topic = "AdminProgressT";
  const std::string group = "AdminProgressCG";
  constexpr int kSent = 12;
  ternmq::Message m;
  m.topic = topic;
  m.keys = {"key-0"};
  m.body = "body-0";
  ternmq::Result<ternmq::SendResult> first = ternmq::Status::Ok();
  REQUIRE(WaitUntil([&] { return (first = producer->Send(m)).ok(); }, 10'000));
  for (int i = 1; i < kSent; ++i) {
    m.keys = {"key-" + std::to_string(i)};
    m.body = "body-" + std::to_string(i);
    auto r = producer->Send(m);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }
  producer->Shutdown();

  // Consume up to two messages of every queue and commit the next offset.
  ternmq::PullConsumerOptions co;
  co.group = group;
  co.name_servers = {dev.addr};
  auto consumer = ternmq::PullConsumer::Create(co);
  REQUIRE(consumer.ok());
  REQUIRE((*consumer)->Start().ok());
  auto queues = (*consumer)->FetchSubscribeQueues(topic);
  REQUIRE_MESSAGE(queues.ok(), queues.status().ToString());
  // The consume queues are written after the send returns: wait for all.
  REQUIRE(WaitUntil([&] {
    int64_t total = 0;
    for (const auto& q : *queues) {
      auto max = (*consumer)->MaxOffset(q);
      if (max.ok()) total += *max;
    }
    return total == kSent;
  }, 10'000));
  int64_t remaining = 0;
  int consumed = 0;
  for (const auto& q : *queues) {
    auto max = (*consumer)->MaxOffset(q);
    REQUIRE(max.ok());
    auto p = (*consumer)->Pull(q, "*", 0, 2);
    REQUIRE(p.ok());
    const int64_t next = static_cast<int64_t>(p->messages.size());
    consumed += static_cast<int>(next);
    REQUIRE((*consumer)->UpdateOffset(q, next).ok());
    remaining += *max - next;
  }
  REQUIRE(consumed > 0);
  REQUIRE(remaining == kSent - consumed);

  CommandResult text = Admin({"consumerProgress", "-g", group, "-t", topic, "-n", dev.addr});
  INFO(text.out, text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("#Broker Offset") != std::string::npos);
  CHECK(text.out.find("Diff Total: " + std::to_string(remaining) + "\n") != std::string::npos);
  CHECK(text.out.find("Consume TPS: ") != std::string::npos);

  CommandResult js =
      Admin({"consumerProgress", "-g", group, "-t", topic, "-n", dev.addr, "--json"});
  REQUIRE(js.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(js.out);
  CHECK(j["diffTotal"] == remaining);
  REQUIRE(j["queues"].size() == queues->size());
  int64_t sum = 0;
  for (const auto& row : j["queues"]) {
    CHECK(row["topic"] == topic);
    CHECK(row["diff"] == row["brokerOffset"].get<int64_t>() - row["consumerOffset"].get<int64_t>());
    sum += row["diff"].get<int64_t>();
  }
  CHECK(sum == remaining);
  (*consumer)->Shutdown();

  CommandResult unknown = Admin({"consumerProgress", "-g", "NoSuchGroup", "-n", dev.addr});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.out.empty());
  CHECK(unknown.err.find("NoSuchGroup") != std::string::npos);
  CHECK(std::count(unknown.err.begin(), unknown.err.end(), '\n') == 1);

  CommandResult unknown_on_topic =
      Admin({"consumerProgress", "-g", "NoSuchGroup", "-t", topic, "-n", dev.addr});
  CHECK(unknown_on_topic.exit_code == 1);
  CHECK(unknown_on_topic.out.empty());
  CHECK(unknown_on_topic.err.find("NoSuchGroup") != std::string::npos);
  CHECK(std::count(unknown_on_topic.err.begin(), unknown_on_topic.err.end(), '\n') == 1);

  // Without -g (RocketMQ ignores -t then): the group listing, not an error.
  CommandResult listing = Admin({"consumerProgress", "-t", topic, "-n", dev.addr});
  CHECK(listing.exit_code == 0);
  CHECK(listing.out.rfind("#Group", 0) == 0);
}

}  // namespace
}  // namespace tern::tools::admin
