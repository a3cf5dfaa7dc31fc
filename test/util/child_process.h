// Runs the real `ternmq` binary (or any program) as a child process for
// integration tests: waits for a line on its stdout, signals it, reaps it.
//
// Waiting is event-driven (poll on the child's stdout pipe with a deadline),
// never a sleep. The child's stderr goes to a log file that the test can print
// when an expectation fails.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "src/base/status.h"

namespace tern::testing {

// Path of the ternmq binary under test: $TERNMQ_BIN, else build/bin/ternmq.
std::string TernmqBinary();

class ChildProcess {
 public:
  // Starts argv[0] with the remaining arguments. stderr is appended to `stderr_path`
  // (empty: inherited).
  static Result<ChildProcess> Start(const std::vector<std::string>& argv,
                                    const std::string& stderr_path = "");
  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();  // SIGKILLs and reaps a child still running.

  pid_t pid() const { return pid_; }
  // Reads stdout until a line containing `needle` arrives; returns that line.
  // Fails on timeout or when the child closes stdout first.
  Result<std::string> WaitForLine(const std::string& needle, int timeout_ms);
  // Everything read from stdout so far.
  const std::string& output() const { return output_; }
  Status Signal(int sig);
  // Waits for exit; returns the exit code, or 128+signal when killed.
  Result<int> Wait(int timeout_ms);
  // Reads stdout until EOF (or timeout) and returns all of it.
  Result<std::string> ReadAll(int timeout_ms);

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string output_;
  size_t scanned_ = 0;
  bool reaped_ = false;
  int exit_code_ = -1;
};

// Runs a command to completion and captures stdout (stderr goes to
// `stderr_out` if given). Returns the exit code.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult RunCommand(const std::vector<std::string>& argv, int timeout_ms = 30000);

}  // namespace tern::testing
