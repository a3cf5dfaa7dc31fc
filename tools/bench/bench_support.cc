#include "tools/bench/bench_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "src/net/event_loop.h"
#include "src/protocol/codes.h"
#include "src/protocol/route_data.h"
#include "src/remoting/rpc_client.h"
#include "src/remoting/rpc_server.h"

namespace tern::bench {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// ---------------------------------------------------------------- histogram

LatencyHistogram::Counts::Counts() : buckets(new std::atomic<int64_t>[kBuckets]) {
  for (size_t i = 0; i < kBuckets; ++i) buckets[i].store(0, std::memory_order_relaxed);
}

void LatencyHistogram::Counts::Record(size_t bucket, int64_t micros) {
  buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  sum.fetch_add(micros, std::memory_order_relaxed);
  int64_t m = max.load(std::memory_order_relaxed);
  while (micros > m && !max.compare_exchange_weak(m, micros, std::memory_order_relaxed)) {
  }
}

void LatencyHistogram::Counts::Reset() {
  for (size_t i = 0; i < kBuckets; ++i) buckets[i].store(0, std::memory_order_relaxed);
  sum.store(0, std::memory_order_relaxed);
  max.store(0, std::memory_order_relaxed);
}

LatencyHistogram::Summary LatencyHistogram::Counts::Summarize() const {
  Summary s;
  for (size_t i = 0; i < kBuckets; ++i) s.count += buckets[i].load(std::memory_order_relaxed);
  s.max = max.load(std::memory_order_relaxed);
  if (s.count == 0) return s;
  s.mean = static_cast<double>(sum.load(std::memory_order_relaxed)) / static_cast<double>(s.count);
  const int64_t want50 = (s.count + 1) / 2;
  const int64_t want99 = std::max<int64_t>(1, (s.count * 99 + 99) / 100);
  int64_t seen = 0;
  bool have50 = false;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += buckets[i].load(std::memory_order_relaxed);
    if (!have50 && seen >= want50) {
      s.p50 = std::min(ValueOf(i), s.max);
      have50 = true;
    }
    if (seen >= want99) {
      s.p99 = std::min(ValueOf(i), s.max);
      break;
    }
  }
  return s;
}

LatencyHistogram::LatencyHistogram() = default;

size_t LatencyHistogram::BucketOf(int64_t micros) {
  if (micros < 0) micros = 0;
  if (micros < kExact) return static_cast<size_t>(micros);
  int64_t coarse = (micros - kExact) / 1000;
  return static_cast<size_t>(kExact + std::min(coarse, kCoarseBuckets - 1));
}

int64_t LatencyHistogram::ValueOf(size_t bucket) {
  if (bucket < static_cast<size_t>(kExact)) return static_cast<int64_t>(bucket);
  return kExact + static_cast<int64_t>(bucket - kExact) * 1000;
}

void LatencyHistogram::Record(int64_t micros) {
  size_t b = BucketOf(micros);
  if (micros < 0) micros = 0;
  total_.Record(b, micros);
  // Enter a slot, then check it is still the active one (both seq_cst, as is
  // TakeInterval's switch-then-count): either TakeInterval sees this writer
  // or this writer sees the switch and moves to the new slot.
  while (true) {
    const int slot = active_.load();
    writers_[slot].fetch_add(1);
    if (active_.load() == slot) {
      interval_[slot].Record(b, micros);
      writers_[slot].fetch_sub(1, std::memory_order_release);
      return;
    }
    writers_[slot].fetch_sub(1, std::memory_order_release);
  }
}

LatencyHistogram::Summary LatencyHistogram::TakeInterval() {
  const int old = active_.load();
  active_.store(1 - old);
  // A writer that entered the old slot before the switch is one Record away
  // from leaving it.
  while (writers_[old].load(std::memory_order_acquire) != 0) std::this_thread::yield();
  Summary s = interval_[old].Summarize();
  interval_[old].Reset();
  return s;
}

LatencyHistogram::Summary LatencyHistogram::Total() const { return total_.Summarize(); }

// ---------------------------------------------------------------- dev server

