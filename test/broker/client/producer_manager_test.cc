#include "broker/client/producer_manager.h"

#include <doctest/doctest.h>

#include "broker/client/client_housekeeping.h"
#include "src/base/clock.h"
#include "test/broker/client/recording_notifier.h"

namespace tern::broker {
namespace {

ClientChannel Channel(uint64_t conn, const std::string& client_id, int64_t now_ms) {
  ClientChannel ch;
  ch.connection = ConnectionId(conn);
  ch.client_id = client_id;
  ch.client_addr = "127.0.0.1:5555";
  ch.language = "GO";
  ch.version = 317;
  ch.last_update_ms = now_ms;
  return ch;
}

TEST_CASE("producers register, refresh, unregister and leave on close") {
  ProducerManager m;
  m.RegisterProducer("PG", Channel(1, "p1", 0));
  m.RegisterProducer("PG", Channel(2, "p2", 0));
  m.RegisterProducer("PG", Channel(1, "p1", 50));  // refresh, not a second entry
  m.RegisterProducer("OTHER", Channel(2, "p2", 0));
  auto chans = m.GroupChannels("PG");
  REQUIRE(chans.has_value());
  REQUIRE(chans->size() == 2);
  CHECK((*chans)[0].last_update_ms == 50);
  CHECK_FALSE(m.GroupChannels("NOPE").has_value());

  CHECK(m.UnregisterProducer("PG", ConnectionId(1)));
  CHECK_FALSE(m.UnregisterProducer("PG", ConnectionId(1)));
  CHECK(m.OnConnectionClosed(ConnectionId(2)) == std::vector<std::string>{"OTHER", "PG"});
  CHECK(m.GroupNames().empty());
}

TEST_CASE("available producer channel rotates over the group") {
  ProducerManager m;
  CHECK_FALSE(m.AvailableChannel("PG").has_value());
  m.RegisterProducer("PG", Channel(1, "p1", 0));
  m.RegisterProducer("PG", Channel(2, "p2", 0));
  std::set<std::string> seen;
  for (int i = 0; i < 4; ++i) seen.insert(m.AvailableChannel("PG")->client_id);
  CHECK(seen == std::set<std::string>{"p1", "p2"});
}

TEST_CASE("housekeeping expires silent producers and consumers after 120 s") {
  ManualClock clock;
  testing::RecordingNotifier notifier;
  ProducerManager producers;
  ConsumerManager consumers(notifier);
  ClientHousekeeping hk(producers, consumers, clock);
  const int64_t t0 = clock.MonotonicMs();
  producers.RegisterProducer("PG", Channel(1, "p1", t0));
  ConsumerManager::Registration r;
  r.group = "CG";
  r.channel = Channel(2, "c2", t0 + 30'000);
  consumers.RegisterConsumer(r, true);

  clock.AdvanceMs(120'000);
  auto none = hk.RunOnce();
  CHECK(none.producers.empty());
  CHECK(none.consumers.empty());

  clock.AdvanceMs(1);
  auto first = hk.RunOnce();
  REQUIRE(first.producers.size() == 1);
  CHECK(first.producers[0].channel.client_id == "p1");
  CHECK(first.consumers.empty());
  CHECK(first.connections == std::set<ConnectionId>{ConnectionId(1)});

  clock.AdvanceMs(30'000);
  auto second = hk.RunOnce();
  REQUIRE(second.consumers.size() == 1);
  CHECK(second.consumers[0].group == "CG");
  CHECK_FALSE(consumers.GetGroup("CG").has_value());
  CHECK_FALSE(producers.GroupChannels("PG").has_value());
}

TEST_CASE("housekeeping removes a closed connection from producers and consumers") {
  ManualClock clock;
  testing::RecordingNotifier notifier;
  ProducerManager producers;
  ConsumerManager consumers(notifier);
  ClientHousekeeping hk(producers, consumers, clock);
  producers.RegisterProducer("PG", Channel(3, "x", 0));
  ConsumerManager::Registration r;
  r.group = "CG";
  r.channel = Channel(3, "x", 0);
  consumers.RegisterConsumer(r, true);
  hk.OnConnectionClosed(ConnectionId(3));
  CHECK_FALSE(producers.GroupChannels("PG").has_value());
  CHECK_FALSE(consumers.GetGroup("CG").has_value());
}

}  // namespace
}  // namespace tern::broker
