// Transaction benchmark (tx_bench.h). One ternmq::Producer and one
// ternmq::TransactionProducer (separate groups) against the same broker; each
// phase runs -w threads for --duration seconds and reports TPS and
// p50/p99/max of the call. With a spawned broker the END_TRANSACTION commits
// are confirmed through GET_BROKER_RUNTIME_INFO (transactionCommitted), and
// the pending count through transactionPending.
#include "tools/bench/tx_bench.h"

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "src/net/event_loop.h"
#include "src/protocol/codes.h"
#include "src/protocol/topic_list.h"
#include "src/remoting/rpc_client.h"
#include "ternmq/producer.h"
#include "ternmq/transaction_producer.h"
#include "tools/bench/bench_support.h"

namespace tern::bench {
namespace {

// ExecuteLocal answers `local`; checks (none expected) answer Unknown.
class BenchListener : public ternmq::TransactionListener {
 public:
  std::atomic<ternmq::TransactionState> local{ternmq::TransactionState::kCommit};
  ternmq::TransactionState ExecuteLocal(const ternmq::Message&, void*) override {
    return local.load(std::memory_order_relaxed);
  }
  ternmq::TransactionState Check(const ternmq::MessageView&) override {
    return ternmq::TransactionState::kUnknown;
  }
};

struct PhaseResult {
  int64_t ok = 0;
  int64_t failed = 0;
  double seconds = 0;
  LatencyHistogram::Summary rt;
  double tps() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
};

// Runs `send` on `threads` threads until `duration_s` passed or `limit`
// successful calls were made (0 = no limit).
PhaseResult RunPhase(int threads, double duration_s, int64_t limit,
                     const std::function<bool()>& send) {
  LatencyHistogram rt;
  std::atomic<int64_t> ok{0}, failed{0}, started{0};
  const int64_t start = NowMicros();
  const int64_t end = duration_s > 0 ? start + static_cast<int64_t>(duration_s * 1e6) : INT64_MAX;
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&] {
      while (NowMicros() < end && (limit == 0 || started.fetch_add(1) < limit)) {
        const int64_t t0 = NowMicros();
        const bool good = send();
        rt.Record(NowMicros() - t0);
        (good ? ok : failed).fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (auto& w : workers) w.join();
  PhaseResult r;
  r.ok = ok.load();
  r.failed = failed.load();
  r.seconds = static_cast<double>(NowMicros() - start) / 1e6;
  r.rt = rt.Total();
  return r;
}

void PrintPhase(const char* name, const PhaseResult& r) {
  std::printf(
      "%-28s %s ok in %.2f s = %9s /s | RT us p50 %5lld p99 %6lld max %7lld | failed %lld\n", name,
      WithCommas(r.ok).c_str(), r.seconds, WithCommas(static_cast<int64_t>(r.tps())).c_str(),
      static_cast<long long>(r.rt.p50), static_cast<long long>(r.rt.p99),
      static_cast<long long>(r.rt.max), static_cast<long long>(r.failed));
  std::fflush(stdout);
}

// GET_BROKER_RUNTIME_INFO figures of one broker (empty when unreachable).
class BrokerFigures {
 public:
  explicit BrokerFigures(std::string addr) : addr_(std::move(addr)) {
    if (!loop_.Start().ok()) return;
    client_ = std::make_unique<remoting::RpcClient>(loop_, remoting::RpcClientOptions{});
  }
  ~BrokerFigures() {
    if (client_) client_->Shutdown();
    loop_.Stop();
  }
  int64_t Get(const std::string& key) {
    if (!client_) return -1;
    auto r = client_->InvokeSync(
        addr_, remoting::RemotingCommand::Request(protocol::RequestCode::kGetBrokerRuntimeInfo),
        5000);
    if (!r.ok() || r->code != 0) return -1;
    auto kv = protocol::KvTable::Decode(r->body);
    if (!kv.ok()) return -1;
    auto it = kv->table.find(key);
    int64_t v = -1;
    if (it != kv->table.end())
      std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    return v;
  }
  // Polls until Get(key) >= want or `ms` passed; returns the last value.
  int64_t WaitAtLeast(const std::string& key, int64_t want, int64_t ms) {
    const int64_t until = NowMicros() + ms * 1000;
    int64_t v = Get(key);
    while (v < want && NowMicros() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling a remote figure
      v = Get(key);
    }
    return v;
  }

 private:
  std::string addr_;
  net::EventLoop loop_{"bench-figures"};
  std::unique_ptr<remoting::RpcClient> client_;
};

}  // namespace

int RunTxBench(int argc, char** argv) {
  std::vector<tools::OptionSpec> options = ClientBenchOptions(false);
  options.push_back(
      {"", "pending", "N", "transactions left Unknown for the last phase (default 100000)"});
  tools::CommandSpec spec{
      "bench tx",
      "Transactional sends with commit beside plain sync sends in the same run (target: at\n"
      "least 0.5 x the plain TPS), and plain sends with --pending transactions left Unknown.",
      "ternmq bench tx [-n ADDR] [-t TOPIC] [-w N] [-s BYTES] [--duration S] [--pending N] "
      "[--<brokerKey>=V...]",
      options, /*config_overrides=*/true};
  ClientBenchArgs args;
  args.baseline_s = 0;
  if (int rc = ParseClientBenchArgs(spec, argc, argv, &args); rc != 0) return rc < 0 ? 0 : rc;
  if (args.mode != "sync" || args.batch > 1) {
    std::fprintf(stderr, "bench tx: only sync single sends are measured\n");
    return 2;
  }
  int64_t pending = 100'000;
  {
    auto parsed = tools::ParseArgs(spec, argc, argv);
    if (parsed.ok() && parsed->Has("pending")) {
      const std::string text = parsed->Get("pending");
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), pending);
      if (ec != std::errc() || p != text.data() + text.size() || pending < 0) {
        std::fprintf(stderr, "bench tx: --pending must be a count, got '%s'\n", text.c_str());
        return 2;
      }
    }
  }
  bool timeout_given = false;
  for (const auto& kv : args.dev_overrides) timeout_given |= kv.first == "transactionTimeOut";
  if (!timeout_given) args.dev_overrides.emplace_back("transactionTimeOut", "3600000");

