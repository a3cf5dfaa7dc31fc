// Producer benchmark: -w threads send through one ternmq::Producer (one client
// instance, so one connection per broker) for --duration seconds; a reporter
// prints every second the send TPS and the send RT p50/p99/max of that
// second, then a summary over the whole run. Sync sends are one at a time per
// thread; async sends keep --window messages in flight (all threads together);
// oneway sends measure the call only. Before the run: the 1 KiB ping-pong
// baseline (the ratio to report) and a warm-up that creates the topic.
#include "tools/bench/producer_bench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ternmq/producer.h"
#include "tools/bench/bench_support.h"

namespace tern::bench {
namespace {

// A counting limit on async sends in flight. Any thread. A sender that finds
// the window full sleeps until an eighth of it is free again, so it wakes once
// per burst of completions instead of once per completion.
class Window {
 public:
  explicit Window(int size) : free_(size), size_(size), refill_(std::max(1, size / 8)) {}
  void Acquire() {
    std::unique_lock<std::mutex> l(mu_);
    if (free_ == 0) {
      ++waiting_;
      cv_.wait(l, [&] { return free_ >= refill_; });
      --waiting_;
    }
    --free_;
  }
  void Release() {
    bool wake = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      ++free_;
      wake = waiting_ > 0 && (free_ == refill_ || free_ == size_);
    }
    if (wake) cv_.notify_all();
  }
  // Waits (up to `ms`) until nothing is in flight.
  bool Drain(int64_t ms) {
    std::unique_lock<std::mutex> l(mu_);
    ++waiting_;
    bool drained = cv_.wait_for(l, std::chrono::milliseconds(ms), [&] { return free_ == size_; });
    --waiting_;
    return drained;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
  const int size_;
  const int refill_;
  int waiting_ = 0;
};

struct Counters {
  std::atomic<int64_t> ok{0};      // messages stored
  std::atomic<int64_t> failed{0};  // messages whose send failed
  std::atomic<bool> stop{false};
  LatencyHistogram rt;  // per request (a batch is one request)
};

void SendLoop(ternmq::Producer& producer, const ClientBenchArgs& args, Counters& c,
              Window& window) {
  ternmq::Message msg;
  msg.topic = args.topic;
  msg.tags = "bench";
  msg.body.assign(static_cast<size_t>(args.size), 'm');
  std::vector<ternmq::Message> batch(static_cast<size_t>(args.batch), msg);
  while (!c.stop.load(std::memory_order_relaxed)) {
    const int64_t t0 = NowMicros();
    if (args.mode == "async") {
      window.Acquire();
      producer.SendAsync(msg, [&c, &window, t0](ternmq::Result<ternmq::SendResult> r) {
        c.rt.Record(NowMicros() - t0);
        (r.ok() ? c.ok : c.failed).fetch_add(1, std::memory_order_relaxed);
        window.Release();
      });
      continue;
    }
    if (args.mode == "oneway") {
      ternmq::Status st = producer.SendOneway(msg);
      c.rt.Record(NowMicros() - t0);
      (st.ok() ? c.ok : c.failed).fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    bool ok = args.batch > 1 ? producer.SendBatch(batch).ok() : producer.Send(msg).ok();
    c.rt.Record(NowMicros() - t0);
    (ok ? c.ok : c.failed).fetch_add(args.batch, std::memory_order_relaxed);
  }
}

}  // namespace

int RunProducerBench(int argc, char** argv) {
  tools::CommandSpec spec{
      "bench producer",
      "Send throughput and send RT through the C++ SDK producer, with the broker's CPU and RSS\n"
      "when it is spawned here, against a 1 KiB loopback ping-pong measured in the same run.",
      "ternmq bench producer [-n ADDR] [-t TOPIC] [-w N] [-s BYTES] [--duration S] "
      "[--mode sync|async|oneway] [--window N] [--batch N] [--<brokerKey>=V...]",
      ClientBenchOptions(false), /*config_overrides=*/true};
  ClientBenchArgs args;
  if (int rc = ParseClientBenchArgs(spec, argc, argv, &args); rc != 0) return rc < 0 ? 0 : rc;

  const Baseline baseline = RunBaseline(args);
  auto target = StartTarget(args);
  if (!target.ok()) {
    std::fprintf(stderr, "bench producer: %s\n", target.status().ToString().c_str());
    return 1;
  }

  ternmq::ProducerOptions po;
  po.group = "BenchmarkProducerGroup";
  po.name_servers = {target->namesrv};
  po.compress_over_bytes = 1 << 30;  // measure the broker, not zlib
  po.callback_threads = 1;
  auto created = ternmq::Producer::Create(po);
  if (!created.ok()) {
    std::fprintf(stderr, "bench producer: %s\n", created.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<ternmq::Producer> producer = std::move(created).value();
  if (ternmq::Status st = producer->Start(); !st.ok()) {
    std::fprintf(stderr, "bench producer: %s\n", st.ToString().c_str());
    return 1;
  }
  // Warm-up: creates the topic (TBW102) and the connection, fills the caches.
  {
    ternmq::Message m;
    m.topic = args.topic;
    m.body.assign(static_cast<size_t>(args.size), 'w');
    for (int i = 0; i < 2000; ++i) {
      auto r = producer->Send(m);
      if (!r.ok()) {
        std::fprintf(stderr, "bench producer: warm-up send failed: %s\n",
                     r.status().ToString().c_str());
        return 1;
      }
    }
  }

  std::printf("producer: topic %s, %d thread(s), %d-byte bodies, mode %s", args.topic.c_str(),
              args.threads, args.size, args.mode.c_str());
  if (args.mode == "async") std::printf(", window %d", args.window);
  if (args.batch > 1) std::printf(", batches of %d", args.batch);
  std::printf(", %.0f s\n", args.duration_s);

  Counters c;
  Window window(args.window);
  const double cpu_before = target->dev ? target->dev->CpuSeconds() : 0;
  const int64_t start = NowMicros();
  std::vector<std::thread> threads;
  for (int i = 0; i < args.threads; ++i) {
    threads.emplace_back([&] { SendLoop(*producer, args, c, window); });
  }
  const int64_t end = start + static_cast<int64_t>(args.duration_s * 1e6);
  int64_t last_ok = 0;
  for (int second = 1;; ++second) {
    const int64_t tick = std::min(end, start + static_cast<int64_t>(second) * 1'000'000);
    std::this_thread::sleep_until(std::chrono::steady_clock::time_point(
        std::chrono::microseconds(tick)));  // the reporting period, not synchronisation
    const int64_t ok = c.ok.load();
    LatencyHistogram::Summary s = c.rt.TakeInterval();
    std::printf("[%3ds] send TPS %9s | RT us p50 %5lld p99 %6lld max %7lld | failed %lld\n", second,
                WithCommas(ok - last_ok).c_str(), static_cast<long long>(s.p50),
                static_cast<long long>(s.p99), static_cast<long long>(s.max),
                static_cast<long long>(c.failed.load()));
    std::fflush(stdout);
    last_ok = ok;
    if (tick >= end) break;
  }
  c.stop.store(true);
  for (auto& t : threads) t.join();
  const bool drained = window.Drain(10'000);
  const double elapsed = static_cast<double>(NowMicros() - start) / 1e6;
  const int64_t ok = c.ok.load();
  const double tps = static_cast<double>(ok) / elapsed;
  LatencyHistogram::Summary total = c.rt.Total();

  std::printf(
      "summary: %s messages in %.2f s = %s msgs/s; send RT us p50 %lld p99 %lld max %lld "
      "mean %.1f; failed %lld%s\n",
      WithCommas(ok).c_str(), elapsed, WithCommas(static_cast<int64_t>(tps)).c_str(),
      static_cast<long long>(total.p50), static_cast<long long>(total.p99),
      static_cast<long long>(total.max), total.mean, static_cast<long long>(c.failed.load()),
      drained ? "" : " (async sends still pending)");
  auto print_ratio = [tps](const char* what, double rate) {
    if (rate <= 0) return;  // skipped or failed
    std::printf("ratio: %.2f x the %s (%s round trips/s)\n", tps / rate, what,
                WithCommas(static_cast<int64_t>(rate)).c_str());
  };
  print_ratio("ping-pong rate through src/remoting", baseline.remoting);
  print_ratio("blocking-socket ping-pong rate", baseline.raw);
  PrintBrokerCost(target->dev.get(), cpu_before, ok);
  producer->Shutdown();
  if (target->dev) target->dev->Stop();
  return c.failed.load() == 0 ? 0 : 1;
}

}  // namespace tern::bench
