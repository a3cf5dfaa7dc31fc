// Shared parts of `ternmq bench producer` and `ternmq bench consumer`:
//   * LatencyHistogram — microsecond latencies, recorded from any thread,
//     read per interval (TakeInterval) and in total;
//   * DevServer — `ternmq dev` started as a child process on free ports, with
//     the broker's CPU time (/proc/<pid>/stat utime+stime) and peak RSS
//     (VmHWM in /proc/<pid>/status);
//   * MeasurePingPong — the baseline: 1 KiB request/response round trips
//     through src/remoting (RpcServer echo and RpcClient in this process);
//     MeasureRawPingPong — the same over plain blocking sockets.
#pragma once

#include <sys/types.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "src/base/properties.h"
#include "src/base/status.h"
#include "tools/cli.h"

namespace tern::bench {

// Monotonic microseconds (steady clock); comparable within this process only.
int64_t NowMicros();

// Any thread; lock-free recording. Values are in microseconds: exact below
// 65,536 µs, then 1 ms buckets up to 10 s; larger values count in the last
// bucket (the maximum is kept exactly).
class LatencyHistogram {
 public:
  LatencyHistogram();
  void Record(int64_t micros);

  struct Summary {
    int64_t count = 0;
    int64_t p50 = 0;
    int64_t p99 = 0;
    int64_t max = 0;
    double mean = 0;
  };
  // Figures since the last TakeInterval() (and resets them). One reader thread.
  Summary TakeInterval();
  // Figures over everything recorded.
  Summary Total() const;

 private:
  static constexpr int64_t kExact = 65'536;
  static constexpr int64_t kCoarseBuckets = 10'000;  // 1 ms each, up to 10 s
  static constexpr size_t kBuckets = kExact + kCoarseBuckets;
  struct Counts {
    std::unique_ptr<std::atomic<int64_t>[]> buckets;
    std::atomic<int64_t> sum{0};
    std::atomic<int64_t> max{0};
    Counts();
    void Record(size_t bucket, int64_t micros);
    Summary Summarize() const;
    // Zeroes everything; no writer may be adding.
    void Reset();
  };
  static size_t BucketOf(int64_t micros);
  static int64_t ValueOf(size_t bucket);

  // The interval figures live in two slots: Record adds to interval_[active_],
  // and TakeInterval switches `active_`, waits until no writer is still in the
  // old slot, then reads and clears it with plain loads and stores: about
  // 0.1 ms here, where an atomic exchange of each of the 75,536 buckets (and a
  // copy) took 0.5-0.9 ms of the reporting thread every second, on the cores
  // the measured messages need.
  Counts interval_[2];
  std::atomic<int> active_{0};
  std::atomic<int> writers_[2] = {0, 0};
  Counts total_;
};

// `ternmq dev` as a child process (this very binary, /proc/self/exe) with the
// nameserver and broker on free ports of 127.0.0.1 and data in a temporary
// directory that Stop() removes. Owner thread only.
class DevServer {
 public:
  // `extra` goes to `ternmq dev` as is (e.g. "--flushDiskType=SYNC_FLUSH").
  static Result<std::unique_ptr<DevServer>> Start(const std::vector<std::string>& extra);
  ~DevServer();  // Stop()

  const std::string& namesrv_addr() const { return namesrv_addr_; }
  const std::string& broker_addr() const { return broker_addr_; }
  pid_t pid() const { return pid_; }

  // utime + stime of the child so far, in seconds.
  double CpuSeconds() const;
  // VmHWM (peak resident set) and VmRSS of the child, in bytes (0 if unknown).
  int64_t PeakRssBytes() const;
  int64_t RssBytes() const;
  // The RSS split: anonymous memory (heap, stacks) and file-backed pages
  // (mostly the mapped CommitLog and consume queues, which the kernel can drop).
  int64_t RssAnonBytes() const;
  int64_t RssFileBytes() const;

  // SIGTERM, wait (10 s, then SIGKILL), remove the data directory.
  void Stop();

 private:
  DevServer() = default;
  int64_t StatusField(const char* key) const;

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::thread drain_;  // reads the child's stdout after boot so it never blocks
  std::string dir_;
  std::string namesrv_addr_;
  std::string broker_addr_;
};

// Reads `ternmq dev`'s boot line, "The broker[<name>, <ip:port>] boot success.
// serializeType=JSON and name server is <addr>", into the two addresses; false
// (outputs untouched) for any other line.
bool ParseBrokerBootLine(std::string_view line, std::string* broker_addr,
                         std::string* namesrv_addr);

// Round trips per second of `body_bytes` request + response between an
// RpcClient and an in-process RpcServer echo handler over loopback TCP, one at
// a time, for `seconds`. Also returns the p50 round trip.
struct PingPongResult {
  double round_trips_per_s = 0;
  int64_t p50_us = 0;
};
Result<PingPongResult> MeasurePingPong(int body_bytes, double seconds);
// The same round trips with plain blocking sockets (TCP_NODELAY, one echo
// thread, write then read on the calling thread): what loopback and the
// scheduler allow with no event loop, no framing and no thread hand-offs. The
// issue's "about 45,000 round trips/s" was measured this way.
Result<PingPongResult> MeasureRawPingPong(int body_bytes, double seconds);

// "12,345,678"
std::string WithCommas(int64_t v);

// Options shared by `bench producer` and `bench consumer`.
struct ClientBenchArgs {
  std::string namesrv;  // -n; empty: spawn `ternmq dev`
  bool spawn_dev = false;
  std::string topic = "TernBench";
  int queues = 8;  // the bench (re)creates its topic with this many queues; 0 = leave it alone
  int threads = 1;
  int size = 1024;
  double duration_s = 10;
  std::string mode = "sync";  // sync | async | oneway
  int window = 1024;
  int batch = 1;
  double baseline_s = 2;
  int64_t rate = 0;  // consumer bench: messages/s to produce (0 = as fast as possible)
  PropertyList dev_overrides;
};
// The option table (both benches); `with_rate` adds --rate.
std::vector<tools::OptionSpec> ClientBenchOptions(bool with_rate);
// 0: run; -1: --help printed; 2: bad option (message printed).
int ParseClientBenchArgs(const tools::CommandSpec& spec, int argc, char** argv,
                         ClientBenchArgs* out);

// Where the bench sends: the nameserver of -n, or a spawned `ternmq dev`.
struct BenchTarget {
  std::unique_ptr<DevServer> dev;  // null with -n
  std::string namesrv;
};
// Starts (or connects to) the target and, unless --queues 0, creates or updates
// the topic with --queues read/write queues on every master of the cluster
// (UPDATE_AND_CREATE_TOPIC) and waits until the nameserver's route shows them.
Result<BenchTarget> StartTarget(const ClientBenchArgs& args);

// Round trips/s of the two ping-pongs (0 when skipped or failed).
struct Baseline {
  double raw = 0;       // MeasureRawPingPong
  double remoting = 0;  // MeasurePingPong
};
// Measures and prints both ping-pong baselines (--baseline seconds each).
Baseline RunBaseline(const ClientBenchArgs& args);

// Prints the broker's CPU seconds per million messages and peak RSS.
void PrintBrokerCost(const DevServer* dev, double cpu_before_s, int64_t messages);

}  // namespace tern::bench