  auto target = StartTarget(args);
  if (!target.ok()) {
    std::fprintf(stderr, "bench tx: %s\n", target.status().ToString().c_str());
    return 1;
  }
  ternmq::ProducerOptions po;
  po.group = "BenchmarkProducerGroup";
  po.name_servers = {target->namesrv};
  po.compress_over_bytes = 1 << 30;  // measure the broker, not zlib
  auto plain = ternmq::Producer::Create(po);
  BenchListener listener;
  po.group = "BenchmarkTxProducerGroup";
  auto tx = ternmq::TransactionProducer::Create(po, &listener);
  if (!plain.ok() || !tx.ok()) {
    std::fprintf(stderr, "bench tx: %s\n",
                 (plain.ok() ? tx.status() : plain.status()).ToString().c_str());
    return 1;
  }
  if (auto st = (*plain)->Start(); !st.ok()) {
    std::fprintf(stderr, "bench tx: %s\n", st.ToString().c_str());
    return 1;
  }
  if (auto st = (*tx)->Start(); !st.ok()) {
    std::fprintf(stderr, "bench tx: %s\n", st.ToString().c_str());
    return 1;
  }

  ternmq::Message msg;
  msg.topic = args.topic;
  msg.tags = "bench";
  msg.body.assign(static_cast<size_t>(args.size), 'm');
  std::mutex error_mu;
  std::string first_error;  // GUARDED_BY(error_mu)
  auto note = [&](const ternmq::Status& st) {
    if (st.ok()) return true;
    std::lock_guard lock(error_mu);
    if (first_error.empty()) first_error = st.ToString();
    return false;
  };
  auto send_plain = [&] { return note((*plain)->Send(msg).status()); };
  auto send_tx = [&] { return note((*tx)->SendInTransaction(msg, nullptr).status()); };
  // Warm-up: creates the topic (TBW102), the connections, fills the caches.
  // The first send retries for 10 s: the broker may still be registering.
  for (int64_t until = NowMicros() + 10'000'000; NowMicros() < until;) {
    if ((*plain)->Send(msg).ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // registration has no event here
  }
  for (int i = 0; i < 2000; ++i) {
    auto r = (*plain)->Send(msg);
    if (!r.ok()) {
      std::fprintf(stderr, "bench tx: warm-up send failed: %s\n", r.status().ToString().c_str());
      return 1;
    }
  }
  PhaseResult warm_tx = RunPhase(1, 0, 2000, send_tx);
  if (warm_tx.failed > 0) {
    std::fprintf(stderr, "bench tx: transactional warm-up sends failed\n");
    return 1;
  }
  std::printf("tx: topic %s, %d thread(s), %d-byte bodies, %g s per phase, %s pending\n",
              args.topic.c_str(), args.threads, args.size, args.duration_s,
              WithCommas(pending).c_str());

  std::unique_ptr<BrokerFigures> figures;
  if (target->dev) figures = std::make_unique<BrokerFigures>(target->dev->broker_addr());
  const int64_t committed_before = figures ? figures->Get("transactionCommitted") : -1;

  PhaseResult p1 = RunPhase(args.threads, args.duration_s, 0, send_plain);
  PrintPhase("1 plain sync send", p1);
  PhaseResult p2 = RunPhase(args.threads, args.duration_s, 0, send_tx);
  PrintPhase("2 tx send + commit", p2);
  if (figures) {
    const int64_t want = committed_before + p2.ok;
    const int64_t got = figures->WaitAtLeast("transactionCommitted", want, 30'000);
    std::printf("  commits applied by the broker: %s of %s\n",
                WithCommas(got - committed_before).c_str(), WithCommas(p2.ok).c_str());
  }
  PhaseResult p3 = RunPhase(args.threads, args.duration_s, 0, send_plain);
  PrintPhase("3 plain sync send", p3);

  listener.local = ternmq::TransactionState::kUnknown;
  PhaseResult p4 = RunPhase(args.threads, 0, pending, send_tx);
  PrintPhase("4 create pending (Unknown)", p4);
  if (figures) {
    std::printf("  transactionPending on the broker: %s\n",
                WithCommas(figures->WaitAtLeast("transactionPending", p4.ok, 30'000)).c_str());
  }
  PhaseResult p5 = RunPhase(args.threads, args.duration_s, 0, send_plain);
  PrintPhase("5 plain sync send, pending", p5);

  // The tx phase is bracketed by two plain phases: compare with their mean.
  const double plain_tps = (p1.tps() + p3.tps()) / 2;
  const double tx_ratio = plain_tps > 0 ? p2.tps() / plain_tps : 0;
  const double pending_ratio = p3.tps() > 0 ? p5.tps() / p3.tps() : 0;
  std::printf(
      "summary: plain %s msgs/s (mean of phases 1 and 3; p99 %lld/%lld us); tx send+commit "
      "%s tx/s (p50 %lld us, p99 %lld us)\n",
      WithCommas(static_cast<int64_t>(plain_tps)).c_str(), static_cast<long long>(p1.rt.p99),
      static_cast<long long>(p3.rt.p99), WithCommas(static_cast<int64_t>(p2.tps())).c_str(),
      static_cast<long long>(p2.rt.p50), static_cast<long long>(p2.rt.p99));
  std::printf("ratio tx/plain: %.2f (target >= 0.50: %s)\n", tx_ratio,
              tx_ratio >= 0.5 ? "met" : "NOT met");
  std::printf(
      "ratio plain with %s pending (phase 5) / plain with none (phase 3): %.2f "
      "(p99 %lld vs %lld us)\n",
      WithCommas(p4.ok).c_str(), pending_ratio, static_cast<long long>(p5.rt.p99),
      static_cast<long long>(p3.rt.p99));
  if (!first_error.empty()) std::printf("first failure: %s\n", first_error.c_str());
  PrintBrokerCost(target->dev.get(), 0, p1.ok + p2.ok + p3.ok + p4.ok + p5.ok);
  (*tx)->Shutdown();
  (*plain)->Shutdown();
  if (target->dev) target->dev->Stop();
  return p1.failed + p2.failed + p3.failed + p4.failed + p5.failed == 0 ? 0 : 1;
}

}  // namespace tern::bench
