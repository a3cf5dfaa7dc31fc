// Store benchmark. Phases, all on the same directory:
//   1. raw sequential buffered write of the bytes the async phase appends
//   2. async-flush appends from T threads
//   3. 64 KiB write + fdatasync, repeated (the group-commit bound)
//   4. sync-flush appends from W threads blocking in Append (group commit)
//   5. sync-flush appends with W in flight through Submit from one thread
//      (group commit as the broker's I/O loop drives it)
// Ratios: (2) MB/s over (1) MB/s, and (4) and (5) MB/s over (3) MB/s.
#include "tools/bench/store_bench.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/store/checkpoint.h"
#include "broker/store/commit_log.h"
#include "src/base/properties.h"
#include "src/protocol/message_codec.h"
#include "tools/cli.h"

namespace tern::bench {
namespace {

using tools::CommandSpec;
using tools::ParsedArgs;
using tools::ParseArgs;
using tools::UsageText;

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Args {
  int64_t messages = 2000000;
  int size = 1024;
  int threads = 4;
  int64_t sync_messages = 20000;
  int sync_threads = 64;
  int64_t segment_mb = 64;
  std::string dir;
};

CommandSpec BenchSpec() {
  return CommandSpec{
      "bench store",
      "CommitLog append throughput and latency (async and sync flush) against raw sequential\n"
      "writes and 64 KiB write+fdatasync measured in the same run.",
      "ternmq bench store [options]",
      {{"", "messages", "N",
        "async-phase messages (default 2000000: about 2.3 GB with 1 KiB bodies, more than the "
        "page cache absorbs without writeback, so both the raw write and the appends meet the "
        "disk)"},
       {"", "size", "BYTES", "message body bytes (default 1024)"},
       {"", "threads", "T", "async-phase appending threads (default 4)"},
       {"", "sync-messages", "M", "sync-phase messages (default 20000)"},
       {"", "sync-threads", "W", "sync-phase concurrent writers: threads in phase 4, appends in flight in phase 5 (default 64)"},
       {"", "segment-mb", "MB", "CommitLog segment size (default 64, so the async phase rolls segments)"},
       {"", "dir", "PATH", "where to write (default $TMPDIR or /tmp); removed afterwards"}}};
}

// Reads option `name` as an integer in [min, max]; errors name the option.
bool ReadInt(const ParsedArgs& args, const char* name, int64_t min, int64_t max, int64_t* out) {
  if (!args.Has(name)) return true;
  auto v = ParseInt64(args.Get(name));
  if (!v.ok() || *v < min || *v > max) {
    std::fprintf(stderr, "bench store: --%s must be an integer in [%lld, %lld], got '%s'\n", name,
                 static_cast<long long>(min), static_cast<long long>(max), args.Get(name).c_str());
    return false;
  }
  *out = *v;
  return true;
}

// Returns 0 to run, or an exit code (help printed, or a bad option).
int ParseBenchArgs(int argc, char** argv, Args* a) {
  CommandSpec spec = BenchSpec();
  auto args = ParseArgs(spec, argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "bench store: %s\n", args.status().message().c_str());
    return 2;
  }
  if (args->Has("help")) {
    std::fputs(UsageText(spec).c_str(), stdout);
    return -1;
  }
  int64_t size = a->size, threads = a->threads, sync_threads = a->sync_threads;
  bool ok = ReadInt(*args, "messages", 1, int64_t{1} << 40, &a->messages) &&
            ReadInt(*args, "size", 0, 4 * 1024 * 1024, &size) &&
            ReadInt(*args, "threads", 1, 1024, &threads) &&
            ReadInt(*args, "sync-messages", 0, int64_t{1} << 40, &a->sync_messages) &&
            ReadInt(*args, "sync-threads", 1, 4096, &sync_threads) &&
            ReadInt(*args, "segment-mb", 1, 1 << 20, &a->segment_mb);
  if (!ok) return 2;
  a->size = static_cast<int>(size);
  a->threads = static_cast<int>(threads);
  a->sync_threads = static_cast<int>(sync_threads);
  a->dir = args->Get("dir");
  return 0;
}

struct PhaseResult {
  double seconds = 0;
  int64_t messages = 0;
  int64_t bytes = 0;
  double p50_us = 0;
  double p99_us = 0;
  int failures = 0;
};

// The message every append phase stores (`body` must outlive it).
protocol::MessageRecord BenchRecord(const std::string& body, int queue) {
  protocol::MessageRecord m;
  m.topic = "BenchTopic";
  m.queue_id = QueueId(queue);
  m.body = body;
  m.properties = "TAGS\x01" "bench\x02";
  m.born_host = protocol::HostAddress::V4(0x7F000001, 40000);
  return m;
}

// A phase's figures from its span and per-append latencies (sorted here).
PhaseResult PhaseFigures(Clock::time_point start, Clock::time_point end, int64_t messages,
                         int64_t bytes, int failures, std::vector<float> lat_us) {
  std::sort(lat_us.begin(), lat_us.end());
  PhaseResult r;
  r.seconds = Seconds(start, end);
  r.messages = messages;
  r.bytes = bytes;
  r.failures = failures;
  if (!lat_us.empty()) {
    r.p50_us = lat_us[lat_us.size() / 2];
    r.p99_us = lat_us[std::min(lat_us.size() - 1, lat_us.size() * 99 / 100)];
  }
  return r;
}

// Appends `total` messages from `threads` threads; prints progress every second.
PhaseResult RunAppends(store::CommitLog& log, const char* name, int64_t total, int threads,
                       const std::string& body) {
  std::vector<std::vector<float>> lat(static_cast<size_t>(threads));
  std::atomic<int64_t> done{0};
  std::atomic<int64_t> bytes{0};
  std::atomic<int> failures{0};
  auto start = Clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      int64_t n = total / threads + (t < total % threads ? 1 : 0);
      auto& mine = lat[static_cast<size_t>(t)];
      mine.reserve(static_cast<size_t>(n));
      const protocol::MessageRecord m = BenchRecord(body, t % 8);
      int64_t local_bytes = 0;
      for (int64_t i = 0; i < n; ++i) {
        auto a = Clock::now();
        store::PutResult r = log.Append(m);
        auto b = Clock::now();
        if (r.status != store::PutStatus::kPutOk) ++failures;
        local_bytes += r.bytes;
        mine.push_back(std::chrono::duration<float, std::micro>(b - a).count());
        if ((i & 255) == 0) done.fetch_add(std::min<int64_t>(256, n - i));
      }
      bytes.fetch_add(local_bytes);
    });
  }
  std::atomic<bool> finished{false};
  std::thread progress([&] {
    auto next = Clock::now() + std::chrono::seconds(1);
    while (!finished.load()) {
      std::this_thread::sleep_until(std::min(next, Clock::now() + std::chrono::milliseconds(50)));
      if (Clock::now() >= next && !finished.load()) {
        std::fprintf(stderr, "  %s: ~%lld / %lld messages\n", name,
                     static_cast<long long>(std::min(done.load(), total)),
                     static_cast<long long>(total));
        next += std::chrono::seconds(1);
      }
    }
  });
  for (auto& t : ts) t.join();
  auto end = Clock::now();
  finished = true;
  progress.join();
  std::vector<float> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  return PhaseFigures(start, end, total, bytes.load(), failures.load(), std::move(all));
}

