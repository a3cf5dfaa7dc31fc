#include "broker/processor/consumer_subscription_lookup.h"

#include <doctest/doctest.h>

namespace tern::processor {
namespace {

class NoNotifier final : public broker::ConsumerIdsChangeNotifier {
 public:
  void NotifyConsumerIdsChanged(ConnectionId, const std::string&) override {}
};

TEST_CASE("heartbeat-registered subscriptions are what the pull processor looks up") {
  NoNotifier notifier;
  broker::ConsumerManager consumers(notifier);
  ConsumerManagerSubscriptions lookup(consumers);
  CHECK_FALSE(lookup.Find("CG", "T").has_value());

  broker::ConsumerManager::Registration r;
  r.group = "CG";
  r.channel.connection = ConnectionId(1);
  r.channel.client_id = "c1";
  r.message_model = protocol::MessageModel::kBroadcasting;
  protocol::SubscriptionData sub = protocol::BuildSubscriptionData("T", "A || B", "TAG", 7);
  sub.Normalize();
  r.subscriptions.push_back(sub);
  consumers.RegisterConsumer(r, false);

  auto found = lookup.Find("CG", "T");
  REQUIRE(found.has_value());
  CHECK(found->broadcasting);
  REQUIRE(found->subscription.has_value());
  CHECK(found->subscription->sub_version == 7);
  CHECK(found->subscription->tags_set == std::vector<std::string>{"A", "B"});
  auto other = lookup.Find("CG", "Other");
  REQUIRE(other.has_value());
  CHECK_FALSE(other->subscription.has_value());
}

}  // namespace
}  // namespace tern::processor
