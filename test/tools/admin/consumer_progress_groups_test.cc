// `ternmq admin consumerProgress` for retry lag and for every group, against
// a real `ternmq dev` with 8 s delay levels: a push consumer that asks for
// every message again (RECONSUME_LATER) and stops before the retries come
// back leaves them in %RETRY%<group>; `-g` lists those retry queues with
// their lag, counted in Diff Total. Without -g, one row per group: the
// stopped group OFFLINE with that lag, a live push consumer's group with its
// count, version, type and model.
#include <doctest/doctest.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "ternmq/producer.h"
#include "ternmq/push_consumer.h"
#include "test/tools/admin/admin_test_util.h"

namespace tern::tools::admin {
namespace {

using testing::CommandResult;
using testing::TempDir;

std::string DelayLevels(const std::string& each, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i ? " " : "") + each;
  return out;
}

TEST_CASE("consumerProgress counts the retry queue's lag and lists every group") {
  TempDir dir;
  testing::BootedTernmq dev =
      testing::StartTernmq({"dev", "-p", "0", "--broker-port", "0", "--data-dir", dir.Sub("data"),
                            "--messageDelayLevel=" + DelayLevels("8s", 18)},
                           dir.Sub("dev.log"), "Name Server boot success");
  REQUIRE(dev.child->WaitForLine("The broker[", 10'000).ok());

  const std::string topic = "AdminRetryT";
  const std::string failing = "AdminRetryCG";
  const std::string live = "AdminLiveCG";
  constexpr int kSent = 4;
  auto producer = StartProducer(dev.addr, "AdminRetryPG");
  for (int i = 0; i < kSent; ++i) {
    ternmq::Message m;
    m.topic = topic;
    m.body = "retry-" + std::to_string(i);
    REQUIRE(WaitUntil([&] { return producer->Send(m).ok(); }, 10'000));
  }
  producer->Shutdown();

  auto push = [&](const std::string& group, ternmq::MessageListener listener) {
    ternmq::PushConsumerOptions co;
    co.group = group;
    co.name_servers = {dev.addr};
    co.consume_from_where = ternmq::ConsumeFromWhere::kFirstOffset;
    co.persist_offset_interval_ms = 100;
    co.rebalance_interval_ms = 200;
    co.route_refresh_interval_ms = 200;
    auto c = ternmq::PushConsumer::Create(co);
    REQUIRE(c.ok());
    REQUIRE((*c)->Subscribe(topic, "*").ok());
    REQUIRE((*c)->SetListener(std::move(listener)).ok());
    REQUIRE((*c)->Start().ok());
    return std::move(*c);
  };

  // Every first delivery is refused; stop before the retries (8 s: room for a
  // slow machine) come back.
  std::atomic<int> refused{0};
  auto failing_consumer = push(failing, [&](const std::vector<ternmq::MessageView>& ms) {
    for (const auto& m : ms) {
      if (m.reconsume_times > 0) return ternmq::ConsumeResult::kSuccess;
    }
    refused += static_cast<int>(ms.size());
    return ternmq::ConsumeResult::kReconsumeLater;
  });
  REQUIRE(WaitUntil([&] { return refused.load() >= kSent; }, 10'000));
  // The group lists %RETRY%<group> once it has an offset there, which the
  // consumer commits (at shutdown at the latest) for the retry queue it owns.
  // It owns it once a route refresh found the retry topic (created by its
  // first heartbeat, possibly after its first route lookup): wait for that.
  auto owns_retry_queue = [&] {
    for (const auto& q : failing_consumer->AssignedQueues()) {
      if (q.topic == "%RETRY%" + failing) return true;
    }
    return false;
  };
  REQUIRE(WaitUntil(owns_retry_queue, 6'000));
  failing_consumer->Shutdown();
  CHECK(refused.load() == kSent);

  std::atomic<int> consumed{0};
  auto live_consumer = push(live, [&](const std::vector<ternmq::MessageView>& ms) {
    consumed += static_cast<int>(ms.size());
    return ternmq::ConsumeResult::kSuccess;
  });
  REQUIRE(WaitUntil([&] { return consumed.load() >= kSent; }, 10'000));

  // -g: once the retries are stored, the retry queues carry the lag.
  CommandResult js;
  int64_t retry_diff = 0;
  WaitUntil(
      [&] {
        js = Admin({"consumerProgress", "-g", failing, "-n", dev.addr, "--json"});
        if (js.exit_code != 0) return false;
        retry_diff = 0;
        const nlohmann::json parsed = nlohmann::json::parse(js.out);
        for (const auto& row : parsed["queues"]) {
          if (row["topic"] == "%RETRY%" + failing) retry_diff += row["diff"].get<int64_t>();
        }
        return retry_diff == kSent;
      },
      30'000);
  INFO(js.out, js.err);
  REQUIRE(retry_diff == kSent);
  nlohmann::json j = nlohmann::json::parse(js.out);
  int64_t sum = 0;
  bool saw_topic = false;
  for (const auto& row : j["queues"]) {
    sum += row["diff"].get<int64_t>();
    saw_topic = saw_topic || row["topic"] == topic;
  }
  CHECK(saw_topic);
  CHECK(j["diffTotal"] == sum);
  const int64_t failing_total = sum;

  CommandResult text = Admin({"consumerProgress", "-g", failing, "-n", dev.addr});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("%RETRY%" + failing) != std::string::npos);
  CHECK(text.out.find("Diff Total: " + std::to_string(failing_total) + "\n") != std::string::npos);

  // No -g: a row per group. The live group's offsets reach the broker every 100 ms.
  CommandResult all;
  nlohmann::json rows;
  auto row_of = [&](const std::string& group) {
    for (const auto& r : rows)
      if (r["group"] == group) return r;
    return nlohmann::json();
  };
  WaitUntil(
      [&] {
        all = Admin({"consumerProgress", "-n", dev.addr, "--json"});
        if (all.exit_code != 0) return false;
        rows = nlohmann::json::parse(all.out);
        nlohmann::json l = row_of(live);
        return !l.is_null() && l["diffTotal"] == 0 && l["count"] == 1;
      },
      10'000);
  INFO(all.out, all.err);
  REQUIRE(all.exit_code == 0);
  nlohmann::json f = row_of(failing);
  REQUIRE(!f.is_null());
  CHECK(f["count"] == 0);
  CHECK(f["version"] == "OFFLINE");
  CHECK(f["diffTotal"] == failing_total);
  nlohmann::json l = row_of(live);
  REQUIRE(!l.is_null());
  CHECK(l["count"] == 1);
  CHECK(l["version"] == "V4_9_4");
  CHECK(l["type"] == "PUSH");
  CHECK(l["model"] == "CLUSTERING");
  CHECK(l["diffTotal"] == 0);

  CommandResult table = Admin({"consumerProgress", "-n", dev.addr});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.rfind("#Group", 0) == 0);
  CHECK(table.out.find("#Diff Total") != std::string::npos);
  CHECK(table.out.find(live) != std::string::npos);
  live_consumer->Shutdown();

  CommandResult unreachable = Admin({"consumerProgress", "-n", "127.0.0.1:1"});
  CHECK(unreachable.exit_code == 1);
  CHECK(OneLine(unreachable.err));
}

}  // namespace
}  // namespace tern::tools::admin
