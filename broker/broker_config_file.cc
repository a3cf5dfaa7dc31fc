#include "broker/broker_config_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace tern::broker {
namespace {

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\f')) {
    s.remove_prefix(1);
  }
  return s;
}

// The key of a .properties line ("" for blanks and comments): up to the first
// unescaped '=', ':' or blank.
std::string LineKey(std::string_view line) {
  line = TrimLeft(line);
  if (line.empty() || line.front() == '#' || line.front() == '!') return "";
  std::string key;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size()) {
      key += line[++i];
      continue;
    }
    if (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' || c == '\r') break;
    key += c;
  }
  return key;
}

// A logical line continues when it ends in an odd number of backslashes.
bool Continues(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t n = 0;
  while (n < line.size() && line[line.size() - 1 - n] == '\\') ++n;
  return n % 2 == 1;
}

const std::string* Find(const PropertyList& updates, const std::string& key) {
  const std::string* found = nullptr;
  for (const auto& [k, v] : updates) {
    if (k == key) found = &v;  // the last one wins, as in ApplyAll
  }
  return found;
}

// Backslashes doubled, so that reading the file back gives `value` again.
std::string Escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += '\\';
    out += c;
  }
  return out;
}

Status Errno(const std::string& what, const std::string& path) {
  return Status::IoError(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

Status FsyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Errno("fsync", path);
}

}  // namespace

std::string RewriteConfigText(std::string_view text, const PropertyList& updates) {
  std::string out;
  std::set<std::string> written;
  bool skipping = false;  // inside the continuation of a replaced line
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (skipping) {
      skipping = Continues(line);
      continue;
    }
    const std::string key = LineKey(line);
    const std::string* value = key.empty() ? nullptr : Find(updates, key);
    if (value == nullptr) {
      out.append(line);
      out += '\n';
      continue;
    }
    out += key + "=" + Escape(*value) + "\n";
    written.insert(key);
    skipping = Continues(line);
  }
  for (const auto& [key, value] : updates) {
    if (written.count(key) != 0) continue;
    out += key + "=" + Escape(*Find(updates, key)) + "\n";
    written.insert(key);
  }
  return out;
}

Status UpdateConfigFile(const std::string& path, const PropertyList& updates) {
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream buf;
      buf << in.rdbuf();
      text = buf.str();
    } else if (std::filesystem::exists(path)) {
      return Status::IoError(fmt::format("cannot read config file {}", path));
    }
  }
  const std::string updated = RewriteConfigText(text, updates);
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("open", tmp);
  size_t done = 0;
  while (done < updated.size()) {
    ssize_t n = ::write(fd, updated.data() + done, updated.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status st = Errno("write", tmp);
      ::close(fd);
      return st;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status st = Errno("fsync", tmp);
    ::close(fd);
    return st;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename to", path);
  std::string dir = std::filesystem::path(path).parent_path().string();
  return FsyncPath(dir.empty() ? "." : dir, O_RDONLY | O_DIRECTORY);
}

}  // namespace tern::broker
