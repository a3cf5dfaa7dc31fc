// A real MessageStore + MetaDb on a temp dir, a TransactionService over a
// ManualClock driven by RunOnce, the END_TRANSACTION processor on a real
// RpcServer (127.0.0.1:0), and producers that are real RpcClients: they
// register their connection in the ProducerManager (test-only request
// code) and collect the CHECK_TRANSACTION_STATE requests they receive.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "broker/client/producer_manager.h"
#include "broker/meta/meta_db.h"
#include "broker/processor/end_transaction_processor.h"
#include "broker/store/message_store.h"
#include "broker/transaction/check_notifier.h"
#include "broker/transaction/half_message.h"
#include "broker/transaction/transaction_service.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"
#include "src/remoting/rpc_client.h"
#include "src/remoting/rpc_server.h"
#include "test/util/stored_message.h"
#include "test/util/temp_dir.h"

namespace tern::transaction::testing {

inline constexpr int64_t kT0 = 1'700'000'000'000;
inline constexpr int32_t kRegisterProducerCode = 9901;  // test only
// END_TRANSACTION commitOrRollback values (sysFlag transaction types).
inline constexpr int32_t kCommit = 8;
inline constexpr int32_t kRollback = 12;

using ::tern::testing::Props;
using ::tern::testing::ToStored;
using Stored = ::tern::testing::StoredMessage;

// A transactional producer: one connection to the broker, collecting checks.
struct Producer {
  net::EventLoop loop{"tx-producer"};
  std::unique_ptr<remoting::RpcClient> client;
  std::string addr;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<remoting::RemotingCommand> checks;  // GUARDED_BY(mu)
  // Called on the client loop for each check (after it is recorded).
  std::function<void(const remoting::RemotingCommand&)> on_check;

  explicit Producer(std::string server_addr) : addr(std::move(server_addr)) {
    REQUIRE(loop.Start().ok());
    client = std::make_unique<remoting::RpcClient>(loop, remoting::RpcClientOptions{});
    client->RegisterSync(
        protocol::RequestCode::kCheckTransactionState,
        [this](const remoting::RequestContext&,
               const remoting::RemotingCommand& r) -> Result<remoting::RemotingCommand> {
          {
            std::lock_guard lock(mu);
            checks.push_back(r);
          }
          cv.notify_all();
          if (on_check) on_check(r);
          return remoting::RemotingCommand::ResponseTo(r, 0);
        });
  }
  ~Producer() {
    client->Shutdown();
    loop.Stop();
  }
  // Registers this connection as a producer of `group` (like HEART_BEAT).
  void Join(const std::string& group) {
    auto req = remoting::RemotingCommand::Request(kRegisterProducerCode);
    req.SetField("group", group);
    auto r = client->InvokeSync(addr, req, 5000);
    REQUIRE(r.ok());
    REQUIRE(r->code == 0);
  }
  // Waits (bounded) until `n` checks arrived; returns how many did.
  size_t WaitChecks(size_t n, int64_t timeout_ms = 5000) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return checks.size() >= n; });
    return checks.size();
  }
  size_t CheckCount() {
    std::lock_guard lock(mu);
    return checks.size();
  }
  remoting::RemotingCommand Check(size_t i) {
    std::lock_guard lock(mu);
    REQUIRE(i < checks.size());
    return checks[i];
  }
};

struct Half {
  store::PutResult put;
  std::string uniq;
};

struct TxFixture {
  ::tern::testing::TempDir tmp;
  ManualClock clock{kT0};
  std::unique_ptr<meta::MetaDb> db;
  std::unique_ptr<store::MessageStore> store;
  net::EventLoop loop{"tx-server"};
  std::unique_ptr<remoting::RpcServer> server;
  broker::ProducerManager producers;
  std::unique_ptr<ProducerCheckNotifier> notifier;
  std::unique_ptr<TransactionService> service;
  std::unique_ptr<processor::EndTransactionProcessor> processor;
  TransactionOptions options;
  int next_uniq = 0;
  // An admin/producer client for END_TRANSACTION and RESUME requests.
  std::unique_ptr<Producer> caller;

  static TransactionOptions Defaults() {
    TransactionOptions o;
    o.timeout_ms = 6000;
    o.check_interval_ms = 60'000;
    o.check_max = 15;
    o.broker_name = "broker-t";
    return o;
  }

