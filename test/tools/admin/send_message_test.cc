// `ternmq admin sendMessage` against a real `ternmq dev`: a message sent by
// the tool is stored with its body, tags and keys (read back with the SDK pull
// consumer at the queue and offset the tool printed); -b/-i picks the queue.
// Error paths: missing -p and -i without -b (exit 2 naming the flag), an
// unknown topic or broker and an unreachable nameserver (exit 1, one line).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "ternmq/producer.h"
#include "ternmq/pull_consumer.h"
#include "test/tools/admin/admin_test_util.h"

namespace tern::tools::admin {
namespace {

using testing::CommandResult;
using testing::TempDir;

TEST_CASE("sendMessage stores one message and prints where it went") {
  TempDir dir;
  testing::BootedTernmq dev = StartDev(dir);
  const std::string topic = "AdminSendT";

  // The topic exists once the SDK producer's first send created it.
  auto producer = StartProducer(dev.addr, "AdminSendPG");
  ternmq::Message seed;
  seed.topic = topic;
  seed.body = "seed";
  ternmq::Result<ternmq::SendResult> first = ternmq::Status::Ok();
  REQUIRE(WaitUntil([&] { return (first = producer->Send(seed)).ok(); }, 10'000));
  producer->Shutdown();
  const std::string broker = first->queue.broker_name;

  ternmq::PullConsumerOptions co;
  co.group = "AdminSendCG";
  co.name_servers = {dev.addr};
  auto consumer = ternmq::PullConsumer::Create(co);
  REQUIRE(consumer.ok());
  REQUIRE((*consumer)->Start().ok());
  // Reads back the message the tool reported at (queue, offset).
  auto read_back = [&](int32_t qid, int64_t offset) {
    ternmq::MessageQueue q{topic, broker, qid};
    ternmq::Result<ternmq::PullResult> p = ternmq::Status::Ok();
    WaitUntil(
        [&] {
          p = (*consumer)->Pull(q, "*", offset, 1);
          return p.ok() && p->status == ternmq::PullStatus::kFound;
        },
        10'000);
    REQUIRE(p.ok());
    REQUIRE(p->messages.size() == 1);
    return p->messages.front();
  };

  CommandResult text = Admin({"sendMessage", "-t", topic, "-p", "hello from mqadmin", "-c", "TagS",
                              "-k", "k1", "-n", dev.addr});
  INFO(text.out, text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("#Broker Name") != std::string::npos);
  CHECK(text.out.find("#Send Result") != std::string::npos);
  CHECK(text.out.find("SEND_OK") != std::string::npos);
  CHECK(text.out.find(broker) != std::string::npos);

  CommandResult js = Admin({"sendMessage", "-t", topic, "-p", "second body", "-c", "TagS", "-k",
                            "k2 k3", "-n", dev.addr, "--json"});
  INFO(js.out, js.err);
  REQUIRE(js.exit_code == 0);
  nlohmann::json j = nlohmann::json::parse(js.out);
  CHECK(j["sendStatus"] == "SEND_OK");
  CHECK(j["brokerName"] == broker);
  ternmq::MessageView got = read_back(j["queueId"].get<int32_t>(), j["queueOffset"].get<int64_t>());
  CHECK(got.body == "second body");
  CHECK(got.tags == "TagS");
  CHECK(got.keys == std::vector<std::string>{"k2", "k3"});
  CHECK(got.msg_id == j["msgId"].get<std::string>());
  CHECK(got.offset_msg_id == j["offsetMsgId"].get<std::string>());
  CHECK(text.out.find(j["msgId"].get<std::string>()) == std::string::npos);  // ids differ

  // -b/-i: that queue, at the next offset of it.
  const int32_t qid = first->queue.queue_id;
  auto before = (*consumer)->MaxOffset(ternmq::MessageQueue{topic, broker, qid});
  REQUIRE(before.ok());
  CommandResult pinned = Admin({"sendMessage", "-t", topic, "-p", "pinned", "-b", broker, "-i",
                                std::to_string(qid), "-n", dev.addr, "--json"});
  INFO(pinned.out, pinned.err);
  REQUIRE(pinned.exit_code == 0);
  nlohmann::json p = nlohmann::json::parse(pinned.out);
  CHECK(p["queueId"] == qid);
  CHECK(p["queueOffset"].get<int64_t>() >= *before);
  CHECK(read_back(qid, p["queueOffset"].get<int64_t>()).body == "pinned");
  (*consumer)->Shutdown();

  // Error paths.
  CommandResult no_body = Admin({"sendMessage", "-t", topic, "-n", dev.addr});
  CHECK(no_body.exit_code == 2);
  CHECK(no_body.err.find("-p") != std::string::npos);
  CHECK(OneLine(no_body.err));
  CommandResult qid_alone =
      Admin({"sendMessage", "-t", topic, "-p", "x", "-i", "0", "-n", dev.addr});
  CHECK(qid_alone.exit_code == 2);
  CHECK(qid_alone.err.find("-b") != std::string::npos);
  CHECK(OneLine(qid_alone.err));
  CommandResult unknown = Admin({"sendMessage", "-t", "NoSuchSendT", "-p", "x", "-n", dev.addr});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("NoSuchSendT") != std::string::npos);
  CHECK(OneLine(unknown.err));
  CommandResult bad_broker =
      Admin({"sendMessage", "-t", topic, "-p", "x", "-b", "NoSuchBroker", "-n", dev.addr});
  CHECK(bad_broker.exit_code == 1);
  CHECK(bad_broker.err.find("NoSuchBroker") != std::string::npos);
  CHECK(OneLine(bad_broker.err));
  CommandResult unreachable = Admin({"sendMessage", "-t", topic, "-p", "x", "-n", "127.0.0.1:1"});
  CHECK(unreachable.exit_code == 1);
  CHECK(unreachable.err.find("cannot reach nameserver 127.0.0.1:1") != std::string::npos);
  CHECK(OneLine(unreachable.err));
}

}  // namespace
}  // namespace tern::tools::admin
