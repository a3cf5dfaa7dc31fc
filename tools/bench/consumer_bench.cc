// Consumer benchmark. The producing side is the SDK producer (as in `bench
// producer`), paced to --rate messages/s; every message carries the property
// BENCH_SEND_US (sender's steady clock, µs). The consuming side is a raw
// PULL_MESSAGE loop: per read queue one pull in flight with long polling
// (suspend flag, 15 s), started at the queue's max offset, re-issued from each
// response's nextBeginOffset on the client loop. Every second: produced TPS,
// consumed TPS, end-to-end latency p50/p99/max of that second; then a summary.
#include "tools/bench/consumer_bench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "src/net/event_loop.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/pull_headers.h"
#include "src/protocol/route_data.h"
#include "src/remoting/rpc_client.h"
#include "ternmq/producer.h"
#include "tools/bench/bench_support.h"

namespace tern::bench {
namespace {

namespace RC = protocol::ResponseCode;
namespace Q = protocol::RequestCode;
using remoting::RemotingCommand;

constexpr const char* kSendMicros = "BENCH_SEND_US";
constexpr const char* kGroup = "BenchmarkConsumerGroup";

struct Shared {
  std::atomic<bool> stop_producing{false};
  std::atomic<bool> stop_pulling{false};
  std::atomic<int64_t> produced{0};
  std::atomic<int64_t> produce_failed{0};
  std::atomic<int64_t> consumed{0};
  std::atomic<int64_t> pull_errors{0};
  std::atomic<int> pulls_in_flight{0};
  LatencyHistogram e2e;
  std::mutex mu;
  std::condition_variable cv;  // in flight changes (window, pulls)
  int async_in_flight = 0;     // GUARDED_BY(mu)
};

// One producing thread: paced to `rate` msgs/s (0: as fast as the mode allows).
void ProduceLoop(ternmq::Producer& producer, const ClientBenchArgs& args, double rate, Shared& s) {
  ternmq::Message msg;
  msg.topic = args.topic;
  msg.tags = "bench";
  msg.body.assign(static_cast<size_t>(args.size), 'c');
  const double gap_us = rate > 0 ? 1e6 / rate : 0;
  double due = static_cast<double>(NowMicros());
  while (!s.stop_producing.load(std::memory_order_relaxed)) {
    if (gap_us > 0) {
      due += gap_us;
      const int64_t now = NowMicros();
      if (due > static_cast<double>(now) + 50) {
        std::this_thread::sleep_until(std::chrono::steady_clock::time_point(
            std::chrono::microseconds(static_cast<int64_t>(due))));  // pacing, not synchronisation
      }
    }
    msg.properties[kSendMicros] = std::to_string(NowMicros());
    if (args.mode == "async") {
      {
        std::unique_lock<std::mutex> l(s.mu);
        s.cv.wait(l, [&] { return s.async_in_flight < args.window; });
        ++s.async_in_flight;
      }
      producer.SendAsync(msg, [&s](ternmq::Result<ternmq::SendResult> r) {
        (r.ok() ? s.produced : s.produce_failed).fetch_add(1, std::memory_order_relaxed);
        std::lock_guard<std::mutex> l(s.mu);
        --s.async_in_flight;
        s.cv.notify_all();
      });
    } else if (args.mode == "oneway") {
      bool ok = producer.SendOneway(msg).ok();
      (ok ? s.produced : s.produce_failed).fetch_add(1, std::memory_order_relaxed);
    } else {
      bool ok = producer.Send(msg).ok();
      (ok ? s.produced : s.produce_failed).fetch_add(1, std::memory_order_relaxed);
    }
  }
}

// A PULL_MESSAGE of the bench's group for up to 32 messages, long-polling
// (`suspend`) or answered at once.
RemotingCommand PullRequest(const std::string& topic, int32_t queue_id, int64_t offset,
                            bool suspend) {
  protocol::PullMessageRequestHeader h;
  h.consumer_group = kGroup;
  h.topic = topic;
  h.queue_id = queue_id;
  h.queue_offset = offset;
  h.max_msg_nums = 32;
  h.sys_flag = protocol::kPullFlagSubscription | (suspend ? protocol::kPullFlagSuspend : 0);
  h.suspend_timeout_millis = 2000;  // short, so that the end of the run is quick
  h.subscription = "*";
  h.expression_type = "TAG";
  RemotingCommand req = RemotingCommand::Request(Q::kPullMessage);
  h.Encode(&req.ext_fields);
  return req;
}

// The pull chains. Loop thread of `client` (callbacks); Start from any thread.
class Puller {
 public:
  Puller(remoting::RpcClient& client, std::string broker, std::string topic, Shared& s)
      : client_(client), broker_(std::move(broker)), topic_(std::move(topic)), s_(s) {}

