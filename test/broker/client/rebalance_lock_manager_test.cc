#include "broker/client/rebalance_lock_manager.h"

#include <doctest/doctest.h>

namespace tern::broker {
namespace {

using protocol::MessageQueue;
using MqSet = std::set<MessageQueue>;

const MessageQueue kQ0{"T", "broker-a", 0};
const MessageQueue kQ1{"T", "broker-a", 1};

TEST_CASE("a queue lock is granted, renewed by its owner and refused to others until it expires") {
  ManualClock clock;
  RebalanceLockManager locks(clock);
  CHECK(locks.TryLockBatch("CG", {kQ0, kQ1}, "c1") == MqSet{kQ0, kQ1});
  CHECK(locks.LockOwner("CG", kQ0) == std::string("c1"));

  // Another client gets nothing while c1's locks live.
  CHECK(locks.TryLockBatch("CG", {kQ0, kQ1}, "c2").empty());
  // Another group is independent.
  CHECK(locks.TryLockBatch("OTHER", {kQ0}, "c2") == MqSet{kQ0});

  // c1 renews q0 at 40 s; at 60 s + 1 ms q1 has expired, q0 has not.
  clock.AdvanceMs(40'000);
  CHECK(locks.TryLockBatch("CG", {kQ0}, "c1") == MqSet{kQ0});
  clock.AdvanceMs(20'001);
  CHECK(locks.TryLockBatch("CG", {kQ0, kQ1}, "c2") == MqSet{kQ1});
  CHECK(locks.LockOwner("CG", kQ1) == std::string("c2"));
  CHECK(locks.LockOwner("CG", kQ0) == std::string("c1"));
  CHECK(locks.HasUnexpiredLock("CG", "T"));
  CHECK_FALSE(locks.HasUnexpiredLock("CG", "U"));
}

TEST_CASE("exactly the max live time is not expired") {
  ManualClock clock;
  RebalanceLockManager locks(clock, 30'000);
  locks.TryLockBatch("CG", {kQ0}, "c1");
  clock.AdvanceMs(30'000);
  CHECK(locks.TryLockBatch("CG", {kQ0}, "c2").empty());
  clock.AdvanceMs(1);
  CHECK(locks.TryLockBatch("CG", {kQ0}, "c2") == MqSet{kQ0});
}

TEST_CASE("unlock frees only the caller's own locks") {
  ManualClock clock;
  RebalanceLockManager locks(clock);
  locks.TryLockBatch("CG", {kQ0, kQ1}, "c1");
  locks.UnlockBatch("CG", {kQ0, kQ1}, "c2");  // not c2's: nothing happens
  CHECK(locks.LockOwner("CG", kQ0) == std::string("c1"));
  locks.UnlockBatch("CG", {kQ0}, "c1");
  CHECK_FALSE(locks.LockOwner("CG", kQ0).has_value());
  CHECK(locks.TryLockBatch("CG", {kQ0, kQ1}, "c2") == MqSet{kQ0});
  locks.UnlockBatch("NOGROUP", {kQ0}, "c1");  // unknown group: no-op
}

}  // namespace
}  // namespace tern::broker
