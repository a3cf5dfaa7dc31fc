// The small hook adapters the wiring plugs between parts that do not know each
// other: the client processor's config hooks (client_hooks.h) over the topic
// and group managers, the registration's topic source over the topic
// manager, and a consumer-ids notifier that reaches a client on whichever
// listener (main or fast port) it connected to.
//
// Each holds references that must outlive it; each is "any thread" because
// what it forwards to is internally synchronized.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "broker/client/consumer_ids_notifier.h"
#include "broker/processor/client_hooks.h"
#include "broker/registration/broker_registration.h"
#include "broker/topic/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "src/remoting/rpc_server.h"

namespace tern::broker {

// SubscriptionGroupSource over topic::SubscriptionGroupManager:
// FindOrCreateGroup -> Find (auto-creates), FindGroup -> Get.
class GroupSourceAdapter final : public SubscriptionGroupSource {
 public:
  explicit GroupSourceAdapter(topic::SubscriptionGroupManager& groups) : groups_(groups) {}
  Result<std::optional<ConsumerGroupSettings>> FindOrCreateGroup(const std::string& group) override;
  std::optional<ConsumerGroupSettings> FindGroup(const std::string& group) override;

 private:
  topic::SubscriptionGroupManager& groups_;
};

// RetryTopicCreator over TopicConfigManager::CreateTopicInSendMessageBackMethod.
// A created topic fires the manager's change listener, which the wiring
// points at BrokerRegistration::RequestRegister, so the retry topic reaches
// the nameservers at once (quirks Q24).
class RetryTopicAdapter final : public RetryTopicCreator {
 public:
  explicit RetryTopicAdapter(topic::TopicConfigManager& topics) : topics_(topics) {}
  Status EnsureRetryTopic(const std::string& topic, int32_t queue_nums, int32_t perm,
                          int32_t topic_sys_flag) override;
  bool RetryTopicExists(const std::string& topic) override { return topics_.Contains(topic); }

 private:
  topic::TopicConfigManager& topics_;
};

// TopicConfigSource over TopicConfigManager::BuildSerializeWrapper.
class TopicSourceAdapter final : public TopicConfigSource {
 public:
  explicit TopicSourceAdapter(topic::TopicConfigManager& topics) : topics_(topics) {}
  protocol::TopicConfigSerializeWrapper TopicConfigSnapshot() override;

 private:
  topic::TopicConfigManager& topics_;
};

// Sends NOTIFY_CONSUMER_IDS_CHANGED through every listener: connection ids
// are unique across the process, so only the server that holds the
// connection sends (the others ignore an unknown id).
class ListenersConsumerIdsNotifier final : public ConsumerIdsChangeNotifier {
 public:
  // Each server must outlive this object.
  explicit ListenersConsumerIdsNotifier(std::vector<remoting::RpcServer*> servers);
  void NotifyConsumerIdsChanged(ConnectionId connection, const std::string& group) override;

 private:
  std::vector<RpcServerConsumerIdsNotifier> notifiers_;
};

}  // namespace tern::broker
