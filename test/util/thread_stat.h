// Reading this process's threads from /proc/self/task, for tests that check a
// named thread's scheduling state or priority (Linux only).
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>

namespace tern::testing {

// Field `field` (1-based, as in proc(5): 3 = state, 19 = nice) of the stat line
// of this process's first thread named `name`; nullopt if there is none.
inline std::optional<std::string> ThreadStatField(const std::string& name, int field) {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string c;
    std::getline(comm, c);
    if (c != name) continue;
    std::ifstream stat_file(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    // The fields after the parenthesized name start at field 3.
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string value;
    for (int i = 3; i <= field && rest >> value; ++i) {
    }
    return value;
  }
  return std::nullopt;
}

}  // namespace tern::testing
