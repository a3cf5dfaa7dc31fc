// ConsumerManagerSubscriptions: the SubscriptionLookup the pull processor
// uses in the broker, backed by broker/client's ConsumerManager (the
// heartbeat-registered groups). Header-only glue so that the brokercore
// library does not link broker/client; the wiring includes it.
//
// Any thread (ConsumerManager is internally synchronized). Note: GetGroup
// copies the whole group (channels and subscriptions) per pull; a narrower
// ConsumerManager lookup (one subscription + message model) would avoid it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "broker/client/consumer_manager.h"
#include "broker/processor/subscription_lookup.h"

namespace tern::processor {

class ConsumerManagerSubscriptions final : public SubscriptionLookup {
 public:
  // `consumers` must outlive this object.
  explicit ConsumerManagerSubscriptions(const broker::ConsumerManager& consumers)
      : consumers_(consumers) {}

  std::optional<GroupSubscription> Find(std::string_view group,
                                        std::string_view topic) const override {
    std::optional<broker::ConsumerGroupInfo> info = consumers_.GetGroup(group);
    if (!info) return std::nullopt;
    GroupSubscription out;
    out.broadcasting = info->message_model == protocol::MessageModel::kBroadcasting;
    auto it = info->subscription_table.find(std::string(topic));
    if (it != info->subscription_table.end()) out.subscription = it->second;
    return out;
  }

 private:
  const broker::ConsumerManager& consumers_;
};

}  // namespace tern::processor