  void Pull(int32_t queue_id, int64_t offset) {
    if (s_.stop_pulling.load()) {
      std::lock_guard<std::mutex> l(s_.mu);
      --s_.pulls_in_flight;
      s_.cv.notify_all();
      return;
    }
    client_.InvokeAsync(broker_, PullRequest(topic_, queue_id, offset, true), 10'000,
                        [this, queue_id, offset](Result<RemotingCommand> r) {
                          OnResponse(queue_id, offset, std::move(r));
                        });
  }

 private:
  void OnResponse(int32_t queue_id, int64_t offset, Result<RemotingCommand> r) {
    if (!r.ok()) {
      s_.pull_errors.fetch_add(1);
      Pull(queue_id, offset);
      return;
    }
    const int64_t now = NowMicros();
    int64_t next = offset;
    if (auto f = r->Field("nextBeginOffset")) next = std::stoll(std::string(*f));
    if (r->code == RC::kSuccess) {
      std::string_view rest = r->body;
      int64_t n = 0;
      while (!rest.empty()) {
        auto rec = protocol::DecodeMessageRecord(rest, false);
        if (!rec.ok()) {
          s_.pull_errors.fetch_add(1);
          break;
        }
        // Counts this run's messages only (not a warm-up message that the
        // start offsets, read before its dispatch, may still include).
        if (auto sent = protocol::FindProperty(rec->properties, kSendMicros)) {
          s_.e2e.Record(now - std::stoll(std::string(*sent)));
          ++n;
        }
        rest.remove_prefix(static_cast<size_t>(rec->total_size));
      }
      s_.consumed.fetch_add(n, std::memory_order_relaxed);
    } else if (r->code != RC::kPullNotFound && r->code != RC::kPullRetryImmediately &&
               r->code != RC::kPullOffsetMoved) {
      s_.pull_errors.fetch_add(1);
    }
    Pull(queue_id, next);
  }

