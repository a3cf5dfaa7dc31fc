// Over TCP against an in-process Broker: an RpcClient acting as a
// transactional producer (HEART_BEAT, SEND with TRAN_MSG, END_TRANSACTION,
// answering CHECK_TRANSACTION_STATE) and a pull of the committed message.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <set>
#include <thread>

#include "broker/broker.h"
#include "broker/broker_config.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/send_headers.h"
#include "test/broker/integration/broker_process.h"
#include "test/broker/transaction/transaction_fixture.h"

namespace tern::transaction {
namespace {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

broker::BrokerConfig Config(const std::string& dir) {
  std::signal(SIGPIPE, SIG_IGN);  // as the ternmq binary does
  broker::BrokerConfig c;
  c.broker_name = "broker-tx";
  c.broker_ip1 = "127.0.0.1";
  c.bind_address = "127.0.0.1";
  c.listen_port = 0;
  c.store_path_root_dir = dir;
  c.mapped_file_size_commit_log = 4 << 20;
  c.transaction_timeout = 0;  // checked at the first round
  c.transaction_check_interval = 1000;
  REQUIRE(broker::ResolveBrokerConfig(&c).ok());
  return c;
}

void Heartbeat(testing::Producer& p, const std::string& group) {
  RemotingCommand hb = RemotingCommand::Request(protocol::RequestCode::kHeartBeat);
  hb.body = R"({"clientID":"127.0.0.1@tx","producerDataSet":[{"groupName":")" + group +
            R"("}],"consumerDataSet":[]})";
  auto r = p.client->InvokeSync(p.addr, hb, 5000);
  REQUIRE(r.ok());
  REQUIRE(r->code == RC::kSuccess);
}

struct SendReply {
  std::string msg_id;
  int64_t queue_offset = 0;
  int32_t queue_id = 0;
  std::string transaction_id;
};

SendReply SendTransactional(testing::Producer& p, const std::string& group,
                            const std::string& topic, const std::string& body) {
  protocol::SendMessageRequestHeader h;
  h.producer_group = group;
  h.topic = topic;
  h.default_topic = "TBW102";
  h.default_topic_queue_nums = 4;
  h.queue_id = 1;
  h.sys_flag = protocol::MessageSysFlag::kTransactionPrepared;
  h.born_timestamp = 1;
  std::string props;
  protocol::AppendProperty(&props, "TRAN_MSG", "true");
  protocol::AppendProperty(&props, "PGROUP", group);
  h.properties = props;
  RemotingCommand send = RemotingCommand::Request(protocol::RequestCode::kSendMessageV2);
  h.EncodeV2(&send.ext_fields);
  send.body = body;
  auto r = p.client->InvokeSync(p.addr, send, 5000);
  REQUIRE(r.ok());
  REQUIRE_MESSAGE(r->code == RC::kSuccess, r->remark.value_or(""));
  SendReply out;
  out.msg_id = std::string(*r->Field("msgId"));
  out.queue_offset = std::stoll(std::string(*r->Field("queueOffset")));
  out.queue_id = std::stoi(std::string(*r->Field("queueId")));
  out.transaction_id = std::string(r->Field("transactionId").value_or(""));
  return out;
}

RemotingCommand EndRequest(const std::string& group, int64_t table_offset, int64_t log_offset,
                           const std::string& msg_id, int32_t decision, bool from_check) {
  RemotingCommand end = RemotingCommand::Request(protocol::RequestCode::kEndTransaction);
  end.SetField("producerGroup", group);
  end.SetField("tranStateTableOffset", table_offset);
  end.SetField("commitLogOffset", log_offset);
  end.SetField("commitOrRollback", static_cast<int64_t>(decision));
  end.SetField("fromTransactionCheck", from_check);
  end.SetField("msgId", msg_id);
  end.SetField("transactionId", msg_id);
  return end;
}

// Pulls (topic, queue 1) from offset 0 until `n` messages are there (bounded).
std::vector<protocol::MessageRecord> Pull(testing::Producer& p, const std::string& topic, size_t n,
                                          std::string* storage, int attempts = 250) {
  std::vector<protocol::MessageRecord> out;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    RemotingCommand pull = RemotingCommand::Request(protocol::RequestCode::kPullMessage);
    pull.SetField("consumerGroup", "CG");
    pull.SetField("topic", topic);
    pull.SetField("queueId", int64_t{1});
    pull.SetField("queueOffset", int64_t{0});
    pull.SetField("maxMsgNums", int64_t{32});
    pull.SetField("sysFlag", int64_t{4});  // subscription in the request
    pull.SetField("commitOffset", int64_t{0});
    pull.SetField("suspendTimeoutMillis", int64_t{0});
    pull.SetField("subscription", "*");
    pull.SetField("subVersion", int64_t{0});
    auto r = p.client->InvokeSync(p.addr, pull, 5000);
    REQUIRE(r.ok());
    if (r->code == RC::kSuccess) {
      *storage = r->body;
      out.clear();
      std::string_view data = *storage;
      while (!data.empty()) {
        auto rec = protocol::DecodeMessageRecord(data);
        REQUIRE(rec.ok());
        out.push_back(*rec);
        data.remove_prefix(static_cast<size_t>(rec->total_size));
      }
      if (out.size() >= n) return out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // bounded wait for dispatch
  }
  return out;
}