Result<std::unique_ptr<DevServer>> DevServer::Start(const std::vector<std::string>& extra) {
  std::unique_ptr<DevServer> dev(new DevServer());
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ternmq-bench-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    return Status::IoError(std::string("mkdtemp: ") + std::strerror(errno));
  }
  dev->dir_ = buf.data();

  std::vector<std::string> args = {"ternmq",        "dev", "-p",         "0",
                                   "--broker-port", "0",   "--data-dir", dev->dir_};
  args.insert(args.end(), extra.begin(), extra.end());
  const std::string log_path = dev->dir_ + "/dev.log";

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return Status::IoError("pipe2 failed");
  pid_t pid = fork();
  if (pid < 0) return Status::IoError("fork failed");
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) dup2(log, STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(out[1]);
  dev->pid_ = pid;
  dev->stdout_fd_ = out[0];

  // Wait (15 s at most) for the broker's boot line.
  std::string text;
  const int64_t deadline = NowMicros() + 15'000'000;
  while (true) {
    size_t nl;
    while ((nl = text.find('\n')) != std::string::npos) {
      std::string line = text.substr(0, nl);
      text.erase(0, nl + 1);
      ParseBrokerBootLine(line, &dev->broker_addr_, &dev->namesrv_addr_);
    }
    if (!dev->broker_addr_.empty()) break;
    int64_t left_ms = (deadline - NowMicros()) / 1000;
    if (left_ms <= 0) return Status::Timeout("ternmq dev did not boot in 15 s; see " + log_path);
    pollfd p{dev->stdout_fd_, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left_ms));
    if (r <= 0) continue;
    char chunk[4096];
    ssize_t n = read(dev->stdout_fd_, chunk, sizeof(chunk));
    if (n <= 0) return Status::IoError("ternmq dev exited before booting; see " + log_path);
    text.append(chunk, static_cast<size_t>(n));
  }
  const int fd = dev->stdout_fd_;
  dev->drain_ = std::thread([fd] {
    char chunk[4096];
    while (read(fd, chunk, sizeof(chunk)) > 0) {
    }
  });
  return dev;
}

DevServer::~DevServer() { Stop(); }

void DevServer::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    const int64_t deadline = NowMicros() + 10'000'000;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (NowMicros() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a child's exit
    }
    pid_ = -1;
  }
  if (drain_.joinable()) drain_.join();  // EOF once the child is gone
  if (stdout_fd_ >= 0) {
    close(stdout_fd_);
    stdout_fd_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
}

double DevServer::CpuSeconds() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after ") ".
  size_t close = all.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(all.substr(close + 2));
  std::string field;
  // rest starts at field 3 (state); utime is field 14, stime 15.
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

int64_t DevServer::StatusField(const char* key) const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  const size_t n = std::strlen(key);
  while (std::getline(in, line)) {
    if (line.compare(0, n, key) == 0 && line.size() > n && line[n] == ':') {
      return std::stoll(line.substr(n + 1)) * 1024;  // "VmHWM:   12345 kB"
    }
  }
  return 0;
}

int64_t DevServer::PeakRssBytes() const { return StatusField("VmHWM"); }
int64_t DevServer::RssBytes() const { return StatusField("VmRSS"); }
int64_t DevServer::RssAnonBytes() const { return StatusField("RssAnon"); }
int64_t DevServer::RssFileBytes() const { return StatusField("RssFile"); }

bool ParseBrokerBootLine(std::string_view line, std::string* broker_addr,
                         std::string* namesrv_addr) {
  constexpr std::string_view kStart = "The broker[";
  constexpr std::string_view kBoot = "] boot success.";
  constexpr std::string_view kNamesrv = " name server is ";
  const size_t start = line.find(kStart);
  if (start == std::string_view::npos) return false;
  const size_t comma = line.find(", ", start + kStart.size());
  const size_t boot = line.find(kBoot, start + kStart.size());
  if (comma == std::string_view::npos || boot == std::string_view::npos || comma > boot) {
    return false;
  }
  const std::string_view broker = line.substr(comma + 2, boot - comma - 2);
  const size_t ns = line.find(kNamesrv, boot);
  if (ns == std::string_view::npos) return false;
  std::string_view namesrv = line.substr(ns + kNamesrv.size());
  namesrv = namesrv.substr(0, namesrv.find_first_of(" \t\r"));
  const size_t colon = broker.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == broker.size() ||
      broker.find_first_not_of("0123456789.:") != std::string_view::npos || namesrv.empty()) {
    return false;
  }
  *broker_addr = std::string(broker);
  *namesrv_addr = std::string(namesrv);
  return true;
}

