#include "broker/client/consumer_manager.h"

#include <doctest/doctest.h>

#include "src/base/clock.h"
#include "test/broker/client/recording_notifier.h"

namespace tern::broker {
namespace {

using Sent = std::multiset<std::pair<uint64_t, std::string>>;
using protocol::BuildSubscriptionData;
using protocol::SubscriptionData;

ConsumerManager::Registration Member(uint64_t conn, const std::string& client_id,
                                     std::vector<SubscriptionData> subs, int64_t now_ms = 0) {
  ConsumerManager::Registration r;
  r.group = "CG";
  r.channel.connection = ConnectionId(conn);
  r.channel.client_id = client_id;
  r.channel.client_addr = "127.0.0.1:" + std::to_string(40000 + conn);
  r.channel.language = "JAVA";
  r.channel.version = 401;
  r.channel.last_update_ms = now_ms;
  r.subscriptions = std::move(subs);
  return r;
}

SubscriptionData Sub(const std::string& topic, const std::string& expr, int64_t version) {
  return BuildSubscriptionData(topic, expr, "TAG", version);
}

TEST_CASE("joining members notify every member and a repeated heartbeat notifies nobody") {
  testing::RecordingNotifier notifier;
  ConsumerManager m(notifier);
  CHECK(m.RegisterConsumer(Member(1, "c1", {Sub("T", "*", 1)}), true));
  CHECK(notifier.Take() == Sent{{1, "CG"}});
  CHECK_FALSE(m.RegisterConsumer(Member(1, "c1", {Sub("T", "*", 1)}), true));
  CHECK(notifier.Take().empty());
  CHECK(m.RegisterConsumer(Member(2, "c2", {Sub("T", "*", 1)}), true));
  CHECK(notifier.Take() == Sent{{1, "CG"}, {2, "CG"}});
  CHECK(m.ClientIds("CG") == std::vector<std::string>{"c1", "c2"});
}

TEST_CASE("subscription changes notify, a newer version of the same filter does not") {
  testing::RecordingNotifier notifier;
  ConsumerManager m(notifier);
  REQUIRE(m.RegisterConsumer(Member(1, "c1", {Sub("T", "A", 1)}), true));
  REQUIRE(m.RegisterConsumer(Member(2, "c2", {Sub("T", "A", 1)}), true));
  notifier.Take();

  // New expression with a newer version: replaced, everyone told.
  CHECK(m.RegisterConsumer(Member(1, "c1", {Sub("T", "B", 2)}), true));
  CHECK(notifier.Take() == Sent{{1, "CG"}, {2, "CG"}});
  CHECK(m.FindSubscription("CG", "T")->sub_string == "B");

  // Same filter, newer version: recorded silently.
  CHECK_FALSE(m.RegisterConsumer(Member(1, "c1", {Sub("T", "B", 3)}), true));
  CHECK(notifier.Take().empty());
  CHECK(m.FindSubscription("CG", "T")->sub_version == 3);

  // Older version: ignored.
  CHECK_FALSE(m.RegisterConsumer(Member(2, "c2", {Sub("T", "C", 2)}), true));
  CHECK(m.FindSubscription("CG", "T")->sub_string == "B");
  CHECK(notifier.Take().empty());

  // A topic added, then dropped: both are changes.
  CHECK(m.RegisterConsumer(Member(1, "c1", {Sub("T", "B", 3), Sub("T2", "*", 3)}), true));
  CHECK(notifier.Take().size() == 2);
  CHECK(m.GroupsSubscribedTo("T2") == std::vector<std::string>{"CG"});
  CHECK(m.RegisterConsumer(Member(1, "c1", {Sub("T", "B", 3)}), true));
  CHECK(notifier.Take().size() == 2);
  CHECK_FALSE(m.FindSubscription("CG", "T2").has_value());
}

TEST_CASE("group or broker switch suppresses the notification but not the change") {
  testing::RecordingNotifier notifier;
  ConsumerManager m(notifier);
  CHECK(m.RegisterConsumer(Member(1, "c1", {Sub("T", "*", 1)}), /*notify_group=*/false));
  CHECK(notifier.Take().empty());
  m.set_notify_enabled(false);
  CHECK(m.RegisterConsumer(Member(2, "c2", {Sub("T", "*", 1)}), true));
  CHECK(notifier.Take().empty());
  m.set_notify_enabled(true);
  CHECK(m.RegisterConsumer(Member(3, "c3", {Sub("T", "*", 1)}), true));
  CHECK(notifier.Take().size() == 3);
}

TEST_CASE("unregister notifies the remaining members and drops an empty group") {
  testing::RecordingNotifier notifier;
  ConsumerManager m(notifier);
  m.RegisterConsumer(Member(1, "c1", {Sub("T", "*", 1)}), true);
  m.RegisterConsumer(Member(2, "c2", {Sub("T", "*", 1)}), true);
  notifier.Take();
  CHECK(m.UnregisterConsumer("CG", ConnectionId(1), true));
  CHECK(notifier.Take() == Sent{{2, "CG"}});
  CHECK_FALSE(m.UnregisterConsumer("CG", ConnectionId(1), true));
  CHECK(m.UnregisterConsumer("CG", ConnectionId(2), true));
  CHECK(notifier.Take().empty());
  CHECK_FALSE(m.GetGroup("CG").has_value());
  CHECK(m.GroupNames().empty());
}

TEST_CASE("a closed connection leaves every group and their members are told") {
  testing::RecordingNotifier notifier;
  ConsumerManager m(notifier);
  auto in_g2 = Member(1, "c1", {Sub("T", "*", 1)});
  in_g2.group = "G2";
  m.RegisterConsumer(Member(1, "c1", {Sub("T", "*", 1)}), true);
  m.RegisterConsumer(in_g2, true);
  m.RegisterConsumer(Member(2, "c2", {Sub("T", "*", 1)}), true);
  notifier.Take();
  auto left = m.OnConnectionClosed(ConnectionId(1));
  CHECK(left == std::vector<std::string>{"CG", "G2"});
  CHECK(notifier.Take() == Sent{{2, "CG"}});
  CHECK_FALSE(m.GetGroup("G2").has_value());
  CHECK(m.ClientIds("CG") == std::vector<std::string>{"c2"});
}

TEST_CASE("consumers expire after 120 s of silence") {
  testing::RecordingNotifier notifier;
  ManualClock clock;
  const int64_t t0 = clock.MonotonicMs();
  ConsumerManager m(notifier);
  m.RegisterConsumer(Member(1, "c1", {Sub("T", "*", 1)}, t0), true);
  m.RegisterConsumer(Member(2, "c2", {Sub("T", "*", 1)}, t0 + 60'000), true);
  notifier.Take();

  CHECK(m.ScanNotActiveChannels(t0 + 120'000).empty());  // exactly 120 s: still alive
  auto expired = m.ScanNotActiveChannels(t0 + 120'001);
  REQUIRE(expired.size() == 1);
  CHECK(expired[0].group == "CG");
  CHECK(expired[0].channel.client_id == "c1");
  CHECK(notifier.Take() == Sent{{2, "CG"}});

  // A heartbeat keeps c2 alive.
  m.RegisterConsumer(Member(2, "c2", {Sub("T", "*", 1)}, t0 + 170'000), true);
  CHECK(m.ScanNotActiveChannels(t0 + 180'001).empty());
  CHECK(m.ScanNotActiveChannels(t0 + 290'001).size() == 1);
  CHECK_FALSE(m.GetGroup("CG").has_value());
  CHECK(notifier.Take().empty());
}

TEST_CASE("a member is found by client id and its group info is a copy") {
  testing::RecordingNotifier notifier;
  ConsumerManager m(notifier);
  auto r = Member(7, "c7", {Sub("T", "A || B", 9)});
  r.consume_type = protocol::ConsumeType::kConsumeActively;
  r.message_model = protocol::MessageModel::kBroadcasting;
  m.RegisterConsumer(r, true);
  auto ch = m.FindChannel("CG", "c7");
  REQUIRE(ch.has_value());
  CHECK(ch->connection == ConnectionId(7));
  CHECK_FALSE(m.FindChannel("CG", "nobody").has_value());
  auto info = m.GetGroup("CG");
  REQUIRE(info.has_value());
  CHECK(info->consume_type == protocol::ConsumeType::kConsumeActively);
  CHECK(info->message_model == protocol::MessageModel::kBroadcasting);
  CHECK(info->subscription_table.at("T").tags_set == std::vector<std::string>{"A", "B"});
}

}  // namespace
}  // namespace tern::broker
