#include "nameserver/kv_config_manager.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "src/base/logging.h"
#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"

namespace tern::nameserver {
namespace {

Status WriteAll(int fd, const std::string& content, const std::string& path) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write " + path, errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open dir " + dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno("fsync dir " + dir, err);
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomically(const std::string& path, const std::string& content) {
  std::filesystem::path p(path);
  std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(fmt::format("create directory {}: {}", dir, ec.message()));

  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("open " + tmp, errno);
  Status st = WriteAll(fd, content, tmp);
  if (st.ok() && ::fsync(fd) != 0) st = Status::FromErrno("fsync " + tmp, errno);
  if (::close(fd) != 0 && st.ok()) st = Status::FromErrno("close " + tmp, errno);
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status err = Status::FromErrno(fmt::format("rename {} to {}", tmp, path), errno);
    ::unlink(tmp.c_str());
    return err;
  }
  return FsyncDir(dir);
}

KvConfigManager::KvConfigManager(std::string path) : path_(std::move(path)) {}

Status KvConfigManager::Load() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) {
      TERN_LOG_INFO("kv config {} does not exist yet; starting empty", path_);
      std::lock_guard<std::mutex> lock(mu_);
      table_.clear();
      return Status::Ok();
    }
    return Status::IoError(fmt::format("cannot read kv config file {}", path_));
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();

  auto corrupt = [&](const std::string& why) {
    return Status::Corruption(fmt::format("kv config file {} is corrupt: {}", path_, why));
  };
  Table table;
  if (!text.empty()) {
    auto parsed = protocol::ParseLenientJsonObject(text, "kvConfig.json");
    if (!parsed.ok()) return corrupt(parsed.status().message());
    auto it = parsed->find("configTable");
    if (it != parsed->end() && !it->is_null()) {
      if (!it->is_object()) return corrupt("configTable is not an object");
      for (const auto& [ns, kvs] : it->items()) {
        if (!kvs.is_object()) return corrupt(fmt::format("namespace {} is not an object", ns));
        for (const auto& [k, v] : kvs.items()) {
          auto value = protocol::JsonValueToString(v, k);
          if (!value.ok())
            return corrupt(fmt::format("{}/{}: {}", ns, k, value.status().message()));
          table[ns][k] = std::move(value).value();
        }
      }
    }
  }
  size_t count = 0;
  for (const auto& [ns, kvs] : table) count += kvs.size();
  TERN_LOG_INFO("kv config loaded from {}: {} namespaces, {} keys", path_, table.size(), count);
  std::lock_guard<std::mutex> lock(mu_);
  table_ = std::move(table);
  return Status::Ok();
}

std::string KvConfigManager::Serialize(const Table& table) {
  protocol::JsonWriter w;
  w.BeginObject().Key("configTable").BeginObject();
  for (const auto& [ns, kvs] : table) {
    w.Key(ns).BeginObject();
    for (const auto& [k, v] : kvs) w.Key(k).String(v);
    w.EndObject();
  }
  w.EndObject().EndObject();
  return w.Take();
}

Status KvConfigManager::Persist(const std::string& content) {
  Status st = WriteFileAtomically(path_, content);
  if (!st.ok()) TERN_LOG_ERROR("persisting kv config failed: {}", st.ToString());
  return st;
}

Status KvConfigManager::Put(const std::string& ns, const std::string& key,
                            const std::string& value) {
  std::string snapshot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] = table_[ns].insert_or_assign(key, value);
    (void)it;
    TERN_LOG_INFO("kv config {}: {}/{} = {}", inserted ? "added" : "updated", ns, key, value);
    snapshot = Serialize(table_);
  }
  return Persist(snapshot);
}

Status KvConfigManager::Delete(const std::string& ns, const std::string& key) {
  std::string snapshot;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = table_.find(ns);
    if (it == table_.end() || it->second.erase(key) == 0) return Status::Ok();
    if (it->second.empty()) table_.erase(it);
    TERN_LOG_INFO("kv config deleted: {}/{}", ns, key);
    snapshot = Serialize(table_);
  }
  return Persist(snapshot);
}

std::optional<std::string> KvConfigManager::Get(const std::string& ns,
                                                const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = table_.find(ns);
  if (it == table_.end()) return std::nullopt;
  auto kv = it->second.find(key);
  if (kv == it->second.end()) return std::nullopt;
  return kv->second;
}

std::optional<protocol::KvTable> KvConfigManager::GetNamespace(const std::string& ns) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = table_.find(ns);
  if (it == table_.end() || it->second.empty()) return std::nullopt;
  protocol::KvTable out;
  out.table = it->second;
  return out;
}

}  // namespace tern::nameserver
