// `ternmq admin dlqList / dlqShow / dlqRedrive` against a real `ternmq dev`:
// an SDK push consumer (max_reconsume_times 0) fails two messages, which the
// broker moves to %DLQ%<group> at once; they are listed, one is shown with
// its properties and body, redriven to its original topic, then both are
// redriven through the group's retry topic, and the group consumes them again.
// Error paths: an unknown group or id (one line, exit 1), no -i/-a (exit 2).
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

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

// What the listener saw, in order.
class Seen {
 public:
  void Add(const ternmq::MessageView& m) {
    std::lock_guard<std::mutex> lock(mu_);
    all_.push_back(m);
  }
  std::vector<ternmq::MessageView> All() const {
    std::lock_guard<std::mutex> lock(mu_);
    return all_;
  }
  size_t CountOf(const std::string& body) const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const auto& m : all_) n += m.body == body;
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::vector<ternmq::MessageView> all_;
};

TEST_CASE("dead-letter messages are listed, shown and redriven to the group") {
  TempDir dir;
  testing::BootedTernmq dev = StartDev(dir);
  const std::string topic = "AdminDlqT";
  const std::string group = "AdminDlqCG";

  auto producer = StartProducer(dev.addr, "AdminDlqPG");
  std::vector<ternmq::SendResult> sent;
  for (const std::string body : {"dead-a", "dead-b"}) {
    ternmq::Message m;
    m.topic = topic;
    m.tags = "TagD";
    m.keys = {"key-" + body};
    m.properties = {{"biz", "v-" + body}};
    m.body = body;
    ternmq::Result<ternmq::SendResult> r = ternmq::Status::Ok();
    REQUIRE(WaitUntil([&] { return (r = producer->Send(m)).ok(); }, 10'000));
    sent.push_back(*r);
  }
  producer->Shutdown();

  // No retries: the first failure goes to %DLQ%<group>.
  ternmq::PushConsumerOptions o;
  o.group = group;
  o.name_servers = {dev.addr};
  o.consume_threads = 2;
  o.consume_from_where = ternmq::ConsumeFromWhere::kFirstOffset;
  o.rebalance_interval_ms = 1000;
  o.persist_offset_interval_ms = 500;
  o.broker_suspend_max_ms = 1000;
  o.max_reconsume_times = 0;
  auto consumer = ternmq::PushConsumer::Create(o);
  REQUIRE(consumer.ok());
  REQUIRE((*consumer)->Subscribe(topic, "*").ok());
  std::atomic<bool> failing{true};
  Seen seen;
  REQUIRE((*consumer)->SetListener([&](const std::vector<ternmq::MessageView>& msgs) {
                for (const auto& m : msgs) seen.Add(m);
                return failing ? ternmq::ConsumeResult::kReconsumeLater
                               : ternmq::ConsumeResult::kSuccess;
              }).ok());
  REQUIRE((*consumer)->Start().ok());

  // dlqList (JSON) until both are there.
  CommandResult list;
  nlohmann::json rows;
  WaitUntil([&] {
    list = Admin({"dlqList", "-g", group, "-n", dev.addr, "--json"});
    if (list.exit_code != 0) return false;
    rows = nlohmann::json::parse(list.out);
    return rows.size() == 2;
  }, 15'000, 100);
  INFO(list.out, list.err);
  REQUIRE(rows.size() == 2);
  failing = false;
  std::set<std::string> ids;
  for (const auto& row : rows) {
    ids.insert(row["msgId"].get<std::string>());
    CHECK(row["originalTopic"] == topic);
    CHECK(row["queueId"] == 0);
    CHECK(row["reconsumeTimes"] == 1);
  }
  CHECK(ids == std::set<std::string>{sent[0].msg_id, sent[1].msg_id});
  CommandResult text = Admin({"dlqList", "-g", group, "-n", dev.addr, "-m", "1"});
  INFO(text.out, text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("#MsgId") != std::string::npos);
  CHECK(text.out.find("#Original Topic") != std::string::npos);
  const bool has_a = text.out.find(sent[0].msg_id) != std::string::npos;
  const bool has_b = text.out.find(sent[1].msg_id) != std::string::npos;
  CHECK(has_a != has_b);  // -m 1: exactly one

  CommandResult show = Admin({"dlqShow", "-g", group, "-i", sent[0].msg_id, "-n", dev.addr});
  INFO(show.out, show.err);
  REQUIRE(show.exit_code == 0);
  CHECK(show.out.find("Topic:               %DLQ%" + group + "\n") != std::string::npos);
  CHECK(show.out.find("Keys:                [key-dead-a]\n") != std::string::npos);
  CHECK(show.out.find("RETRY_TOPIC=" + topic) != std::string::npos);
  CHECK(show.out.find("biz=v-dead-a") != std::string::npos);
  CHECK(show.out.find("Message Body:        dead-a\n") != std::string::npos);

  // One message back to its original topic: the group consumes it again as new.
  CommandResult one = Admin({"dlqRedrive", "-g", group, "-i", sent[0].msg_id, "-n", dev.addr});
  INFO(one.out, one.err);
  REQUIRE(one.exit_code == 0);
  CHECK(one.out.find("REDRIVEN: " + sent[0].msg_id + " -> " + topic + " ") != std::string::npos);
  CHECK(one.out.find("1 message(s) of %DLQ%" + group + " sent again") != std::string::npos);
  REQUIRE(WaitUntil([&] { return seen.CountOf("dead-a") == 2; }, 15'000));
  for (const auto& m : seen.All()) {
    if (m.body != "dead-a" || m.offset_msg_id == sent[0].offset_msg_id) continue;
    CHECK(m.topic == topic);
    CHECK(m.msg_id == sent[0].msg_id);
    CHECK(m.tags == "TagD");
    CHECK(m.properties.at("biz") == "v-dead-a");
    CHECK(m.properties.count("RETRY_TOPIC") == 0);
    CHECK(m.properties.count("ORIGIN_MESSAGE_ID") == 0);
  }

  // Everything, through the group's retry topic only (-r), as JSON.
  CommandResult all =
      Admin({"dlqRedrive", "-g", group, "--all", "-r", "-n", dev.addr, "--json"});
  INFO(all.out, all.err);
  REQUIRE(all.exit_code == 0);
  nlohmann::json redriven = nlohmann::json::parse(all.out);
  REQUIRE(redriven.size() == 2);
  CHECK(redriven[0]["topic"] == "%RETRY%" + group);
  REQUIRE(WaitUntil([&] { return seen.CountOf("dead-a") == 3 && seen.CountOf("dead-b") == 2; },
                    15'000));
  for (const auto& m : seen.All()) CHECK(m.topic == topic);  // restored from RETRY_TOPIC
  (*consumer)->Shutdown();

  // Errors: one line, exit 1; usage: exit 2.
  CommandResult unknown = Admin({"dlqList", "-g", "NoSuchGroup", "-n", dev.addr});
  CHECK(unknown.exit_code == 1);
  CHECK(OneLine(unknown.err));
  CHECK(unknown.err.find("has no dead-letter topic %DLQ%NoSuchGroup") != std::string::npos);
  CommandResult missing = Admin({"dlqShow", "-g", group, "-i", "NOPE", "-n", dev.addr});
  CHECK(missing.exit_code == 1);
  CHECK(OneLine(missing.err));
  CHECK(missing.err.find("no message with id 'NOPE'") != std::string::npos);
  CommandResult usage = Admin({"dlqRedrive", "-g", group, "-n", dev.addr});
  CHECK(usage.exit_code == 2);
  CHECK(OneLine(usage.err));
}

}  // namespace
}  // namespace tern::tools::admin
