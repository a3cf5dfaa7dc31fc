// `ternmq admin queryMsgByOffset / printMsg / consumeMessage` against a real
// `ternmq dev`: messages sent with the SDK producer (tags alternating TagA /
// TagB) are read back by queue offset, printed per queue (all, by tag, by
// time, without bodies) and consumed (all, a count, one queue from an offset,
// as a group that commits nothing); the printed figures are compared with the
// send results. Error paths: missing flags (exit 2 naming the flag), unknown
// topic / broker / offset and an unreachable nameserver (exit 1, one line).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "ternmq/producer.h"
#include "ternmq/pull_consumer.h"
#include "test/tools/admin/admin_test_util.h"

namespace tern::tools::admin {
namespace {

using testing::CommandResult;
using testing::TempDir;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_CASE("queryMsgByOffset, printMsg and consumeMessage read back what was sent") {
  TempDir dir;
  testing::BootedTernmq dev = StartDev(dir);

  auto producer = StartProducer(dev.addr, "AdminReadPG");
  const std::string topic = "AdminReadT";
  constexpr int kSent = 10;
  std::vector<ternmq::SendResult> sent;
  for (int i = 0; i < kSent; ++i) {
    ternmq::Message m;
    m.topic = topic;
    m.tags = i % 2 == 0 ? "TagA" : "TagB";
    m.keys = {"read-" + std::to_string(i)};
    m.body = "read-body-" + std::to_string(i);
    ternmq::Result<ternmq::SendResult> r = ternmq::Status::Ok();
    REQUIRE(WaitUntil([&] { return (r = producer->Send(m)).ok(); }, 10'000));
    sent.push_back(*r);
  }
  producer->Shutdown();
  std::map<int32_t, int64_t> per_queue;  // queue id -> messages sent there
  for (const auto& s : sent) per_queue[s.queue.queue_id]++;
  const std::string broker = sent.front().queue.broker_name;

  // The consume queues are written after the send returns: wait for all.
  ternmq::PullConsumerOptions co;
  co.group = "AdminReadWaitCG";
  co.name_servers = {dev.addr};
  auto waiter = ternmq::PullConsumer::Create(co);
  REQUIRE(waiter.ok());
  REQUIRE((*waiter)->Start().ok());
  auto queues = (*waiter)->FetchSubscribeQueues(topic);
  REQUIRE(queues.ok());
  REQUIRE(WaitUntil(
      [&] {
        int64_t total = 0;
        for (const auto& q : *queues) {
          auto max = (*waiter)->MaxOffset(q);
          if (max.ok()) total += *max;
        }
        return total == kSent;
      },
      10'000));
  (*waiter)->Shutdown();

  SUBCASE("queryMsgByOffset prints the message stored at that queue offset") {
    const ternmq::SendResult& s = sent[3];
    CommandResult r = Admin({"queryMsgByOffset", "-t", topic, "-b", broker, "-i",
                             std::to_string(s.queue.queue_id), "-o", std::to_string(s.queue_offset),
                             "-n", dev.addr});
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("OffsetID:            " + s.offset_msg_id + "\n") != std::string::npos);
    CHECK(r.out.find("Tags:                [TagB]\n") != std::string::npos);
    CHECK(r.out.find("Keys:                [read-3]\n") != std::string::npos);
    CHECK(r.out.find("Queue Offset:        " + std::to_string(s.queue_offset) + "\n") !=
          std::string::npos);
    CHECK(r.out.find("Message Body:        read-body-3\n") != std::string::npos);

    CommandResult js = Admin({"queryMsgByOffset", "-t", topic, "-b", broker, "-i",
                              std::to_string(s.queue.queue_id), "-o",
                              std::to_string(s.queue_offset), "-n", dev.addr, "--json"});
    REQUIRE(js.exit_code == 0);
    nlohmann::json j = nlohmann::json::parse(js.out);
    CHECK(j["msgId"] == s.msg_id);
    CHECK(j["queueId"] == s.queue.queue_id);
    CHECK(j["body"] == "read-body-3");

    // Past the end of the queue: one line, exit 1.
    CommandResult past = Admin({"queryMsgByOffset", "-t", topic, "-b", broker, "-i",
                                std::to_string(s.queue.queue_id), "-o",
                                std::to_string(per_queue[s.queue.queue_id]), "-n", dev.addr});
    CHECK(past.exit_code == 1);
    CHECK(past.out.empty());
    CHECK(past.err.find("no message at offset") != std::string::npos);
    CHECK(OneLine(past.err));
    CommandResult no_broker = Admin({"queryMsgByOffset", "-t", topic, "-b", "NoSuchBroker", "-i",
                                     "0", "-o", "0", "-n", dev.addr});
    CHECK(no_broker.exit_code == 1);
    CHECK(no_broker.err.find("NoSuchBroker") != std::string::npos);
    CHECK(OneLine(no_broker.err));
    CommandResult missing =
        Admin({"queryMsgByOffset", "-t", topic, "-b", broker, "-i", "0", "-n", dev.addr});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("-o") != std::string::npos);
    CHECK(OneLine(missing.err));
  }

  SUBCASE("printMsg prints every message of every queue, by tag, by time, without bodies") {
    CommandResult r = Admin({"printMsg", "-t", topic, "-n", dev.addr});
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(Count(r.out, "MSGID: ") == kSent);
    for (int i = 0; i < kSent; ++i) {
      CHECK(r.out.find("MSGID: " + sent[i].msg_id + " ") != std::string::npos);
      CHECK(r.out.find("BODY: read-body-" + std::to_string(i) + "\n") != std::string::npos);
    }
    for (const auto& [qid, n] : per_queue) {
      CHECK(r.out.find(fmt::format("minOffset=0, maxOffset={}, MessageQueue [topic={}, "
                                   "brokerName={}, queueId={}]\n",
                                   n, topic, broker, qid)) != std::string::npos);
    }

    CommandResult tag_a = Admin({"printMsg", "-t", topic, "-s", "TagA", "-n", dev.addr});
    REQUIRE(tag_a.exit_code == 0);
    CHECK(Count(tag_a.out, "MSGID: ") == kSent / 2);
    CHECK(tag_a.out.find("read-body-1\n") == std::string::npos);
    CHECK(tag_a.out.find("read-body-2\n") != std::string::npos);

    CommandResult no_body = Admin({"printMsg", "-t", topic, "-d", "false", "-n", dev.addr});
    REQUIRE(no_body.exit_code == 0);
    CHECK(Count(no_body.out, "BODY: NOT PRINT BODY\n") == kSent);

    // Messages stored before -b are skipped: a begin an hour ahead finds none,
    // an end an hour ahead keeps all.
    const std::string later = std::to_string(NowMs() + 3'600'000);
    CommandResult future = Admin({"printMsg", "-t", topic, "-b", later, "-n", dev.addr});
    REQUIRE(future.exit_code == 0);
    CHECK(Count(future.out, "MSGID: ") == 0);
    CommandResult until =
        Admin({"printMsg", "-t", topic, "-b", "0", "-e", later, "-n", dev.addr, "--json"});
    REQUIRE(until.exit_code == 0);
    nlohmann::json j = nlohmann::json::parse(until.out);
    size_t messages = 0;
    for (const auto& q : j["queues"]) messages += q["messages"].size();
    CHECK(messages == kSent);

    CommandResult unknown = Admin({"printMsg", "-t", "NoSuchTopic", "-n", dev.addr});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("NoSuchTopic") != std::string::npos);
    CHECK(OneLine(unknown.err));
    CommandResult charset = Admin({"printMsg", "-t", topic, "-c", "GBK", "-n", dev.addr});
    CHECK(charset.exit_code == 2);
    CHECK(OneLine(charset.err));
    CommandResult missing = Admin({"printMsg", "-n", dev.addr});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("-t") != std::string::npos);
  }

  SUBCASE("consumeMessage prints up to -c messages, or one queue from an offset") {
    CommandResult all = Admin({"consumeMessage", "-t", topic, "-n", dev.addr});
    INFO(all.out, all.err);
    REQUIRE(all.exit_code == 0);
    CHECK(Count(all.out, "MSGID: ") == kSent);
    CHECK(all.out.find("Consume ok\n") != std::string::npos);

    CommandResult four = Admin({"consumeMessage", "-t", topic, "-c", "4", "-n", dev.addr});
    REQUIRE(four.exit_code == 0);
    CHECK(Count(four.out, "MSGID: ") == 4);

    // One queue from offset 1: that queue's messages after its first.
    const int32_t qid = sent.front().queue.queue_id;
    CommandResult one = Admin({"consumeMessage", "-t", topic, "-b", broker, "-i",
                               std::to_string(qid), "-o", "1", "-n", dev.addr, "--json"});
    INFO(one.out, one.err);
    REQUIRE(one.exit_code == 0);
    nlohmann::json j = nlohmann::json::parse(one.out);
    REQUIRE(static_cast<int64_t>(j["messages"].size()) == per_queue[qid] - 1);
    int64_t expect_offset = 1;
    for (const auto& m : j["messages"]) {
      CHECK(m["queueId"] == qid);
      CHECK(m["queueOffset"] == expect_offset++);
    }

    // As a group: the pulls commit nothing, so the group has no progress.
    CommandResult as_group =
        Admin({"consumeMessage", "-t", topic, "-g", "AdminReadCG", "-n", dev.addr});
    REQUIRE(as_group.exit_code == 0);
    CHECK(Count(as_group.out, "MSGID: ") == kSent);
    CommandResult progress =
        Admin({"consumerProgress", "-g", "AdminReadCG", "-t", topic, "-n", dev.addr});
    CHECK(progress.exit_code == 1);

    // A group the broker may not consume as: its refusal, with the remark, in one line.
    CommandResult route = Admin({"topicRoute", "-t", topic, "-n", dev.addr});
    REQUIRE(route.exit_code == 0);
    const nlohmann::json rj = nlohmann::json::parse(route.out);
    const std::string addr = rj["brokerDatas"][0]["brokerAddrs"]["0"];
    REQUIRE(
        Admin({"updateSubGroup", "-b", addr, "-g", "AdminReadOffCG", "-s", "false", "-n", dev.addr})
            .exit_code == 0);
    CommandResult refused =
        Admin({"consumeMessage", "-t", topic, "-g", "AdminReadOffCG", "-n", dev.addr});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("refused PULL_MESSAGE") != std::string::npos);
    CHECK(refused.err.find("NO_PERMISSION") != std::string::npos);
    CHECK(OneLine(refused.err));

    CommandResult no_broker = Admin({"consumeMessage", "-t", topic, "-i", "0", "-n", dev.addr});
    CHECK(no_broker.exit_code == 2);
    CHECK(no_broker.err.find("-b") != std::string::npos);
    CHECK(OneLine(no_broker.err));
    CommandResult bad_count = Admin({"consumeMessage", "-t", topic, "-c", "0", "-n", dev.addr});
    CHECK(bad_count.exit_code == 2);
    CommandResult unknown = Admin({"consumeMessage", "-t", "NoSuchTopic", "-n", dev.addr});
    CHECK(unknown.exit_code == 1);
    CHECK(OneLine(unknown.err));
  }

  SUBCASE("the read commands fail with one line when the nameserver is unreachable") {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"queryMsgByOffset", "-t", topic, "-b", broker, "-i", "0", "-o", "0"},
             {"printMsg", "-t", topic},
             {"consumeMessage", "-t", topic}}) {
      std::vector<std::string> a = args;
      a.insert(a.end(), {"-n", "127.0.0.1:1"});
      CommandResult r = Admin(a);
      INFO(args[0], r.err);
      CHECK(r.exit_code == 1);
      CHECK(r.err.find("cannot reach nameserver 127.0.0.1:1") != std::string::npos);
      CHECK(OneLine(r.err));
    }
  }
}

}  // namespace
}  // namespace tern::tools::admin
