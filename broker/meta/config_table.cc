#include "broker/meta/config_table.h"

#include "broker/meta/meta_format.h"
#include "src/base/logging.h"

namespace tern::meta {
namespace {

template <typename Config>
struct Traits;

template <>
struct Traits<TopicConfig> {
  static constexpr Column kColumn = Column::kTopics;
  static constexpr std::string_view kVersionKey = kTopicsDataVersionKey;
  static const std::string& Name(const TopicConfig& c) { return c.topic_name; }
};

template <>
struct Traits<SubscriptionGroupConfig> {
  static constexpr Column kColumn = Column::kSubscriptionGroups;
  static constexpr std::string_view kVersionKey = kGroupsDataVersionKey;
  static const std::string& Name(const SubscriptionGroupConfig& c) { return c.group_name; }
};

}  // namespace

template <typename Config>
Status ConfigTable<Config>::Load() {
  using T = Traits<Config>;
  std::map<std::string, Config, std::less<>> loaded;
  Status parse_error;
  TERN_RETURN_IF_ERROR(
      db_.Scan(T::kColumn, "", "", [&](std::string_view key, std::string_view value) {
        auto config = Config::Decode(value);
        if (!config.ok()) {
          parse_error = config.status().WithContext(fmt::format("config '{}'", key));
          return false;
        }
        loaded.emplace(std::string(key), std::move(config).value());
        return true;
      }));
  TERN_RETURN_IF_ERROR(parse_error);
  DataVersion version;
  TERN_ASSIGN_OR_RETURN(auto version_json, db_.Get(Column::kDefault, T::kVersionKey));
  if (version_json) {
    TERN_ASSIGN_OR_RETURN(version, DataVersion::Decode(*version_json));
  } else {
    version.timestamp = clock_.NowMs();
  }
  std::lock_guard lock(mu_);
  configs_ = std::move(loaded);
  version_ = version;
  return Status::Ok();
}

template <typename Config>
std::optional<Config> ConfigTable<Config>::Get(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = configs_.find(name);
  if (it == configs_.end()) return std::nullopt;
  return it->second;
}

template <typename Config>
bool ConfigTable<Config>::Contains(std::string_view name) const {
  std::lock_guard lock(mu_);
  return configs_.find(name) != configs_.end();
}

template <typename Config>
size_t ConfigTable<Config>::size() const {
  std::lock_guard lock(mu_);
  return configs_.size();
}

template <typename Config>
DataVersion ConfigTable<Config>::data_version() const {
  std::lock_guard lock(mu_);
  return version_;
}

template <typename Config>
typename ConfigTable<Config>::Snapshot ConfigTable<Config>::TakeSnapshot() const {
  Snapshot snap;
  std::lock_guard lock(mu_);
  snap.version = version_;
  snap.configs.reserve(configs_.size());
  for (const auto& [name, config] : configs_) snap.configs.push_back(config);
  return snap;
}

// REQUIRES: write_mu_ held. Writes puts (or one delete) plus the next data
// version durably, then applies them to memory.
template <typename Config>
Status ConfigTable<Config>::WriteLocked(const std::vector<Config>& puts, std::string_view del) {
  using T = Traits<Config>;
  DataVersion next;
  {
    std::lock_guard lock(mu_);
    // Monotonic timestamps even if the wall clock steps back.
    next = version_;
    next.Next(std::max(clock_.NowMs(), version_.timestamp));
  }
  WriteBatch batch;
  for (const auto& c : puts) {
    if (T::Name(c).empty()) return Status::InvalidArgument("config without a name");
    batch.Put(T::kColumn, T::Name(c), c.Encode());
  }
  if (!del.empty()) batch.Delete(T::kColumn, del);
  batch.Put(Column::kDefault, T::kVersionKey, next.Encode());
  TERN_RETURN_IF_ERROR(db_.Write(batch, Durability::kSync));

  std::lock_guard lock(mu_);
  for (const auto& c : puts) configs_.insert_or_assign(T::Name(c), c);
  if (!del.empty()) {
    auto it = configs_.find(del);
    if (it != configs_.end()) configs_.erase(it);
  }
  version_ = next;
  return Status::Ok();
}

template <typename Config>
Status ConfigTable<Config>::Put(const Config& config) {
  std::lock_guard write_lock(write_mu_);
  return WriteLocked({config}, {});
}

template <typename Config>
Status ConfigTable<Config>::PutMany(const std::vector<Config>& configs) {
  if (configs.empty()) return Status::Ok();
  std::lock_guard write_lock(write_mu_);
  return WriteLocked(configs, {});
}

template <typename Config>
Result<std::pair<Config, bool>> ConfigTable<Config>::PutIfAbsent(const Config& config) {
  std::lock_guard write_lock(write_mu_);
  if (auto existing = Get(Traits<Config>::Name(config))) {
    return std::pair<Config, bool>(std::move(*existing), false);
  }
  TERN_RETURN_IF_ERROR(WriteLocked({config}, {}));
  return std::pair<Config, bool>(config, true);
}

template <typename Config>
Result<bool> ConfigTable<Config>::Delete(std::string_view name) {
  std::lock_guard write_lock(write_mu_);
  if (name.empty() || !Contains(name)) return false;
  TERN_RETURN_IF_ERROR(WriteLocked({}, name));
  return true;
}

template class ConfigTable<TopicConfig>;
template class ConfigTable<SubscriptionGroupConfig>;

}  // namespace tern::meta
