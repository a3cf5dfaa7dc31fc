#include "broker/topic/topic_config_manager.h"

#include <algorithm>
#include <vector>

#include "broker/topic/topic_names.h"
#include "src/base/logging.h"
#include "src/protocol/perm.h"

namespace tern::topic {

using protocol::kPermInherit;
using protocol::kPermReadWrite;

namespace {

TopicConfig MakeTopic(std::string_view name, int32_t read, int32_t write, int32_t perm) {
  TopicConfig c;
  c.topic_name = std::string(name);
  c.read_queue_nums = read;
  c.write_queue_nums = write;
  c.perm = perm;
  return c;
}

}  // namespace

TopicConfigManager::TopicConfigManager(meta::TopicConfigTable& table,
                                       TopicConfigManagerOptions options)
    : table_(table),
      options_(std::move(options)),
      auto_create_topic_enable_(options_.auto_create_topic_enable),
      default_topic_queue_nums_(options_.default_topic_queue_nums) {}

Status TopicConfigManager::Init() {
  std::vector<TopicConfig> wanted;
  wanted.push_back(MakeTopic(kSelfTestTopic, 1, 1, kPermReadWrite));
  if (options_.auto_create_topic_enable) {
    const int32_t n = options_.default_topic_queue_nums;
    wanted.push_back(MakeTopic(kAutoCreateTopicKey, n, n, kPermInherit | kPermReadWrite));
  }
  wanted.push_back(MakeTopic(kBenchmarkTopic, 1024, 1024, kPermReadWrite));
  wanted.push_back(MakeTopic(options_.cluster_name, 16, 16,
                             kPermInherit | (options_.cluster_topic_enable ? kPermReadWrite : 0)));
  wanted.push_back(MakeTopic(options_.broker_name, 1, 1,
                             kPermInherit | (options_.broker_topic_enable ? kPermReadWrite : 0)));
  wanted.push_back(MakeTopic(kOffsetMovedEvent, 1, 1, kPermReadWrite));
  wanted.push_back(MakeTopic(kScheduleTopic, kScheduleQueueNums, kScheduleQueueNums,
                             kPermReadWrite));
  if (options_.trace_topic_enable) {
    wanted.push_back(MakeTopic(options_.trace_topic_name, 1, 1, kPermReadWrite));
  }
  wanted.push_back(
      MakeTopic(options_.cluster_name + std::string(kReplyTopicSuffix), 1, 1, kPermReadWrite));

  std::vector<TopicConfig> missing;
  for (TopicConfig& c : wanted) {
    if (c.topic_name.empty() || table_.Contains(c.topic_name)) continue;
    const bool dup = std::any_of(missing.begin(), missing.end(), [&](const TopicConfig& m) {
      return m.topic_name == c.topic_name;
    });
    if (!dup) missing.push_back(std::move(c));
  }
  if (missing.empty()) return Status::Ok();
  return table_.PutMany(missing);
}

void TopicConfigManager::SetChangeListener(std::function<void()> listener) {
  std::lock_guard<std::mutex> lock(listener_mu_);
  listener_ = std::move(listener);
}

void TopicConfigManager::NotifyChanged() {
  std::function<void()> listener;
  {
    std::lock_guard<std::mutex> lock(listener_mu_);
    listener = listener_;
  }
  if (listener) listener();
}

std::optional<TopicConfig> TopicConfigManager::Select(std::string_view topic) const {
  return table_.Get(topic);
}

bool TopicConfigManager::IsOrderTopic(std::string_view topic) const {
  auto c = table_.Get(topic);
  return c && c->order;
}

bool TopicConfigManager::IsSystemTopic(std::string_view topic) const {
  return IsBuiltinSystemTopic(topic) || topic == options_.cluster_name ||
         topic == options_.broker_name;
}

Result<std::optional<TopicConfig>> TopicConfigManager::CreateTopicInSendMessageMethod(
    std::string_view topic, std::string_view default_topic, int32_t client_default_queue_nums,
    int32_t topic_sys_flag) {
  if (auto existing = table_.Get(topic)) return std::optional<TopicConfig>(std::move(*existing));
  auto templ = table_.Get(default_topic);
  if (!templ) {
    TERN_LOG_WARN("create topic {} failed: the default topic [{}] does not exist", topic,
                  default_topic);
    return std::optional<TopicConfig>();
  }
  int32_t perm = templ->perm;
  if (default_topic == kAutoCreateTopicKey && !auto_create_topic_enable()) {
    perm = kPermReadWrite;
  }
  if (!protocol::IsInherited(perm)) {
    TERN_LOG_WARN("create topic {} failed: the default topic [{}] has no inherit perm ({})", topic,
                  default_topic, perm);
    return std::optional<TopicConfig>();
  }
  const int32_t queues = std::max(0, std::min(client_default_queue_nums, templ->write_queue_nums));
  TopicConfig c = MakeTopic(topic, queues, queues, perm & ~kPermInherit);
  c.topic_sys_flag = topic_sys_flag;
  c.topic_filter_type = templ->topic_filter_type;
  TERN_ASSIGN_OR_RETURN(auto put, table_.PutIfAbsent(c));
  if (put.second) {
    TERN_LOG_INFO("created topic {} from template {}: {} queues, perm {}", topic, default_topic,
                  queues, c.perm);
    NotifyChanged();
  }
  return std::optional<TopicConfig>(std::move(put.first));
}

Result<TopicConfig> TopicConfigManager::CreateTopicInSendMessageBackMethod(
    std::string_view topic, int32_t queue_nums, int32_t perm, int32_t topic_sys_flag) {
  if (auto existing = table_.Get(topic)) return std::move(*existing);
  TopicConfig c = MakeTopic(topic, queue_nums, queue_nums, perm);
  c.topic_sys_flag = topic_sys_flag;
  TERN_ASSIGN_OR_RETURN(auto put, table_.PutIfAbsent(c));
  if (put.second) {
    TERN_LOG_INFO("created topic {}: {} queues, perm {}", topic, queue_nums, perm);
    NotifyChanged();
  }
  return std::move(put.first);
}

Status TopicConfigManager::UpdateTopicConfig(const TopicConfig& config) {
  TERN_RETURN_IF_ERROR(table_.Put(config));
  TERN_LOG_INFO("topic {} updated: read {} write {} perm {}", config.topic_name,
                config.read_queue_nums, config.write_queue_nums, config.perm);
  NotifyChanged();
  return Status::Ok();
}

Result<bool> TopicConfigManager::DeleteTopicConfig(std::string_view topic) {
  TERN_ASSIGN_OR_RETURN(bool existed, table_.Delete(topic));
  if (existed) {
    TERN_LOG_INFO("topic {} deleted", topic);
    NotifyChanged();
  }
  return existed;
}

Status TopicConfigManager::EnsureAutoCreateTemplate() {
  if (!auto_create_topic_enable()) return Status::Ok();
  const int32_t n = default_topic_queue_nums();
  auto current = table_.Get(kAutoCreateTopicKey);
  if (current && current->read_queue_nums == n && current->write_queue_nums == n) {
    return Status::Ok();
  }
  TopicConfig c = current ? *current : MakeTopic(kAutoCreateTopicKey, n, n,
                                                 kPermInherit | kPermReadWrite);
  c.read_queue_nums = n;
  c.write_queue_nums = n;
  TERN_RETURN_IF_ERROR(table_.Put(c));
  TERN_LOG_INFO("auto-creation template {} {}: {} queues", kAutoCreateTopicKey,
                current ? "resized" : "created", n);
  NotifyChanged();
  return Status::Ok();
}

void TopicConfigManager::BumpDataVersion() {
  version_bumps_.fetch_add(1);
  NotifyChanged();
}

protocol::DataVersion TopicConfigManager::WithBumps(protocol::DataVersion v) const {
  v.counter += version_bumps_.load();
  return v;
}

protocol::TopicConfigSerializeWrapper TopicConfigManager::BuildSerializeWrapper() const {
  auto snap = table_.TakeSnapshot();
  protocol::TopicConfigSerializeWrapper w;
  w.data_version = WithBumps(snap.version);
  for (TopicConfig& c : snap.configs) {
    std::string name = c.topic_name;
    w.topic_config_table.emplace(std::move(name), std::move(c));
  }
  return w;
}

}  // namespace tern::topic