// Keeps `in_flight` appends outstanding through CommitLog::Submit from one
// driver thread, as the broker's I/O loop does with concurrent producers:
// completions (on the store's threads) hand back to the driver, which
// submits the replacements. No thread per writer.
PhaseResult RunSubmits(store::CommitLog& log, int64_t total, int in_flight,
                       const std::string& body) {
  std::mutex mu;
  std::condition_variable cv;
  int64_t completed = 0;  // GUARDED_BY(mu), like the three below
  int64_t bytes = 0;
  int failures = 0;
  std::vector<float> lat;
  lat.reserve(static_cast<size_t>(total));
  protocol::MessageRecord m = BenchRecord(body, 0);
  int64_t submitted = 0;  // driver only
  auto submit_one = [&] {
    m.queue_id = QueueId(static_cast<int32_t>(submitted % 8));
    const auto t0 = Clock::now();
    log.Submit(m, /*wait_for_flush=*/true, [&, t0](store::PutResult r) {
      const float us = std::chrono::duration<float, std::micro>(Clock::now() - t0).count();
      std::lock_guard<std::mutex> lock(mu);
      ++completed;
      bytes += r.bytes;
      if (r.status != store::PutStatus::kPutOk) ++failures;
      lat.push_back(us);
      cv.notify_one();
    });
    ++submitted;
  };
  const auto start = Clock::now();
  std::unique_lock<std::mutex> lock(mu);
  while (completed < total) {
    const int64_t room =
        std::min<int64_t>(total - submitted, in_flight - (submitted - completed));
    if (room > 0) {
      lock.unlock();
      for (int64_t i = 0; i < room; ++i) submit_one();
      lock.lock();
      continue;
    }
    cv.wait(lock, [&] {
      return completed >= total || (submitted < total && submitted - completed < in_flight);
    });
  }
  const auto end = Clock::now();
  return PhaseFigures(start, end, total, bytes, failures, std::move(lat));
}