TEST_CASE("over TCP: a half message is committed by END_TRANSACTION and then pulled") {
  ::tern::testing::TempDir dir;
  broker::BrokerConfig config = Config(dir.Sub("b"));
  config.transaction_timeout = 600'000;  // no check in this test
  broker::Broker b(config, SystemClock::Instance());
  REQUIRE(b.Start().ok());
  testing::Producer p(b.addr());
  SendReply sent = SendTransactional(p, "PG", "TxTopic", "order-1");
  CHECK(sent.queue_id == 1);
  CHECK(sent.queue_offset == 0);  // in the half queue
  CHECK_FALSE(sent.transaction_id.empty());
  auto id = protocol::DecodeOffsetMessageId(sent.msg_id);
  REQUIRE(id.ok());
  std::string storage;
  CHECK(Pull(p, "TxTopic", 1, &storage, 5).empty());  // invisible before the commit

  p.client->InvokeOneway(p.addr, EndRequest("PG", sent.queue_offset, id->offset.value(),
                                            sent.transaction_id, 8, false));
  auto msgs = Pull(p, "TxTopic", 1, &storage);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].body == "order-1");
  CHECK(protocol::FindProperty(msgs[0].properties, "TRAN_MSG") == "true");
  CHECK(protocol::FindProperty(msgs[0].properties, "PGROUP") == "PG");
  b.Stop();
}

TEST_CASE("over TCP: a producer answers CHECK_TRANSACTION_STATE with END_TRANSACTION") {
  ::tern::testing::TempDir dir;
  broker::Broker b(Config(dir.Sub("b")), SystemClock::Instance());
  REQUIRE(b.Start().ok());
  testing::Producer p(b.addr());
  // The local transaction's outcome is known only to the checker: commit.
  p.on_check = [&p](const RemotingCommand& check) {
    auto body = protocol::DecodeMessageRecord(check.body);
    if (!body.ok()) return;
    auto group = protocol::FindProperty(body->properties, "PGROUP");
    p.client->InvokeOneway(p.addr,
                           EndRequest(std::string(group.value_or("")),
                                      std::stoll(std::string(*check.Field("tranStateTableOffset"))),
                                      std::stoll(std::string(*check.Field("commitLogOffset"))),
                                      std::string(*check.Field("msgId")), 8, /*from_check=*/true));
  };
  Heartbeat(p, "PG");
  SendReply sent = SendTransactional(p, "PG", "TxChecked", "order-2");
  REQUIRE(p.WaitChecks(1, 10'000) >= 1);
  std::string storage;
  auto msgs = Pull(p, "TxChecked", 1, &storage);
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].body == "order-2");
  CHECK(protocol::FindProperty(msgs[0].properties, "UNIQ_KEY") == sent.transaction_id);
  b.Stop();
}

TEST_CASE(
    "the real broker killed with -9: pending transactions are checked after the restart, "
    "decided ones are not, nothing is delivered twice") {
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args = {"--flushDiskType=SYNC_FLUSH", "--transactionTimeOut=600000"};
  ::tern::testing::Cluster c(args);
  SendReply pending, committed, rolled;
  {
    testing::Producer p(c.broker.addr);
    pending = SendTransactional(p, "PG", "TxCrash", "pending");
    committed = SendTransactional(p, "PG", "TxCrash", "committed");
    rolled = SendTransactional(p, "PG", "TxCrash", "rolled");
    auto end = [&](const SendReply& s, int32_t d) {
      auto id = protocol::DecodeOffsetMessageId(s.msg_id);
      REQUIRE(id.ok());
      auto r = p.client->InvokeSync(
          p.addr, EndRequest("PG", s.queue_offset, id->offset.value(), s.transaction_id, d, false),
          5000);
      REQUIRE(r.ok());
      REQUIRE(r->code == RC::kSuccess);
    };
    end(committed, 8);
    end(rolled, 12);
  }
  REQUIRE(c.broker.child->Signal(SIGKILL).ok());
  auto code = c.broker.child->Wait(10'000);
  REQUIRE(code.ok());
  CHECK(*code == 128 + SIGKILL);
  c.broker.child.reset();

  args = {"--flushDiskType=SYNC_FLUSH", "--transactionTimeOut=0",
          "--transactionCheckInterval=1000"};
  c.RestartBroker(args);
  testing::Producer p(c.broker.addr);
  Heartbeat(p, "PG");
  REQUIRE(p.WaitChecks(1, 10'000) >= 1);
  for (size_t i = 0; i < p.CheckCount(); ++i) {  // only the undecided one is asked about
    CHECK(p.Check(i).Field("tranStateTableOffset") == std::to_string(pending.queue_offset));
  }
  RemotingCommand check = p.Check(0);
  auto answer =
      p.client->InvokeSync(p.addr,
                           EndRequest("PG", pending.queue_offset,
                                      std::stoll(std::string(*check.Field("commitLogOffset"))),
                                      pending.transaction_id, 8, /*from_check=*/true),
                           5000);
  REQUIRE(answer.ok());
  CHECK(answer->code == RC::kSuccess);
  std::string storage;
  auto msgs = Pull(p, "TxCrash", 2, &storage);
  REQUIRE(msgs.size() == 2);
  std::multiset<std::string> bodies;
  for (const auto& m : msgs) bodies.insert(std::string(m.body));
  CHECK(bodies == std::multiset<std::string>{"committed", "pending"});
}

}  // namespace
}  // namespace tern::transaction
