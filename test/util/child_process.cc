#include "test/util/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "src/base/clock.h"

namespace tern::testing {

std::string TernmqBinary() {
  const char* env = std::getenv("TERNMQ_BIN");
  return env && *env ? env : "build/bin/ternmq";
}

Result<ChildProcess> ChildProcess::Start(const std::vector<std::string>& argv,
                                         const std::string& stderr_path) {
  int out_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Status::FromErrno("pipe", errno);
  int err_fd = -1;
  if (!stderr_path.empty()) {
    err_fd = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (err_fd < 0) return Status::FromErrno("open " + stderr_path, errno);
  }
  pid_t pid = ::fork();
  if (pid < 0) return Status::FromErrno("fork", errno);
  if (pid == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    if (err_fd >= 0) ::dup2(err_fd, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  if (err_fd >= 0) ::close(err_fd);
  ChildProcess child;
  child.pid_ = pid;
  child.stdout_fd_ = out_pipe[0];
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept { *this = std::move(o); }

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  std::swap(pid_, o.pid_);
  std::swap(stdout_fd_, o.stdout_fd_);
  std::swap(output_, o.output_);
  std::swap(scanned_, o.scanned_);
  std::swap(reaped_, o.reaped_);
  std::swap(exit_code_, o.exit_code_);
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

Result<std::string> ChildProcess::WaitForLine(const std::string& needle, int timeout_ms) {
  int64_t deadline = SystemClock::Instance().MonotonicMs() + timeout_ms;
  for (;;) {
    // Look for a complete line containing the needle.
    size_t line_start = output_.rfind('\n', scanned_ == 0 ? 0 : scanned_ - 1);
    line_start = (scanned_ == 0 || line_start == std::string::npos) ? 0 : line_start + 1;
    size_t pos = line_start;
    while (true) {
      size_t nl = output_.find('\n', pos);
      if (nl == std::string::npos) break;
      std::string line = output_.substr(pos, nl - pos);
      pos = nl + 1;
      scanned_ = pos;
      if (line.find(needle) != std::string::npos) return line;
    }
    int64_t left = deadline - SystemClock::Instance().MonotonicMs();
    if (left <= 0) {
      return Status::Timeout(fmt::format("no line containing '{}' within {} ms; output so far:\n{}",
                                         needle, timeout_ms, output_));
    }
    if (stdout_fd_ < 0) return Status::Unavailable("child stdout closed; output:\n" + output_);
    struct pollfd pfd = {stdout_fd_, POLLIN, 0};
    int rc = ::poll(&pfd, 1, static_cast<int>(left));
    if (rc < 0 && errno != EINTR) return Status::FromErrno("poll", errno);
    if (rc <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
    if (n > 0) {
      output_.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      ::close(stdout_fd_);
      stdout_fd_ = -1;
    }
  }
}

Result<std::string> ChildProcess::ReadAll(int timeout_ms) {
  int64_t deadline = SystemClock::Instance().MonotonicMs() + timeout_ms;
  while (stdout_fd_ >= 0) {
    int64_t left = deadline - SystemClock::Instance().MonotonicMs();
    if (left <= 0) return Status::Timeout("child did not close stdout; output:\n" + output_);
    struct pollfd pfd = {stdout_fd_, POLLIN, 0};
    int rc = ::poll(&pfd, 1, static_cast<int>(left));
    if (rc <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
    if (n > 0) {
      output_.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      ::close(stdout_fd_);
      stdout_fd_ = -1;
    }
  }
  return output_;
}

Status ChildProcess::Signal(int sig) {
  if (pid_ <= 0 || reaped_) return Status::Unavailable("child not running");
  if (::kill(pid_, sig) != 0) return Status::FromErrno("kill", errno);
  return Status::Ok();
}

Result<int> ChildProcess::Wait(int timeout_ms) {
  if (reaped_) return exit_code_;
  // Poll the child with waitpid(WNOHANG), blocking in poll() on its stdout
  // between checks so that an exit is noticed promptly without busy waiting.
  int64_t deadline = SystemClock::Instance().MonotonicMs() + timeout_ms;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    int64_t left = deadline - SystemClock::Instance().MonotonicMs();
    if (left <= 0) return Status::Timeout(fmt::format("child {} still running after {} ms", pid_, timeout_ms));
    if (stdout_fd_ >= 0) {
      struct pollfd pfd = {stdout_fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left, 20))) > 0) {
        char buf[4096];
        ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
        if (n > 0) output_.append(buf, static_cast<size_t>(n));
        if (n == 0) { ::close(stdout_fd_); stdout_fd_ = -1; }
      }
    } else {
      ::poll(nullptr, 0, static_cast<int>(std::min<int64_t>(left, 20)));
    }
  }
}

CommandResult RunCommand(const std::vector<std::string>& argv, int timeout_ms) {
  CommandResult result;
  char err_tmpl[] = "/tmp/ternmq-cmd-err-XXXXXX";
  int err_fd = ::mkstemp(err_tmpl);
  if (err_fd >= 0) ::close(err_fd);
  auto child = ChildProcess::Start(argv, err_tmpl);
  if (!child.ok()) {
    result.err = child.status().ToString();
    ::unlink(err_tmpl);
    return result;
  }
  auto out = child->ReadAll(timeout_ms);
  result.out = child->output();
  auto code = child->Wait(timeout_ms);
  result.exit_code = code.ok() ? *code : -1;
  int fd = ::open(err_tmpl, O_RDONLY);
  if (fd >= 0) {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) result.err.append(buf, static_cast<size_t>(n));
    ::close(fd);
  }
  ::unlink(err_tmpl);
  return result;
}

}  // namespace tern::testing