  explicit TxFixture(TransactionOptions o = Defaults()) : options(std::move(o)) {
    // As the ternmq binary does (tools/server_runtime.cc): a peer that closes
    // while a oneway check is being written must not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    OpenDb();
    OpenStore();
    remoting::RpcServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    so.name = "tx-test";
    server = std::make_unique<remoting::RpcServer>(loop, so);
    server->RegisterSync(
        kRegisterProducerCode,
        [this](const remoting::RequestContext& ctx,
               const remoting::RemotingCommand& r) -> Result<remoting::RemotingCommand> {
          broker::ClientChannel ch;
          ch.connection = ctx.connection;
          ch.client_id = ctx.peer;
          ch.client_addr = ctx.peer;
          ch.language = "JAVA";
          producers.RegisterProducer(std::string(*r.Field("group")), ch);
          return remoting::RemotingCommand::ResponseTo(r, 0);
        });
    server->SetConnectionClosedHandler(
        [this](ConnectionId id, const std::string&) { producers.OnConnectionClosed(id); });
    notifier = std::make_unique<ProducerCheckNotifier>(
        producers, std::vector<remoting::RpcServer*>{server.get()});
    OpenService();
    processor->Register(*server);
    REQUIRE(server->Start().ok());
    REQUIRE(loop.Start().ok());
    caller = std::make_unique<Producer>(addr());
  }
  ~TxFixture() {
    caller.reset();
    server->Stop();
    loop.Stop();
    processor.reset();
    service.reset();
    if (store) REQUIRE(store->Close().ok());
  }

  std::string addr() const { return "127.0.0.1:" + std::to_string(server->port()); }

  void OpenDb() { db = std::move(meta::MetaDb::Open(tmp.Sub("meta")).value()); }
  void OpenStore() {
    store::MessageStoreOptions so;
    so.root_dir = tmp.Sub("store");
    so.commit_log.segment_size = 1 << 20;
    so.commit_log.store_host = protocol::HostAddress::V4(0x7F000001, 10911);
    so.consume_queue.units_per_file = 4096;
    auto s = store::MessageStore::Open(so, *db, store::FileIo::Default(), clock);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    store = std::move(s).value();
  }
  void OpenService() {
    auto s = TransactionService::Open(*store, clock, *notifier, options);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    service = std::move(s).value();
    processor = std::make_unique<processor::EndTransactionProcessor>(*service, loop);
  }
  // Closes and reopens the store, the metadata and the service (the server
  // and its connections stay).
  void Restart() {
    processor.reset();
    service.reset();
    REQUIRE(store->Close().ok());
    store.reset();
    db.reset();
    OpenDb();
    OpenStore();
    OpenService();
    REQUIRE(net::RunInLoopAndWait(loop, [this] { processor->Register(*server); }));
  }

  // A transactional send as the send processor does it with the hook.
  Half SendHalf(const std::string& topic, int queue, const std::string& group,
                const std::string& body, const std::string& extra = {}) {
    Half h;
    h.uniq = "UNIQ" + std::to_string(next_uniq++);
    processor::OutgoingMessage m;
    m.topic = topic;
    m.queue_id = QueueId(queue);
    m.flag = 3;
    m.sys_flag = protocol::MessageSysFlag::kTransactionPrepared;
    m.born_timestamp = clock.NowMs();
    m.born_host = protocol::HostAddress::V4(0x0A000001, 5555);
    m.body = body;
    m.properties =
        Props({{"TRAN_MSG", "true"}, {"PGROUP", group}, {"UNIQ_KEY", h.uniq}, {"TAGS", "TagA"}}) +
        extra;
    REQUIRE(ToHalfMessage(m).ok());
    h.put = store->PutMessage(m.AsRecord());
    REQUIRE(h.put.stored());
    return h;
  }

  remoting::RemotingCommand EndRequest(const std::string& group, const Half& h, int32_t decision,
                                       bool from_check = false) {
    auto req = remoting::RemotingCommand::Request(protocol::RequestCode::kEndTransaction);
    req.SetField("producerGroup", group);
    req.SetField("tranStateTableOffset", h.put.queue_offset.value());
    req.SetField("commitLogOffset", h.put.offset.value());
    req.SetField("commitOrRollback", static_cast<int64_t>(decision));
    req.SetField("fromTransactionCheck", from_check);
    req.SetField("msgId", h.uniq);
    req.SetField("transactionId", h.uniq);
    return req;
  }
  Result<remoting::RemotingCommand> End(const std::string& group, const Half& h, int32_t decision,
                                        int64_t timeout_ms = 5000) {
    return caller->client->InvokeSync(addr(), EndRequest(group, h, decision), timeout_ms);
  }

  void Dispatch() { REQUIRE(store->dispatch().RunOnce().ok()); }
  CheckStats Run() {
    Dispatch();
    auto r = service->RunOnce(clock.NowMs());
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    Dispatch();
    return *r;
  }

  std::vector<Stored> Read(std::string_view topic, int queue) {
    Dispatch();
    std::vector<Stored> out;
    store::ConsumeQueue* cq = store->consume_queues().Find(topic, QueueId(queue));
    if (cq == nullptr) return out;
    for (int64_t off = cq->min_offset().value(); off < cq->max_offset().value(); ++off) {
      auto unit = cq->ReadUnit(QueueOffset(off));
      REQUIRE(unit.has_value());
      auto view = store->commit_log().ReadRecord(unit->offset);
      REQUIRE(view.ok());
      auto rec = protocol::DecodeMessageRecord(view->data(), true);
      REQUIRE(rec.ok());
      out.push_back(ToStored(*rec));
    }
    return out;
  }
};

}  // namespace tern::transaction::testing
