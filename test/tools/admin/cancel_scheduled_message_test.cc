// `ternmq admin cancelScheduledMessage` against a real `ternmq dev` (nameserver
// and broker in one process): a message scheduled through the SDK is
// cancelled by the command and never delivered; a second message is let
// through and then reported ALREADY_DELIVERED; an unknown key is NOT_FOUND.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

#include "src/protocol/codes.h"
#include "src/remoting/rpc_client.h"
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

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

CommandResult Cancel(const std::string& ns, const std::string& topic, const std::string& key) {
  return testing::RunCommand(
      {testing::TernmqBinary(), "admin", "cancelScheduledMessage", "-t", topic, "-i", key, "-n", ns});
}

TEST_CASE("cancelScheduledMessage cancels a scheduled message; later answers say why not") {
  TempDir dir;
  testing::BootedTernmq dev = StartDev(dir);

  auto producer = StartProducer(dev.addr, "AdminCancelPG");
  const std::string topic = "AdminCancelT";
  ternmq::Message m;
  m.topic = topic;
  m.body = "warm";
  ternmq::Result<ternmq::SendResult> warm = ternmq::Status::Ok();
  // The broker registers with the nameserver around its boot line.
  REQUIRE(WaitUntil([&] { return (warm = producer->Send(m)).ok(); }, 10'000));

  const int64_t due = NowMs() + 3000;
  m.delivery_time_ms = due;
  m.body = "doomed";
  auto doomed = producer->Send(m);
  REQUIRE_MESSAGE(doomed.ok(), doomed.status().ToString());
  m.body = "kept";
  auto kept = producer->Send(m);
  REQUIRE_MESSAGE(kept.ok(), kept.status().ToString());
  producer->Shutdown();

  // Sent at once: the broker waits for its key index to reach the message.
  CommandResult r = Cancel(dev.addr, topic, doomed->msg_id);
  INFO(r.out, r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("CANCELLED:", 0) == 0);
  CHECK(NowMs() < due);

  // Wait for the twin (same due time), then check only it arrived.
  ternmq::PullConsumerOptions co;
  co.group = "AdminCancelCG";
  co.name_servers = {dev.addr};
  auto consumer = ternmq::PullConsumer::Create(co);
  REQUIRE(consumer.ok());
  REQUIRE((*consumer)->Start().ok());
  auto queues = (*consumer)->FetchSubscribeQueues(topic);
  REQUIRE_MESSAGE(queues.ok(), queues.status().ToString());
  std::vector<std::string> bodies;
  auto pull_all = [&] {
    bodies.clear();
    for (const auto& q : *queues) {
      auto p = (*consumer)->Pull(q, "*", 0, 32);
      REQUIRE(p.ok());
      for (const auto& v : p->messages) bodies.push_back(v.body);
    }
  };
  REQUIRE(WaitUntil([&] {
    pull_all();
    return std::find(bodies.begin(), bodies.end(), "kept") != bodies.end();
  }, 15'000));
  WaitUntil([&] { return NowMs() >= due + 1500; }, 5'000);
  pull_all();
  CHECK(std::count(bodies.begin(), bodies.end(), "kept") == 1);
  CHECK(std::count(bodies.begin(), bodies.end(), "doomed") == 0);
  (*consumer)->Shutdown();

  CommandResult late = Cancel(dev.addr, topic, kept->msg_id);
  CHECK(late.exit_code == 0);
  CHECK(late.out.rfind("ALREADY_DELIVERED:", 0) == 0);
  CommandResult unknown = Cancel(dev.addr, topic, "00000000000000000000000000000000");
  CHECK(unknown.exit_code == 0);
  CHECK(unknown.out.rfind("NOT_FOUND:", 0) == 0);
  CommandResult missing = testing::RunCommand(
      {testing::TernmqBinary(), "admin", "cancelScheduledMessage", "-t", topic, "-n", dev.addr});
  CHECK(missing.exit_code == 2);
  CommandResult help = testing::RunCommand({testing::TernmqBinary(), "admin", "help"});
  CHECK(help.out.find("cancelScheduledMessage") != std::string::npos);
}

}  // namespace
}  // namespace tern::tools::admin
