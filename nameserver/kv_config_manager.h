// KvConfigManager: namespace -> key -> value settings of the nameserver
// (PUT/GET/DELETE_KV_CONFIG, GET_KVLIST_BY_NAMESPACE; requests.md §A.7),
// persisted as RocketMQ's kvConfig.json:
//
//   {"configTable":{"ORDER_TOPIC_CONFIG":{"T":"broker-a:4"}}}
//
// Every change rewrites the whole file atomically: write <path>.tmp, fsync,
// rename over <path>, fsync the directory. A missing file is an empty table;
// a file that is not this JSON is a Corruption error naming the file.
//
// Threading: Get/GetNamespace/Load on any thread; Put/Delete do file I/O and
// must all be called from one thread (the nameserver's KV writer thread), so
// snapshots reach the file in order. The table is guarded by a mutex that is
// never held across the file I/O.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "src/base/status.h"
#include "src/protocol/topic_list.h"

namespace tern::nameserver {

// The namespace of ordered-topic settings (key topic, value
// `brokerName:queueNum;...`), read by GET_ROUTEINFO_BY_TOPIC and returned to
// brokers on registration.
inline constexpr const char* kOrderTopicConfigNamespace = "ORDER_TOPIC_CONFIG";

class KvConfigManager {
 public:
  explicit KvConfigManager(std::string path);
  KvConfigManager(const KvConfigManager&) = delete;
  KvConfigManager& operator=(const KvConfigManager&) = delete;

  const std::string& path() const { return path_; }

  // Replaces the table with the file's content (missing file: empty table).
  Status Load();

  // Changes the table, then persists it. If persisting fails the in-memory
  // change stays and the error is returned.
  Status Put(const std::string& ns, const std::string& key, const std::string& value);
  Status Delete(const std::string& ns, const std::string& key);

  std::optional<std::string> Get(const std::string& ns, const std::string& key) const;
  // The namespace's table, or nullopt when it has no key.
  std::optional<protocol::KvTable> GetNamespace(const std::string& ns) const;

 private:
  using Table = std::map<std::string, std::map<std::string, std::string>>;
  static std::string Serialize(const Table& table);
  Status Persist(const std::string& content);

  const std::string path_;
  mutable std::mutex mu_;
  Table table_;  // guarded by mu_
};

// Writes `content` to `path` atomically (tmp + fsync + rename + fsync dir),
// creating missing parent directories.
Status WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace tern::nameserver
