// Logging with fmt: levels, timestamps, thread names; to stderr and optionally
// to a file.
//
//   TERN_LOG_INFO("broker {} registered from {}", name, peer);
//
// Any thread; internally synchronized. A line is formatted before the lock is
// taken, so the lock only covers the write(2) of a finished line.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "src/base/status.h"

namespace tern::log {

enum class Level : int { kTrace = 0, kDebug = 1, kInfo = 2, kWarn = 3, kError = 4, kOff = 5 };

// Parses "trace", "debug", "info", "warn", "error", "off" (any case).
Result<Level> ParseLevel(std::string_view text);
std::string_view LevelName(Level level);

void SetLevel(Level level);
Level GetLevel();
inline bool Enabled(Level level) { return level >= GetLevel(); }

// Also appends every line to `path` (created if missing). Empty path: stderr only.
Status SetFile(const std::string& path);
// Silences stderr output (lines still go to the file if one is set).
void SetStderrEnabled(bool enabled);

// Names the calling thread in log lines (and in the OS, truncated to 15 bytes).
void SetThreadName(std::string_view name);
std::string_view ThreadName();

void Write(Level level, const char* file, int line, std::string_view message);

}  // namespace tern::log

#define TERN_LOG_AT(level, ...)                                                   \
  do {                                                                            \
    if (::tern::log::Enabled(level))                                              \
      ::tern::log::Write(level, __FILE__, __LINE__, ::fmt::format(__VA_ARGS__));  \
  } while (0)

#define TERN_LOG_TRACE(...) TERN_LOG_AT(::tern::log::Level::kTrace, __VA_ARGS__)
#define TERN_LOG_DEBUG(...) TERN_LOG_AT(::tern::log::Level::kDebug, __VA_ARGS__)
#define TERN_LOG_INFO(...) TERN_LOG_AT(::tern::log::Level::kInfo, __VA_ARGS__)
#define TERN_LOG_WARN(...) TERN_LOG_AT(::tern::log::Level::kWarn, __VA_ARGS__)
#define TERN_LOG_ERROR(...) TERN_LOG_AT(::tern::log::Level::kError, __VA_ARGS__)
