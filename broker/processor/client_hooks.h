// The two things the client processor needs from the broker's config tables,
// as small interfaces so that broker/meta (or an in-memory table in tests)
// can be plugged in by the wiring.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "src/base/status.h"

namespace tern::broker {

// The part of a SubscriptionGroupConfig the heartbeat path reads.
struct ConsumerGroupSettings {
  int32_t retry_queue_nums = 1;
  bool notify_consumer_ids_changed_enable = true;
};

// Consumer-group configs (Java SubscriptionGroupManager).
class SubscriptionGroupSource {
 public:
  virtual ~SubscriptionGroupSource() = default;
  // Java findSubscriptionGroupConfig: the group's settings; when the group is
  // unknown it is created with the defaults (features.md §10) if the broker's
  // autoCreateSubscriptionGroup is on or the group is a system group
  // (CID_RMQ_SYS_*, TOOLS_CONSUMER, ...). nullopt: unknown and not created.
  // An error: the creation failed (it is reported to the client).
  virtual Result<std::optional<ConsumerGroupSettings>> FindOrCreateGroup(
      const std::string& group) = 0;
  // Lookup only, never creates.
  virtual std::optional<ConsumerGroupSettings> FindGroup(const std::string& group) = 0;
};

// Creation of a consumer group's retry topic (Java TopicConfigManager
// .createTopicInSendMessageBackMethod; quirks Q24).
class RetryTopicCreator {
 public:
  virtual ~RetryTopicCreator() = default;
  // Ensures `topic` exists. If absent, creates it with `queue_nums` read and
  // write queues, `perm` and `topic_sys_flag`, durably, and has the broker
  // re-register with the nameservers at once so the route exists. An existing
  // topic is left unchanged (OK).
  virtual Status EnsureRetryTopic(const std::string& topic, int32_t queue_nums, int32_t perm,
                                  int32_t topic_sys_flag) = 0;
  // Whether `topic` exists already, i.e. EnsureRetryTopic would not write.
  // The default (false: unknown) is always safe; it only costs a trip to the
  // broker-meta worker for every heartbeat when one is configured.
  virtual bool RetryTopicExists(const std::string& topic) {
    (void)topic;
    return false;
  }
};

}  // namespace tern::broker