void PrintPhase(const char* name, const PhaseResult& r) {
  std::printf("%-22s %9.0f msgs/s %9.1f MB/s   p50 %8.1f us   p99 %8.1f us%s\n", name,
              r.messages / r.seconds, r.bytes / r.seconds / 1e6, r.p50_us, r.p99_us,
              r.failures ? "   (FAILURES)" : "");
}

// Buffered sequential write of `bytes` in 1 MiB chunks; returns MB/s.
double RawSequentialWrite(const std::string& path, int64_t bytes) {
  std::vector<char> buf(1 << 20, 'r');
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 0;
  auto a = Clock::now();
  for (int64_t off = 0; off < bytes; off += static_cast<int64_t>(buf.size())) {
    size_t n = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(buf.size()), bytes - off));
    if (::pwrite(fd, buf.data(), n, off) != static_cast<ssize_t>(n)) break;
  }
  auto b = Clock::now();
  ::close(fd);
  ::unlink(path.c_str());
  return bytes / Seconds(a, b) / 1e6;
}

// 64 KiB write + fdatasync, repeated for about `seconds`; returns MB/s and µs per sync.
double WriteSyncBaseline(const std::string& path, double seconds, double* us_per_sync) {
  std::vector<char> buf(64 * 1024, 's');
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 0;
  auto a = Clock::now();
  int64_t n = 0;
  while (Seconds(a, Clock::now()) < seconds) {
    if (::pwrite(fd, buf.data(), buf.size(), n * static_cast<int64_t>(buf.size())) < 0) break;
    ::fdatasync(fd);
    ++n;
  }
  double s = Seconds(a, Clock::now());
  ::close(fd);
  ::unlink(path.c_str());
  *us_per_sync = n ? s * 1e6 / n : 0;
  return n * 64.0 * 1024 / s / 1e6;
}

Result<std::unique_ptr<store::CommitLog>> OpenLog(const std::string& dir, const Args& a,
                                                  store::FlushMode mode,
                                                  std::unique_ptr<store::Checkpoint>* cp) {
  TERN_RETURN_IF_ERROR(store::FileIo::Default().CreateDirs(dir));
  TERN_ASSIGN_OR_RETURN(*cp, store::Checkpoint::Open(store::FileIo::Default(), dir + "/checkpoint"));
  store::CommitLogOptions o;
  o.dir = dir + "/commitlog";
  o.segment_size = a.segment_mb * 1024 * 1024;
  o.flush_mode = mode;
  o.store_host = protocol::HostAddress::V4(0x7F000001, 10911);
  return store::CommitLog::Open(o, store::FileIo::Default(), **cp, false, SystemClock::Instance());
}

}  // namespace

