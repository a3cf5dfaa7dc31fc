// Delay benchmark, two phases on one store (real clock, real threads: the
// store's writer/flush/dispatch threads and the schedule service thread):
//   1. precision: N timer messages due evenly over a window (default 10,000
//      due per second); lateness = (store time | time the dispatch made it
//      pullable) - due time; p50 / p99 / max and delivery throughput.
//   2. memory: P messages scheduled a day ahead; process RSS (anonymous and
//      file-backed) before and after the wheel holds them all.
#include "tools/bench/delay_bench.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "broker/delay/delay_format.h"
#include "broker/delay/schedule_service.h"
#include "broker/meta/meta_db.h"
#include "broker/store/message_store.h"
#include "src/base/clock.h"
#include "src/base/logging.h"
#include "src/base/properties.h"
#include "src/protocol/message_properties.h"
#include "tools/cli.h"

namespace tern::bench {
namespace {

using tools::CommandSpec;
using tools::ParsedArgs;

constexpr std::string_view kBenchTopic = "BenchDelay";
constexpr std::string_view kDueProperty = "BENCH_DUE";

struct Args {
  int64_t messages = 100000;
  int64_t window_ms = 10000;
  int64_t lead_ms = 2000;
  int64_t size = 256;
  int64_t pending = 1000000;
  std::string dir;
};

CommandSpec Spec() {
  return CommandSpec{
      "bench delay",
      "Scheduled delivery: lateness p50/p99/max and throughput with N messages due over a\n"
      "window, then process RSS with P messages pending.",
      "ternmq bench delay [options]",
      {{"", "messages", "N", "timer messages in the precision phase (default 100000)"},
       {"", "window-ms", "W", "their due times spread evenly over W ms (default 10000)"},
       {"", "lead-ms", "L", "first due time L ms after sending starts (default 2000)"},
       {"", "size", "BYTES", "message body bytes (default 256)"},
       {"", "pending", "P", "messages pending a day ahead for the RSS phase (default 1000000; 0 skips)"},
       {"", "dir", "PATH", "where to write (default $TMPDIR or /tmp); removed afterwards"}}};
}

bool ReadInt(const ParsedArgs& args, const char* name, int64_t min, int64_t max, int64_t* out) {
  if (!args.Has(name)) return true;
  auto v = ParseInt64(args.Get(name));
  if (!v.ok() || *v < min || *v > max) {
    std::fprintf(stderr, "bench delay: --%s must be an integer in [%lld, %lld], got '%s'\n", name,
                 static_cast<long long>(min), static_cast<long long>(max), args.Get(name).c_str());
    return false;
  }
  *out = *v;
  return true;
}

// Process memory from /proc/self/status, in KiB.
struct Rss {
  int64_t total_kb = 0;
  int64_t anon_kb = 0;
  int64_t file_kb = 0;
};
Rss ReadRss() {
  Rss r;
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    auto value = [&] { return std::atoll(line.c_str() + line.find(':') + 1); };
    if (line.starts_with("VmRSS:")) r.total_kb = value();
    if (line.starts_with("RssAnon:")) r.anon_kb = value();
    if (line.starts_with("RssFile:")) r.file_kb = value();
  }
  return r;
}

int64_t Percentile(std::vector<int64_t>& v, double p) {
  if (v.empty()) return 0;
  const size_t idx = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(idx), v.end());
  return v[idx];
}

// Lateness recorder fed by the dispatch thread (one writer).
struct Recorder {
  const Clock& clock;
  std::vector<int64_t> store_late;
  std::vector<int64_t> visible_late;
  std::atomic<int64_t> count{0};
  std::atomic<int64_t> first_ms{0};
  std::atomic<int64_t> last_ms{0};
  void OnArrival(const store::MessageArrival& a) {
    if (a.topic != kBenchTopic) return;
    auto due_text = protocol::FindProperty(a.properties, kDueProperty);
    if (!due_text) return;
    auto due = ParseInt64(*due_text);
    if (!due.ok()) return;
    const int64_t now = clock.NowMs();
    store_late.push_back(a.store_timestamp - *due);
    visible_late.push_back(now - *due);
    if (count.fetch_add(1) == 0) first_ms.store(now);
    last_ms.store(now);
  }
};