// ---------------------------------------------------------------- ping-pong

Result<PingPongResult> MeasurePingPong(int body_bytes, double seconds) {
  constexpr int32_t kEchoCode = 9999;
  net::EventLoop server_loop("pingpong-srv");
  net::EventLoop client_loop("pingpong-cli");
  TERN_RETURN_IF_ERROR(server_loop.Start());
  TERN_RETURN_IF_ERROR(client_loop.Start());
  remoting::RpcServerOptions so;
  so.host = "127.0.0.1";
  PingPongResult out;
  {
    remoting::RpcServer server(server_loop, so);
    server.RegisterSync(
        kEchoCode,
        [](const remoting::RequestContext&,
           const remoting::RemotingCommand& request) -> Result<remoting::RemotingCommand> {
          remoting::RemotingCommand r = remoting::RemotingCommand::ResponseTo(request, 0);
          r.body = request.body;
          return r;
        });
    TERN_RETURN_IF_ERROR(server.Start());
    remoting::RpcClient client(client_loop, remoting::RpcClientOptions{});
    const std::string addr = "127.0.0.1:" + std::to_string(server.port());
    const std::string body(static_cast<size_t>(body_bytes), 'p');
    LatencyHistogram rt;
    auto once = [&]() -> Status {
      remoting::RemotingCommand req = remoting::RemotingCommand::Request(kEchoCode);
      req.body = body;
      const int64_t t0 = NowMicros();
      auto r = client.InvokeSync(addr, std::move(req), 3000);
      if (!r.ok()) return r.status();
      rt.Record(NowMicros() - t0);
      return Status::Ok();
    };
    for (int i = 0; i < 1000; ++i) TERN_RETURN_IF_ERROR(once());  // connect and warm up
    rt.TakeInterval();
    const int64_t start = NowMicros();
    const int64_t end = start + static_cast<int64_t>(seconds * 1e6);
    int64_t n = 0;
    while (NowMicros() < end) {
      TERN_RETURN_IF_ERROR(once());
      ++n;
    }
    const double elapsed = static_cast<double>(NowMicros() - start) / 1e6;
    out.round_trips_per_s = static_cast<double>(n) / elapsed;
    out.p50_us = rt.TakeInterval().p50;
    client.Shutdown();
    server.Stop();
  }
  client_loop.Stop();
  server_loop.Stop();
  return out;
}

