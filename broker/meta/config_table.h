// ConfigTable<Config>: a name -> config table (protocol::TopicConfig or
// protocol::SubscriptionGroupConfig, stored in their wire JSON form) kept in memory and persisted in its own RocksDB column, with a DataVersion
// bumped on every change.
//
//   TopicConfigTable topics(db, clock);
//   TERN_RETURN_IF_ERROR(topics.Load());
//   TERN_RETURN_IF_ERROR(topics.Put(config));   // fsynced before it returns
//
// Durability: every change is written with Durability::kSync in one batch with
// the new DataVersion, and the in-memory table changes only after the write
// succeeded — an acknowledged UPDATE_AND_CREATE_TOPIC survives a power cut,
// and a failed write leaves the table as it was.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/meta/meta_db.h"
#include "src/base/clock.h"
#include "src/base/status.h"
#include "src/protocol/data_version.h"
#include "src/protocol/subscription_group_config.h"
#include "src/protocol/topic_config.h"

namespace tern::meta {

using protocol::DataVersion;
using protocol::SubscriptionGroupConfig;
using protocol::TopicConfig;

// Any thread; internally synchronized. Readers take mu_ only to copy a value;
// writers are serialised by write_mu_, which is held across the RocksDB write
// so that two changes reach disk in the order they reach memory (readers never
// wait for it). `db` and `clock` must outlive the table.
template <typename Config>
class ConfigTable {
 public:
  ConfigTable(MetaDb& db, const Clock& clock) : db_(db), clock_(clock) {}
  ConfigTable(const ConfigTable&) = delete;
  ConfigTable& operator=(const ConfigTable&) = delete;

  // Reads the column and the data version. Call once, before any other use.
  Status Load();

  std::optional<Config> Get(std::string_view name) const;
  bool Contains(std::string_view name) const;
  size_t size() const;
  DataVersion data_version() const;
  // Every config sorted by name, with the version they belong to.
  struct Snapshot {
    DataVersion version;
    std::vector<Config> configs;
  };
  Snapshot TakeSnapshot() const;

  // Inserts or replaces (durable; bumps the data version once).
  Status Put(const Config& config);
  Status PutMany(const std::vector<Config>& configs);
  // Inserts when absent. Returns the config now in the table and whether this
  // call created it (the auto-create path: two racing senders create once).
  Result<std::pair<Config, bool>> PutIfAbsent(const Config& config);
  // Removes; returns whether the name was present (absent is not an error).
  Result<bool> Delete(std::string_view name);

 private:
  Status WriteLocked(const std::vector<Config>& puts, std::string_view del);

  MetaDb& db_;
  const Clock& clock_;
  std::mutex write_mu_;
  mutable std::mutex mu_;
  std::map<std::string, Config, std::less<>> configs_;  // GUARDED_BY(mu_)
  DataVersion version_;                                 // GUARDED_BY(mu_)
};

using TopicConfigTable = ConfigTable<TopicConfig>;
using SubscriptionGroupTable = ConfigTable<SubscriptionGroupConfig>;

extern template class ConfigTable<TopicConfig>;
extern template class ConfigTable<SubscriptionGroupConfig>;

}  // namespace tern::meta