bool Schedule(store::MessageStore& store, const delay::ScheduleService& svc, const Clock& clock,
              int64_t n, int64_t first_due, int64_t spread_ms, const std::string& body,
              const char* tag) {
  for (int64_t i = 0; i < n; ++i) {
    const int64_t due = first_due + (n > 1 ? i * spread_ms / (n - 1) : 0);
    std::string props;
    protocol::AppendProperty(&props, "UNIQ_KEY", std::string(tag) + std::to_string(i));
    protocol::AppendProperty(&props, "TIMER_DELIVER_MS", std::to_string(due));
    protocol::AppendProperty(&props, kDueProperty, std::to_string(due));
    std::string topic(kBenchTopic);
    QueueId queue(static_cast<int32_t>(i % 4));
    auto r = svc.interceptor().Intercept(&topic, &queue, &props, clock.NowMs());
    if (r.kind == delay::InterceptResult::Kind::kIllegal) {
      std::fprintf(stderr, "bench delay: %s\n", r.remark.c_str());
      return false;
    }
    protocol::MessageRecord m;
    m.topic = topic;
    m.queue_id = queue;
    m.born_timestamp = clock.NowMs();
    m.body = body;
    m.properties = props;
    if (!store.PutMessage(m, /*wait_for_flush=*/false).stored()) {
      std::fprintf(stderr, "bench delay: append failed\n");
      return false;
    }
  }
  return true;
}