namespace {

// Moves exactly `n` bytes with `io` (::read or ::write) on a blocking socket;
// false on error or EOF.
template <typename Io, typename Ptr>
bool AllBytes(Io io, int fd, Ptr p, size_t n) {
  while (n > 0) {
    ssize_t r = io(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

void SetNoDelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// Closes the descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<PingPongResult> MeasureRawPingPong(int body_bytes, double seconds) {
  const size_t n = static_cast<size_t>(body_bytes);
  Fd listener{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (listener.fd < 0) return Status::FromErrno("raw ping-pong: socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener.fd, 1) != 0 ||
      ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return Status::FromErrno("raw ping-pong: listen on 127.0.0.1", errno);
  }
  Fd client{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (client.fd < 0) return Status::FromErrno("raw ping-pong: socket", errno);
  if (::connect(client.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return Status::FromErrno("raw ping-pong: connect", errno);
  }
  // The connection is already queued on the listener, so accept does not block.
  Fd server{::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC)};
  if (server.fd < 0) return Status::FromErrno("raw ping-pong: accept", errno);
  SetNoDelay(client.fd);
  SetNoDelay(server.fd);
  // Echoes until the client side shuts down its writing half.
  std::thread echo([fd = server.fd, n] {
    std::string buf(n, '\0');
    while (AllBytes(::read, fd, buf.data(), n) && AllBytes(::write, fd, buf.data(), n)) {
    }
  });
  const std::string body(n, 'p');
  std::string back(n, '\0');
  LatencyHistogram rt;
  Status failed;
  auto once = [&]() -> bool {
    const int64_t t0 = NowMicros();
    if (!AllBytes(::write, client.fd, body.data(), n) ||
        !AllBytes(::read, client.fd, back.data(), n)) {
      failed = Status::IoError("raw ping-pong: connection lost");
      return false;
    }
    rt.Record(NowMicros() - t0);
    return true;
  };
  PingPongResult out;
  bool ok = true;
  for (int i = 0; i < 1000 && ok; ++i) ok = once();  // warm up
  rt.TakeInterval();
  const int64_t start = NowMicros();
  const int64_t end = start + static_cast<int64_t>(seconds * 1e6);
  int64_t rounds = 0;
  while (ok && NowMicros() < end) {
    ok = once();
    ++rounds;
  }
  const double elapsed = static_cast<double>(NowMicros() - start) / 1e6;
  ::shutdown(client.fd, SHUT_WR);
  echo.join();
  if (!ok) return failed;
  out.round_trips_per_s = static_cast<double>(rounds) / elapsed;
  out.p50_us = rt.TakeInterval().p50;
  return out;
}

std::string WithCommas(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return v < 0 ? "-" + out : out;
}

// ---------------------------------------------------------------- options

std::vector<tools::OptionSpec> ClientBenchOptions(bool with_rate) {
  std::vector<tools::OptionSpec> o = {
      {"n", "namesrv", "ADDR", "nameserver host:port (default: spawn `ternmq dev` on free ports)"},
      {"", "spawn-dev", "", "spawn `ternmq dev` and measure its CPU and RSS (default without -n)"},
      {"t", "topic", "TOPIC", "topic (default TernBench)"},
      {"", "queues", "N",
       "create/update the topic with N queues on every master first (default 8; 0 = use the "
       "topic as it is, auto-created through TBW102 if missing). RocketMQ's BenchmarkTest "
       "has 1024 queues"},
      {"w", "threads", "N", "sending threads (default 1)"},
      {"s", "size", "BYTES", "message body size (default 1024)"},
      {"", "duration", "S", "measured seconds (default 10)"},
      {"", "mode", "M", "sync | async | oneway (default sync)"},
      {"", "window", "N", "async: messages in flight, all threads together (default 1024)"},
      {"", "batch", "N", "sync: messages per SEND_BATCH_MESSAGE (default 1)"},
      {"", "baseline", "S",
       "seconds of the 1 KiB loopback ping-pong baseline (default 2, 0 = skip)"}};
  if (with_rate) {
    o.push_back({"", "rate", "N", "messages/s to produce while consuming (default 0 = flat out)"});
  }
  return o;
}

int ParseClientBenchArgs(const tools::CommandSpec& spec, int argc, char** argv,
                         ClientBenchArgs* out) {
  auto args = tools::ParseArgs(spec, argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "%s: %s\n", spec.name.c_str(), args.status().message().c_str());
    return 2;
  }
  if (args->Has("help")) {
    std::fputs(tools::UsageText(spec).c_str(), stdout);
    return -1;
  }
  auto read = [&](const char* name, double min, double max, double* v) {
    if (!args->Has(name)) return true;
    char* end = nullptr;
    const std::string text = args->Get(name);
    double d = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || d < min || d > max) {
      std::fprintf(stderr, "%s: --%s must be a number in [%g, %g], got '%s'\n", spec.name.c_str(),
                   name, min, max, text.c_str());
      return false;
    }
    *v = d;
    return true;
  };
  double threads = out->threads, size = out->size, window = out->window, batch = out->batch;
  double rate = static_cast<double>(out->rate);
  double queues = out->queues;
  bool ok = read("threads", 1, 1024, &threads) && read("size", 1, 4 << 20, &size) &&
            read("duration", 0.1, 86400, &out->duration_s) && read("window", 1, 1 << 20, &window) &&
            read("batch", 1, 4096, &batch) && read("baseline", 0, 3600, &out->baseline_s) &&
            read("rate", 0, 1e9, &rate) && read("queues", 0, 1024, &queues);
  if (!ok) return 2;
  out->threads = static_cast<int>(threads);
  out->size = static_cast<int>(size);
  out->window = static_cast<int>(window);
  out->batch = static_cast<int>(batch);
  out->rate = static_cast<int64_t>(rate);
  out->queues = static_cast<int>(queues);
  out->namesrv = args->Get("namesrv");
  out->spawn_dev = args->Has("spawn-dev") || out->namesrv.empty();
  out->topic = args->Get("topic", out->topic);
  out->mode = args->Get("mode", out->mode);
  if (out->mode != "sync" && out->mode != "async" && out->mode != "oneway") {
    std::fprintf(stderr, "%s: --mode must be sync, async or oneway, got '%s'\n", spec.name.c_str(),
                 out->mode.c_str());
    return 2;
  }
  if (out->batch > 1 && out->mode != "sync") {
    std::fprintf(stderr, "%s: --batch needs --mode sync\n", spec.name.c_str());
    return 2;
  }
  out->dev_overrides = args->overrides();
  return 0;
}

Result<BenchTarget> StartTargetProcess(const ClientBenchArgs& args);

namespace {

// UPDATE_AND_CREATE_TOPIC on every master, then waits for the route.
Status CreateBenchTopic(const std::string& namesrv, const std::string& topic, int queues) {
  namespace Q = protocol::RequestCode;
  namespace RC = protocol::ResponseCode;
  using remoting::RemotingCommand;
  net::EventLoop loop("bench-admin");
  TERN_RETURN_IF_ERROR(loop.Start());
  remoting::RpcClient client(loop, remoting::RpcClientOptions{});
  auto stop = [&loop](Status st) {
    loop.Stop();
    return st;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  // The broker registers with the nameserver right after it boots: ask until it is there.
  std::vector<std::string> masters;
  Status last = Status::Ok();
  while (masters.empty() && std::chrono::steady_clock::now() < deadline) {
    auto r = client.InvokeSync(namesrv, RemotingCommand::Request(Q::kGetBrokerClusterInfo), 3000);
    if (!r.ok()) {
      last = r.status();
    } else if (r->code == RC::kSuccess) {
      auto info = protocol::ClusterInfo::Decode(r->body);
      if (!info.ok()) return stop(info.status());
      for (const auto& [name, data] : info->broker_addr_table) {
        auto it = data.broker_addrs.find(0);
        if (it != data.broker_addrs.end()) masters.push_back(it->second);
      }
    }
    if (masters.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));  // re-ask
  }
  if (masters.empty()) {
    return stop(Status::Unavailable("no broker registered with nameserver " + namesrv +
                                    (last.ok() ? "" : ": " + last.ToString())));
  }
  for (const auto& addr : masters) {
    RemotingCommand req = RemotingCommand::Request(Q::kUpdateAndCreateTopic);
    req.SetField("topic", topic);
    req.SetField("defaultTopic", "TBW102");
    req.SetField("readQueueNums", int64_t{queues});
    req.SetField("writeQueueNums", int64_t{queues});
    req.SetField("perm", int64_t{6});
    req.SetField("topicFilterType", "SINGLE_TAG");
    req.SetField("topicSysFlag", int64_t{0});
    req.SetField("order", false);
    auto r = client.InvokeSync(addr, std::move(req), 5000);
    if (!r.ok()) return stop(r.status());
    if (r->code != RC::kSuccess) {
      return stop(Status::Internal("broker " + addr + " refused to create topic " + topic + ": " +
                                   r->remark.value_or("")));
    }
  }
  // Wait until the nameserver serves the new queue count to producers.
  while (std::chrono::steady_clock::now() < deadline) {
    RemotingCommand req = RemotingCommand::Request(Q::kGetRouteinfoByTopic);
    req.SetField("topic", topic);
    auto r = client.InvokeSync(namesrv, std::move(req), 3000);
    if (r.ok() && r->code == RC::kSuccess) {
      auto route = protocol::TopicRouteData::Decode(r->body);
      if (route.ok() && !route->queue_datas.empty() &&
          route->queue_datas.size() == masters.size() &&
          std::all_of(route->queue_datas.begin(), route->queue_datas.end(),
                      [&](const auto& q) { return q.write_queue_nums == queues; })) {
        return stop(Status::Ok());
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // re-ask
  }
  return stop(Status::Timeout("topic " + topic + " did not reach the nameserver"));
}

}  // namespace

Result<BenchTarget> StartTarget(const ClientBenchArgs& args) {
  TERN_ASSIGN_OR_RETURN(BenchTarget t, StartTargetProcess(args));
  if (args.queues > 0) {
    TERN_RETURN_IF_ERROR(CreateBenchTopic(t.namesrv, args.topic, args.queues));
    std::printf("topic: %s with %d queues on every master\n", args.topic.c_str(), args.queues);
  }
  return t;
}

Result<BenchTarget> StartTargetProcess(const ClientBenchArgs& args) {
  BenchTarget t;
  if (!args.spawn_dev) {
    t.namesrv = args.namesrv;
    return t;
  }
  std::vector<std::string> extra;
  for (const auto& kv : args.dev_overrides) extra.push_back("--" + kv.first + "=" + kv.second);
  auto dev = DevServer::Start(extra);
  if (!dev.ok()) return dev.status();
  t.dev = std::move(dev).value();
  t.namesrv = t.dev->namesrv_addr();
  std::printf("spawned: ternmq dev (pid %d) nameserver %s broker %s",
              static_cast<int>(t.dev->pid()), t.namesrv.c_str(), t.dev->broker_addr().c_str());
  for (const auto& e : extra) std::printf(" %s", e.c_str());
  std::printf("\n");
  return t;
}

namespace {

// Prints one baseline line, "baseline: loopback ping-pong of 1 KiB<how>: ...",
// and returns its round trips/s (0 when it failed).
double ReportBaseline(const char* how, const Result<PingPongResult>& r) {
  if (!r.ok()) {
    std::printf("baseline: loopback ping-pong of 1 KiB%s failed: %s\n", how,
                r.status().ToString().c_str());
    return 0;
  }
  std::printf("baseline: loopback ping-pong of 1 KiB%s: %s round trips/s, p50 %lld us\n", how,
              WithCommas(static_cast<int64_t>(r->round_trips_per_s)).c_str(),
              static_cast<long long>(r->p50_us));
  return r->round_trips_per_s;
}

}  // namespace

Baseline RunBaseline(const ClientBenchArgs& args) {
  Baseline b;
  if (args.baseline_s <= 0) return b;
  b.raw = ReportBaseline(", blocking sockets", MeasureRawPingPong(1024, args.baseline_s));
  b.remoting = ReportBaseline(" through src/remoting", MeasurePingPong(1024, args.baseline_s));
  return b;
}

void PrintBrokerCost(const DevServer* dev, double cpu_before_s, int64_t messages) {
  if (dev == nullptr) {
    std::printf("broker: not spawned (-n given), no CPU/RSS figures\n");
    return;
  }
  const double cpu = dev->CpuSeconds() - cpu_before_s;
  const double per_million = messages > 0 ? cpu / (static_cast<double>(messages) / 1e6) : 0;
  constexpr double kMiB = 1 << 20;
  std::printf(
      "broker: %.2f CPU s during the run = %.2f CPU s per million messages; "
      "peak RSS (VmHWM) %.1f MiB; RSS now %.1f MiB = %.1f MiB anonymous + %.1f MiB "
      "file-backed (mapped log)\n",
      cpu, per_million, static_cast<double>(dev->PeakRssBytes()) / kMiB,
      static_cast<double>(dev->RssBytes()) / kMiB, static_cast<double>(dev->RssAnonBytes()) / kMiB,
      static_cast<double>(dev->RssFileBytes()) / kMiB);
}

}  // namespace tern::bench
