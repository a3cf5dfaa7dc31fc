#include "src/base/logging.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>

namespace tern::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::atomic<bool> g_stderr{true};
std::mutex g_mu;
int g_file_fd = -1;  // GUARDED_BY(g_mu)
thread_local std::string t_thread_name;

void WriteAll(int fd, const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = ::write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // Nowhere left to report a logging failure.
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
}

const char* BaseName(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

}  // namespace

Result<Level> ParseLevel(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "trace") return Level::kTrace;
  if (lower == "debug") return Level::kDebug;
  if (lower == "info") return Level::kInfo;
  if (lower == "warn" || lower == "warning") return Level::kWarn;
  if (lower == "error") return Level::kError;
  if (lower == "off") return Level::kOff;
  return Status::InvalidArgument(
      fmt::format("unknown log level '{}' (expected trace, debug, info, warn, error or off)", text));
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kTrace: return "TRACE";
    case Level::kDebug: return "DEBUG";
    case Level::kInfo: return "INFO";
    case Level::kWarn: return "WARN";
    case Level::kError: return "ERROR";
    case Level::kOff: return "OFF";
  }
  return "?";
}

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }
Level GetLevel() { return static_cast<Level>(g_level.load(std::memory_order_relaxed)); }

Status SetFile(const std::string& path) {
  int fd = -1;
  if (!path.empty()) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return Status::FromErrno("open log file " + path, errno);
  }
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_file_fd >= 0) ::close(g_file_fd);
  g_file_fd = fd;
  return Status::Ok();
}

void SetStderrEnabled(bool enabled) { g_stderr.store(enabled); }

void SetThreadName(std::string_view name) {
  t_thread_name = std::string(name);
  std::string os_name = t_thread_name.substr(0, 15);
  pthread_setname_np(pthread_self(), os_name.c_str());
}

std::string_view ThreadName() {
  if (t_thread_name.empty()) t_thread_name = fmt::format("t{}", static_cast<long>(::gettid()));
  return t_thread_name;
}

void Write(Level level, const char* file, int line, std::string_view message) {
  struct timeval tv;
  ::gettimeofday(&tv, nullptr);
  struct tm tm_buf;
  ::localtime_r(&tv.tv_sec, &tm_buf);
  std::string text = fmt::format(
      "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03} {:<5} [{}] {}:{} {}\n", tm_buf.tm_year + 1900,
      tm_buf.tm_mon + 1, tm_buf.tm_mday, tm_buf.tm_hour, tm_buf.tm_min, tm_buf.tm_sec,
      static_cast<int>(tv.tv_usec / 1000), LevelName(level), ThreadName(), BaseName(file), line,
      message);
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_stderr.load()) WriteAll(STDERR_FILENO, text.data(), text.size());
  if (g_file_fd >= 0) WriteAll(g_file_fd, text.data(), text.size());
}

}  // namespace tern::log