template <typename F>
bool WaitUntil(F cond, int64_t timeout_ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!cond()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

int Run(const Args& a, const std::string& dir) {
  const Clock& clock = SystemClock::Instance();
  auto db = meta::MetaDb::Open(dir + "/meta");
  if (!db.ok()) {
    std::fprintf(stderr, "bench delay: %s\n", db.status().ToString().c_str());
    return 1;
  }
  store::MessageStoreOptions so;
  so.root_dir = dir + "/store";
  so.commit_log.segment_size = 256LL << 20;
  so.commit_log.store_host = protocol::HostAddress::V4(0x7F000001, 10911);
  auto opened = store::MessageStore::Open(so, **db, store::FileIo::Default(), clock);
  if (!opened.ok()) {
    std::fprintf(stderr, "bench delay: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  store::MessageStore& store = **opened;
  auto svc_or = delay::ScheduleService::Open(store, **db, clock, delay::ScheduleOptions{});
  if (!svc_or.ok()) {
    std::fprintf(stderr, "bench delay: %s\n", svc_or.status().ToString().c_str());
    return 1;
  }
  delay::ScheduleService& svc = **svc_or;
  Recorder rec{clock, {}, {}};
  rec.store_late.reserve(static_cast<size_t>(a.messages));
  rec.visible_late.reserve(static_cast<size_t>(a.messages));
  store.set_arrival_listener([&rec, &svc](const store::MessageArrival& arrival) {
    if (delay::IsScheduleTopic(arrival.topic)) svc.Wake();  // the doorbell the broker wires
    rec.OnArrival(arrival);
  });
  store.Start();
  svc.Start();

  const std::string body(static_cast<size_t>(a.size), 'd');
  int rc = 0;
  // ---- 1. precision ----
  const int64_t first_due = clock.NowMs() + a.lead_ms;
  const auto t0 = std::chrono::steady_clock::now();
  if (!Schedule(store, svc, clock, a.messages, first_due, a.window_ms, body, "P")) return 1;
  const double send_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("scheduled %lld messages in %.2f s (%.0f/s); due over %lld ms from +%lld ms\n",
              static_cast<long long>(a.messages), send_s, static_cast<double>(a.messages) / send_s,
              static_cast<long long>(a.window_ms), static_cast<long long>(a.lead_ms));
  if (clock.NowMs() > first_due) {
    std::printf("  warning: sending took longer than --lead-ms; early lateness is inflated\n");
  }
  std::fflush(stdout);
  const bool all = WaitUntil([&] { return rec.count.load() >= a.messages; },
                             a.lead_ms + a.window_ms + 60'000);
  if (!all) {
    std::printf("  only %lld of %lld delivered before the deadline\n",
                static_cast<long long>(rec.count.load()), static_cast<long long>(a.messages));
    rc = 1;
  }
  {
    // The dispatch thread may still append; copy what is complete.
    const size_t n = static_cast<size_t>(std::min<int64_t>(rec.count.load(), a.messages));
    std::vector<int64_t> st(rec.store_late.begin(), rec.store_late.begin() + static_cast<std::ptrdiff_t>(n));
    std::vector<int64_t> vis(rec.visible_late.begin(), rec.visible_late.begin() + static_cast<std::ptrdiff_t>(n));
    const int64_t early = std::count_if(st.begin(), st.end(), [](int64_t v) { return v < 0; });
    const double span_s = std::max<int64_t>(1, rec.last_ms.load() - rec.first_ms.load()) / 1000.0;
    std::printf("%-32s p50 %4lld ms   p99 %4lld ms   max %5lld ms\n",
                "lateness (store time - due)", static_cast<long long>(Percentile(st, 0.50)),
                static_cast<long long>(Percentile(st, 0.99)),
                static_cast<long long>(st.empty() ? 0 : *std::max_element(st.begin(), st.end())));
    std::printf("%-32s p50 %4lld ms   p99 %4lld ms   max %5lld ms\n",
                "lateness (pullable - due)", static_cast<long long>(Percentile(vis, 0.50)),
                static_cast<long long>(Percentile(vis, 0.99)),
                static_cast<long long>(vis.empty() ? 0 : *std::max_element(vis.begin(), vis.end())));
    std::printf("delivered %zu, early (before due) %lld, throughput %.0f msg/s over %.2f s\n", n,
                static_cast<long long>(early), static_cast<double>(n) / span_s, span_s);
    if (early > 0) rc = 1;
  }
  std::fflush(stdout);

  // ---- 2. memory with many pending ----
  if (a.pending > 0) {
    const Rss before = ReadRss();
    const int64_t base = svc.pending();
    const auto t1 = std::chrono::steady_clock::now();
    if (!Schedule(store, svc, clock, a.pending, clock.NowMs() + 24LL * 3600 * 1000, 3600'000,
                  std::string(64, 'r'), "R")) {
      return 1;
    }
    const bool loaded = WaitUntil([&] { return svc.pending() >= base + a.pending; }, 300'000);
    const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    const Rss after = ReadRss();
    std::printf("pending %lld (%s in %.1f s): RSS %+.1f MB (anon %+.1f MB, file-backed %+.1f MB); "
                "anon %.0f bytes per pending message\n",
                static_cast<long long>(svc.pending()), loaded ? "loaded" : "NOT all loaded",
                load_s, (after.total_kb - before.total_kb) / 1024.0,
                (after.anon_kb - before.anon_kb) / 1024.0, (after.file_kb - before.file_kb) / 1024.0,
                (after.anon_kb - before.anon_kb) * 1024.0 / static_cast<double>(a.pending));
    if (!loaded) rc = 1;
  }
  svc.Stop();
  store.Close().IgnoreError();
  return rc;
}

}  // namespace

int RunDelayBench(int argc, char** argv) {
  CommandSpec spec = Spec();
  auto args = tools::ParseArgs(spec, argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "bench delay: %s\n", args.status().message().c_str());
    return 2;
  }
  if (args->Has("help")) {
    std::fputs(tools::UsageText(spec).c_str(), stdout);
    return 0;
  }
  Args a;
  bool ok = ReadInt(*args, "messages", 1, int64_t{1} << 32, &a.messages) &&
            ReadInt(*args, "window-ms", 1, 3600'000, &a.window_ms) &&
            ReadInt(*args, "lead-ms", 0, 3600'000, &a.lead_ms) &&
            ReadInt(*args, "size", 0, 4 * 1024 * 1024, &a.size) &&
            ReadInt(*args, "pending", 0, int64_t{1} << 32, &a.pending);
  if (!ok) return 2;
  a.dir = args->Get("dir");
  const char* tmp = std::getenv("TMPDIR");
  const std::string base = a.dir.empty() ? std::string(tmp ? tmp : "/tmp") : a.dir;
  const std::string dir = base + "/ternmq-delay-bench-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  log::SetLevel(log::Level::kWarn);
  std::printf("delay bench: dir %s\n", dir.c_str());
  const int rc = Run(a, dir);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return rc;
}

}  // namespace tern::bench