  remoting::RpcClient& client_;
  const std::string broker_;
  const std::string topic_;
  Shared& s_;
};

}  // namespace

int RunConsumerBench(int argc, char** argv) {
  tools::CommandSpec spec{
      "bench consumer",
      "Consume TPS and end-to-end latency (send call to pull response) at a produce rate,\n"
      "with the broker's CPU and RSS when it is spawned here.",
      "ternmq bench consumer [-n ADDR] [-t TOPIC] [--rate N] [-w N] [-s BYTES] [--duration S] "
      "[--mode sync|async|oneway] [--window N] [--<brokerKey>=V...]",
      ClientBenchOptions(true), /*config_overrides=*/true};
  ClientBenchArgs args;
  args.topic = "BenchmarkConsumeTest";
  args.mode = "async";
  if (int rc = ParseClientBenchArgs(spec, argc, argv, &args); rc != 0) return rc < 0 ? 0 : rc;

  RunBaseline(args);
  auto target = StartTarget(args);
  if (!target.ok()) {
    std::fprintf(stderr, "bench consumer: %s\n", target.status().ToString().c_str());
    return 1;
  }

  ternmq::ProducerOptions po;
  po.group = "BenchmarkProducerGroup";
  po.name_servers = {target->namesrv};
  po.compress_over_bytes = 1 << 30;  // the pull loop reads bodies as stored
  auto created = ternmq::Producer::Create(po);
  if (!created.ok()) {
    std::fprintf(stderr, "bench consumer: %s\n", created.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<ternmq::Producer> producer = std::move(created).value();
  if (ternmq::Status st = producer->Start(); !st.ok()) {
    std::fprintf(stderr, "bench consumer: %s\n", st.ToString().c_str());
    return 1;
  }
  {  // creates the topic, then one message per queue: a queue's first message
     // creates its consume-queue file, which is not what the run measures
    ternmq::Message m;
    m.topic = args.topic;
    m.body = "warm-up";
    size_t queue_count = 1;
    for (size_t q = 0; q < queue_count; ++q) {
      auto r = producer->Send(
          m, [&](const std::vector<ternmq::MessageQueue>& all, const ternmq::Message&) {
            queue_count = all.size();
            return q;
          });
      if (!r.ok()) {
        std::fprintf(stderr, "bench consumer: warm-up send failed: %s\n",
                     r.status().ToString().c_str());
        return 1;
      }
    }
  }

  net::EventLoop loop("bench-pull");
  if (Status st = loop.Start(); !st.ok()) {
    std::fprintf(stderr, "bench consumer: %s\n", st.ToString().c_str());
    return 1;
  }
  remoting::RpcClient client(loop, remoting::RpcClientOptions{});

  // The route: broker address (master) and read queue count, from the nameserver.
  std::string broker;
  int32_t queues = 0;
  for (int attempt = 0; attempt < 50 && broker.empty(); ++attempt) {
    RemotingCommand req = RemotingCommand::Request(Q::kGetRouteinfoByTopic);
    req.SetField("topic", args.topic);
    auto r = client.InvokeSync(target->namesrv, std::move(req), 3000);
    if (r.ok() && r->code == RC::kSuccess) {
      auto route = protocol::TopicRouteData::Decode(r->body);
      if (route.ok() && !route->broker_datas.empty() && !route->queue_datas.empty()) {
        auto addr = route->broker_datas[0].broker_addrs.find(0);
        if (addr != route->broker_datas[0].broker_addrs.end()) {
          broker = addr->second;
          queues = route->queue_datas[0].read_queue_nums;
        }
      }
    }
    if (broker.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));  // re-ask
  }
  if (broker.empty() || queues <= 0) {
    std::fprintf(stderr, "bench consumer: no route for topic %s\n", args.topic.c_str());
    return 1;
  }
  std::vector<int64_t> start_offsets;
  for (int32_t q = 0; q < queues; ++q) {
    RemotingCommand req = RemotingCommand::Request(Q::kGetMaxOffset);
    req.SetField("topic", args.topic);
    req.SetField("queueId", static_cast<int64_t>(q));
    auto r = client.InvokeSync(broker, std::move(req), 3000);
    int64_t offset = 0;
    if (r.ok() && r->code == RC::kSuccess) {
      if (auto f = r->Field("offset")) offset = std::stoll(std::string(*f));
    }
    start_offsets.push_back(offset);
  }

  // One pull per queue answered at once, before anything is timed: the
  // broker creates the bench's subscription group on its first pull (an
  // fsynced write), which would otherwise count in the first messages' latency.
  for (int32_t q = 0; q < queues; ++q) {
    auto r = client.InvokeSync(
        broker, PullRequest(args.topic, q, start_offsets[static_cast<size_t>(q)], false), 3000);
    if (!r.ok()) {
      std::fprintf(stderr, "bench consumer: warm-up pull failed: %s\n",
                   r.status().ToString().c_str());
      return 1;
    }
  }

  std::printf(
      "consumer: topic %s on %s, %d queue(s), one long-polling pull per queue; producing "
      "%s msgs/s (%s) from %d thread(s), %d-byte bodies, %.0f s\n",
      args.topic.c_str(), broker.c_str(), queues,
      args.rate > 0 ? WithCommas(args.rate).c_str() : "max", args.mode.c_str(), args.threads,
      args.size, args.duration_s);

  Shared s;
  Puller puller(client, broker, args.topic, s);
  s.pulls_in_flight = queues;
  for (int32_t q = 0; q < queues; ++q) {
    loop.Post([&puller, q, o = start_offsets[static_cast<size_t>(q)]] { puller.Pull(q, o); });
  }

  const double cpu_before = target->dev ? target->dev->CpuSeconds() : 0;
  const int64_t start = NowMicros();
  std::vector<std::thread> producers;
  const double per_thread = static_cast<double>(args.rate) / args.threads;
  for (int i = 0; i < args.threads; ++i) {
    producers.emplace_back([&] { ProduceLoop(*producer, args, per_thread, s); });
  }
  const int64_t end = start + static_cast<int64_t>(args.duration_s * 1e6);
  int64_t last_p = 0, last_c = 0;
  for (int second = 1;; ++second) {
    const int64_t tick = std::min(end, start + static_cast<int64_t>(second) * 1'000'000);
    std::this_thread::sleep_until(std::chrono::steady_clock::time_point(
        std::chrono::microseconds(tick)));  // the reporting period
    const int64_t p = s.produced.load(), c = s.consumed.load();
    LatencyHistogram::Summary e = s.e2e.TakeInterval();
    std::printf("[%3ds] produce TPS %9s | consume TPS %9s | e2e us p50 %6lld p99 %7lld max %7lld\n",
                second, WithCommas(p - last_p).c_str(), WithCommas(c - last_c).c_str(),
                static_cast<long long>(e.p50), static_cast<long long>(e.p99),
                static_cast<long long>(e.max));
    std::fflush(stdout);
    last_p = p;
    last_c = c;
    if (tick >= end) break;
  }
  s.stop_producing.store(true);
  for (auto& t : producers) t.join();
  {
    std::unique_lock<std::mutex> l(s.mu);
    s.cv.wait_for(l, std::chrono::seconds(10), [&] { return s.async_in_flight == 0; });
  }
  // Let the consumer catch up with what was produced (5 s at most).
  const int64_t catch_up_end = NowMicros() + 5'000'000;
  while (s.consumed.load() < s.produced.load() && NowMicros() < catch_up_end) {
    std::this_thread::sleep_for(
        std::chrono::milliseconds(10));  // polling a counter with a deadline
  }
  const double elapsed = static_cast<double>(NowMicros() - start) / 1e6;
  s.stop_pulling.store(true);
  {
    std::unique_lock<std::mutex> l(s.mu);
    s.cv.wait_for(l, std::chrono::seconds(5), [&] { return s.pulls_in_flight == 0; });
  }
  const int64_t produced = s.produced.load(), consumed = s.consumed.load();
  LatencyHistogram::Summary e = s.e2e.Total();
  std::printf(
      "summary: produced %s (failed %lld), consumed %s in %.2f s = %s msgs/s; "
      "e2e us p50 %lld p99 %lld max %lld mean %.1f; pull errors %lld\n",
      WithCommas(produced).c_str(), static_cast<long long>(s.produce_failed.load()),
      WithCommas(consumed).c_str(), elapsed,
      WithCommas(static_cast<int64_t>(static_cast<double>(consumed) / elapsed)).c_str(),
      static_cast<long long>(e.p50), static_cast<long long>(e.p99), static_cast<long long>(e.max),
      e.mean, static_cast<long long>(s.pull_errors.load()));
  PrintBrokerCost(target->dev.get(), cpu_before, produced);
  client.Shutdown();
  loop.Stop();
  producer->Shutdown();
  if (target->dev) target->dev->Stop();
  return consumed >= produced && s.produce_failed.load() == 0 ? 0 : 1;
}

}  // namespace tern::bench
