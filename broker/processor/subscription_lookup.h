// SubscriptionLookup: how the pull processor reads the subscriptions that
// consumers registered by HEART_BEAT (quirks Q20: Java and Go pulls carry no
// subscription; the registered one is authoritative).
//
// Defined here by the message path; implemented by the client manager
// (broker/client). Called on the loop thread.
#pragma once

#include <optional>
#include <string_view>

#include "src/protocol/subscription_data.h"

namespace tern::processor {

struct GroupSubscription {
  // The group consumes in BROADCASTING mode (refused when the group config
  // has consumeBroadcastEnable=false).
  bool broadcasting = false;
  // The group's subscription to the topic, normalized (codeSet recomputed
  // from tagsSet, quirks Q21); nullopt when the group does not subscribe to it.
  std::optional<protocol::SubscriptionData> subscription;
};

class SubscriptionLookup {
 public:
  virtual ~SubscriptionLookup() = default;
  // nullopt when no consumer of `group` is registered (SUBSCRIPTION_NOT_EXIST).
  virtual std::optional<GroupSubscription> Find(std::string_view group,
                                                std::string_view topic) const = 0;
};

}  // namespace tern::processor
