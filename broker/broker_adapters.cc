#include "broker/broker_adapters.h"

namespace tern::broker {

namespace {
ConsumerGroupSettings SettingsOf(const protocol::SubscriptionGroupConfig& config) {
  ConsumerGroupSettings s;
  s.retry_queue_nums = config.retry_queue_nums;
  s.notify_consumer_ids_changed_enable = config.notify_consumer_ids_changed_enable;
  return s;
}
}  // namespace

Result<std::optional<ConsumerGroupSettings>> GroupSourceAdapter::FindOrCreateGroup(
    const std::string& group) {
  TERN_ASSIGN_OR_RETURN(std::optional<protocol::SubscriptionGroupConfig> config,
                        groups_.Find(group));
  if (!config) return std::optional<ConsumerGroupSettings>();
  return std::optional<ConsumerGroupSettings>(SettingsOf(*config));
}

std::optional<ConsumerGroupSettings> GroupSourceAdapter::FindGroup(const std::string& group) {
  std::optional<protocol::SubscriptionGroupConfig> config = groups_.Get(group);
  if (!config) return std::nullopt;
  return SettingsOf(*config);
}

Status RetryTopicAdapter::EnsureRetryTopic(const std::string& topic, int32_t queue_nums,
                                           int32_t perm, int32_t topic_sys_flag) {
  return topics_.CreateTopicInSendMessageBackMethod(topic, queue_nums, perm, topic_sys_flag)
      .status();
}

protocol::TopicConfigSerializeWrapper TopicSourceAdapter::TopicConfigSnapshot() {
  return topics_.BuildSerializeWrapper();
}

ListenersConsumerIdsNotifier::ListenersConsumerIdsNotifier(
    std::vector<remoting::RpcServer*> servers) {
  notifiers_.reserve(servers.size());
  for (remoting::RpcServer* server : servers) notifiers_.emplace_back(*server);
}

void ListenersConsumerIdsNotifier::NotifyConsumerIdsChanged(ConnectionId connection,
                                                            const std::string& group) {
  for (RpcServerConsumerIdsNotifier& n : notifiers_) n.NotifyConsumerIdsChanged(connection, group);
}

}  // namespace tern::broker
