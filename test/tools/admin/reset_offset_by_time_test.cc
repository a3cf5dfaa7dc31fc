// `ternmq admin resetOffsetByTime` against a real `ternmq dev`: a group that
// consumed everything is reset to a time before the sends, and
// consumerProgress then shows every message left again. Bad -s values and
// missing flags are usage errors; an unknown topic fails with one line.
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
#include "ternmq/push_consumer.h"

namespace tern::tools::admin {
namespace {

using testing::CommandResult;
using testing::TempDir;

TEST_CASE("resetOffsetByTime moves a group's offsets back to a time before its messages") {
  TempDir dir;
  testing::BootedTernmq dev = StartDev(dir);

  const int64_t before = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  auto producer = StartProducer(dev.addr, "AdminResetPG");
  const std::string topic = "AdminResetT";
  const std::string group = "AdminResetCG";
  constexpr int kSent = 8;
  ternmq::Message m;
  m.topic = topic;
  m.body = std::string(1, 'b');  // (a literal trips GCC 12's false -Wrestrict here)
  REQUIRE(WaitUntil([&] { return producer->Send(m).ok(); }, 10'000));
  for (int i = 1; i < kSent; ++i) REQUIRE(producer->Send(m).ok());
  producer->Shutdown();

  // Commit every queue's max offset: nothing left.
  ternmq::PullConsumerOptions co;
  co.group = group;
  co.name_servers = {dev.addr};
  auto consumer = ternmq::PullConsumer::Create(co);
  REQUIRE(consumer.ok());
  REQUIRE((*consumer)->Start().ok());
  auto queues = (*consumer)->FetchSubscribeQueues(topic);
  REQUIRE(queues.ok());
  REQUIRE(WaitUntil([&] {
    int64_t total = 0;
    for (const auto& q : *queues) {
      auto max = (*consumer)->MaxOffset(q);
      if (max.ok()) total += *max;
    }
    return total == kSent;
  }, 10'000));
  for (const auto& q : *queues) {
    auto max = (*consumer)->MaxOffset(q);
    REQUIRE(max.ok());
    REQUIRE((*consumer)->UpdateOffset(q, *max).ok());
  }
  (*consumer)->Shutdown();
  auto diff_total = [&] {
    CommandResult r = Admin({"consumerProgress", "-g", group, "-t", topic, "-n", dev.addr, "--json"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out)["diffTotal"].get<int64_t>();
  };
  REQUIRE(diff_total() == 0);

  CommandResult reset = Admin({"resetOffsetByTime", "-g", group, "-t", topic, "-s",
                               std::to_string(before), "-n", dev.addr});
  INFO(reset.out, reset.err);
  REQUIRE(reset.exit_code == 0);
  CHECK(reset.out.find("#brokerName") != std::string::npos);
  CHECK(diff_total() == kSent);

  // The first reset found no live consumer (offline reset: 208, 29, 15); with
  // a push consumer connected the broker resets (222 SUCCESS). Its listener
  // only acknowledges.
  ternmq::PushConsumerOptions pco;
  pco.group = group;
  pco.name_servers = {dev.addr};
  auto live = ternmq::PushConsumer::Create(pco);
  REQUIRE(live.ok());
  REQUIRE((*live)->Subscribe(topic, "*").ok());
  REQUIRE((*live)
              ->SetListener([](const std::vector<ternmq::MessageView>&) {
                return ternmq::ConsumeResult::kSuccess;
              })
              .ok());
  REQUIRE((*live)->Start().ok());
  CommandResult online;
  REQUIRE(WaitUntil([&] {
    online = Admin({"consumerConnection", "-g", group, "-n", dev.addr});
    return online.exit_code == 0;
  }, 15'000));
  CommandResult to_now = Admin(
      {"resetOffsetByTime", "-g", group, "-t", topic, "-s", "now", "-n", dev.addr, "--json"});
  INFO(to_now.out, to_now.err);
  REQUIRE(to_now.exit_code == 0);
  CHECK(nlohmann::json::parse(to_now.out)["queues"].size() == queues->size());
  CHECK(diff_total() == 0);
  (*live)->Shutdown();

  CommandResult bad_ts =
      Admin({"resetOffsetByTime", "-g", group, "-t", topic, "-s", "yesterday", "-n", dev.addr});
  CHECK(bad_ts.exit_code == 2);
  CommandResult missing = Admin({"resetOffsetByTime", "-g", group, "-t", topic, "-n", dev.addr});
  CHECK(missing.exit_code == 2);
  CommandResult no_topic =
      Admin({"resetOffsetByTime", "-g", group, "-t", "NoSuchT", "-s", "now", "-n", dev.addr});
  CHECK(no_topic.exit_code == 1);
  CHECK(no_topic.err.find("NoSuchT") != std::string::npos);
  CHECK(std::count(no_topic.err.begin(), no_topic.err.end(), '\n') == 1);
}

}  // namespace
}  // namespace tern::tools::admin