int RunStoreBench(int argc, char** argv) {
  Args a;
  if (int rc = ParseBenchArgs(argc, argv, &a); rc != 0) return rc < 0 ? 0 : rc;
  const char* tmp = std::getenv("TMPDIR");
  std::string base = a.dir.empty() ? std::string(tmp ? tmp : "/tmp") : a.dir;
  std::string dir = base + "/ternmq-store-bench-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::string body(static_cast<size_t>(a.size), 'x');
  const int64_t record = protocol::EncodedRecordSize(body.size(), 10, 12, false, false);
  std::printf("store bench: %lld x %d-byte bodies (%lld-byte records), %d threads async; "
              "%lld sync from %d writers; segments %lld MiB; dir %s\n",
              static_cast<long long>(a.messages), a.size, static_cast<long long>(record),
              a.threads, static_cast<long long>(a.sync_messages), a.sync_threads,
              static_cast<long long>(a.segment_mb), dir.c_str());
  std::fflush(stdout);

  double raw_mbs = RawSequentialWrite(dir + "/raw", a.messages * record);
  std::printf("%-22s %29.1f MB/s\n", "raw sequential write", raw_mbs);
  std::fflush(stdout);

  int rc = 0;
  {
    std::unique_ptr<store::Checkpoint> cp;
    auto log = OpenLog(dir + "/async", a, store::FlushMode::kAsync, &cp);
    if (!log.ok()) {
      std::fprintf(stderr, "open: %s\n", log.status().ToString().c_str());
      return 1;
    }
    PhaseResult r = RunAppends(**log, "async", a.messages, a.threads, body);
    PrintPhase("async append", r);
    std::printf("  async / raw sequential write = %.2f\n", r.bytes / r.seconds / 1e6 / raw_mbs);
    if (r.failures) rc = 1;
    (*log)->Close().IgnoreError();
  }
  std::filesystem::remove_all(dir + "/async");

  double us_per_sync = 0;
  double sync_base = WriteSyncBaseline(dir + "/sync-baseline", 2.0, &us_per_sync);
  std::printf("%-22s %29.1f MB/s   (%.1f us per 64 KiB write+fdatasync)\n",
              "64KiB write+fdatasync", sync_base, us_per_sync);
  std::fflush(stdout);
  if (a.sync_messages > 0) {
    std::unique_ptr<store::Checkpoint> cp;
    auto log = OpenLog(dir + "/sync", a, store::FlushMode::kSync, &cp);
    if (!log.ok()) {
      std::fprintf(stderr, "open: %s\n", log.status().ToString().c_str());
      return 1;
    }
    PhaseResult r = RunAppends(**log, "sync", a.sync_messages, a.sync_threads, body);
    PrintPhase("sync append", r);
    std::printf("  sync / (64KiB write+fdatasync) = %.2f   (%d threads, each blocking in Append)\n",
                r.bytes / r.seconds / 1e6 / sync_base, a.sync_threads);
    if (r.failures) rc = 1;
    std::fflush(stdout);
    PhaseResult s = RunSubmits(**log, a.sync_messages, a.sync_threads, body);
    PrintPhase("sync submit", s);
    std::printf("  sync / (64KiB write+fdatasync) = %.2f   (%d in flight through Submit, "
                "as the broker appends)\n",
                s.bytes / s.seconds / 1e6 / sync_base, a.sync_threads);
    if (s.failures) rc = 1;
    (*log)->Close().IgnoreError();
  }
  std::filesystem::remove_all(dir);
  return rc;
}

}  // namespace tern::bench
