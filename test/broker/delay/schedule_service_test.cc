#include "broker/delay/schedule_service.h"

#include <doctest/doctest.h>

#include <set>

#include "broker/delay/delay_format.h"
#include "test/broker/delay/delay_fixture.h"

namespace tern::delay {
namespace {

using testing::DelayFixture;
using testing::kT0;
using testing::Props;
using testing::Stored;

std::string Ms(int64_t v) { return std::to_string(v); }

TEST_CASE("each delay level is delivered at store time plus its delay, not earlier") {
  DelayFixture f;
  const std::vector<int64_t> levels = store::DefaultDelayLevelsMs();
  std::vector<std::string> uniq(19);
  for (int level = 1; level <= 18; ++level) {
    uniq[level] = f.Send("T", 1, Props({{"DELAY", std::to_string(level)}}),
                         "body-" + std::to_string(level));
  }
  const std::string clamped = f.Send("T", 1, Props({{"DELAY", "30"}}), "body-clamped");
  f.Dispatch();
  CHECK(f.Read("SCHEDULE_TOPIC_XXXX", 2).size() == 1);  // level 3 -> queue 2
  CHECK(f.Run().loaded == 19);
  CHECK(f.service->pending() == 19);

  size_t delivered = 0;
  for (int level = 1; level <= 18; ++level) {
    const int64_t due = kT0 + levels[level - 1];
    f.RunAt(due - 1);
    REQUIRE(f.Read("T", 1).size() == delivered);
    RunStats s = f.RunAt(due);
    delivered += level == 18 ? 2 : 1;
    REQUIRE(f.Read("T", 1).size() == delivered);
    CHECK(s.max_lateness_ms == 0);
    const Stored m = f.Read("T", 1)[delivered - 1];  // a copy: Read returns a temporary
    CHECK(m.store_timestamp >= due);
    CHECK(m.Prop("UNIQ_KEY") == (level == 18 ? clamped : uniq[level]));
    if (level < 18) CHECK(m.body == "body-" + std::to_string(level));
  }
  const Stored m = f.Read("T", 1)[2];  // level 3
  CHECK(m.topic == "T");
  CHECK(m.queue_id == 1);
  CHECK(m.flag == 7);
  CHECK(m.born_timestamp == kT0);
  CHECK(m.Prop("TAGS") == "TagA");
  CHECK(m.Prop("KEYS") == "k-" + uniq[3]);
  CHECK_FALSE(m.Prop("DELAY"));
  CHECK(m.Prop("REAL_TOPIC") == "T");  // RocketMQ 4.x leaves REAL_* on level messages
  CHECK(m.Prop(kEntryProperty).has_value());
  CHECK(f.service->pending() == 0);
}

TEST_CASE("timer messages with absolute and relative times are delivered at their due ms") {
  DelayFixture f;
  struct Case {
    std::string key;
    std::string value;
    int64_t due;
  };
  const std::vector<Case> cases = {{"TIMER_DELIVER_MS", Ms(kT0 + 1234), kT0 + 1234},
                                   {"TIMER_DELAY_SEC", "3", kT0 + 3000},
                                   {"TIMER_DELAY_MS", "2500", kT0 + 2500},
                                   {"__STARTDELIVERTIME", Ms(kT0 + 4000), kT0 + 4000},
                                   {"TIMER_DELIVER_MS", Ms(kT0 + 9 * 24 * 3600 * 1000LL),
                                    kT0 + 9 * 24 * 3600 * 1000LL}};
  std::map<int64_t, std::string> by_due;
  for (const Case& c : cases) by_due[c.due] = f.Send("T", 0, Props({{c.key, c.value}}), c.key);
  f.Dispatch();
  CHECK(f.Read(std::string(kTimerTopic), 0).size() == cases.size());
  f.Run();
  size_t n = 0;
  for (const auto& [due, uniq] : by_due) {
    f.RunAt(due - 1);
    REQUIRE(f.Read("T", 0).size() == n);
    f.RunAt(due);
    REQUIRE(f.Read("T", 0).size() == ++n);
    const Stored m = f.Read("T", 0).back();
    CHECK(m.Prop("UNIQ_KEY") == uniq);
    CHECK(m.store_timestamp >= due);
    for (const char* k : {"TIMER_DELIVER_MS", "TIMER_DELAY_SEC", "TIMER_DELAY_MS", "TIMER_OUT_MS",
                          "__STARTDELIVERTIME", "REAL_TOPIC", "REAL_QID", "TIMER_ROLL_TIMES"}) {
      CHECK_MESSAGE(!m.Prop(k), k);
    }
    CHECK(m.Prop("TAGS") == "TagA");
  }
}

TEST_CASE("a delivery time in the past is stored to the real topic at once") {
  DelayFixture f;
  InterceptResult r;
  f.Send("T", 2, Props({{"TIMER_DELIVER_MS", Ms(kT0 - 10)}}), "late", &r);
  CHECK(r.kind == InterceptResult::Kind::kDeliverNow);
  f.Dispatch();
  auto got = f.Read("T", 2);
  REQUIRE(got.size() == 1);
  CHECK(got[0].body == "late");
  CHECK_FALSE(got[0].Prop("TIMER_DELIVER_MS"));
  CHECK(f.Run().loaded == 0);
}

TEST_CASE("a restart between schedule and delivery delivers each message once") {
  DelayFixture f;
  std::set<std::string> sent;
  for (int i = 0; i < 30; ++i) {
    sent.insert(f.Send("T", 0, Props({{"DELAY", "2"}}), "lvl" + std::to_string(i)));
    sent.insert(f.Send("T", 0, Props({{"TIMER_DELAY_SEC", "60"}}), "tmr" + std::to_string(i)));
  }
  f.Run();
  f.Restart();  // before anything is due
  CHECK(f.service->pending() == 60);
  f.RunAt(kT0 + 5000);
  CHECK(f.Read("T", 0).size() == 30);
  f.Restart();  // some delivered, some pending (the last deliveries maybe not yet marked)
  CHECK(f.service->pending() == 30);
  f.RunAt(kT0 + 60'000);
  f.Restart();
  f.RunAt(kT0 + 120'000);
  std::multiset<std::string> got;
  for (const Stored& m : f.Read("T", 0)) got.insert(*m.Prop("UNIQ_KEY"));
  CHECK(got.size() == 60);
  CHECK(std::set<std::string>(got.begin(), got.end()) == sent);
  CHECK(f.service->pending() == 0);
}

TEST_CASE("deliveries appended after the last checkpoint are recognised in the log") {
  ScheduleOptions o;
  o.checkpoint_interval_ms = 1'000'000;
  DelayFixture f(o);
  for (int i = 0; i < 10; ++i) f.Send("T", 0, Props({{"TIMER_DELAY_MS", "100"}}), "m");
  f.Run();
  // Deliver without letting the log flush first: the checkpoint cannot mark.
  f.clock.SetMs(kT0 + 100);
  f.Dispatch();
  REQUIRE(f.service->RunOnce(f.clock.NowMs()).ok());
  const PhysicalOffset journal = f.service->journal_position();
  f.Dispatch();
  REQUIRE(f.Read("T", 0).size() == 10);
  // Reopen only the service (the store stays open, as after a service crash).
  f.service.reset();
  f.OpenService();
  CHECK(f.service->journal_position() >= journal);
  CHECK(f.service->pending() == 0);
  f.RunAt(kT0 + 1000);
  CHECK(f.Read("T", 0).size() == 10);
}

TEST_CASE("equal due times keep arrival order across levels and timer messages") {
  ScheduleOptions o;
  o.max_deliveries_per_run = 7;
  DelayFixture f(o);
  const int64_t due = kT0 + 1000;
  for (int i = 0; i < 100; ++i) {
    const std::string body = "m" + std::to_string(i);
    if (i % 3 == 0) {
      f.Send("T", 0, Props({{"DELAY", "1"}}), body);  // store time + 1 s
    } else {
      f.Send("T", 0, Props({{"TIMER_DELIVER_MS", Ms(due)}}), body);
    }
  }
  f.Run();
  f.RunAt(due);
  auto got = f.Read("T", 0);
  REQUIRE(got.size() == 100);
  for (int i = 0; i < 100; ++i) CHECK(got[static_cast<size_t>(i)].body == "m" + std::to_string(i));
}

TEST_CASE("a message due beyond retention is rolled forward and survives segment deletion") {
  ScheduleOptions o;
  o.roll_after_ms = 3600'000;  // 1 h
  DelayFixture f(o, 64 * 1024);
  const std::string body(1000, 'x');
  const std::string uniq = f.Send("T", 0, Props({{"TIMER_DELAY_SEC", "36000"}}), body);  // 10 h
  f.Run();
  const auto original = f.Read(std::string(kTimerTopic), 0);
  REQUIRE(original.size() == 1);
  for (int i = 0; i < 300; ++i) f.Send("F", 0, "", std::string(1000, 'f'));  // several segments

  RunStats s = f.RunAt(kT0 + 3600'000);
  CHECK(s.rolled == 1);
  CHECK(s.delivered == 0);
  CHECK(f.Read(std::string(kTimerTopic), 0).size() == 2);

  // Retention deletes every segment but the active one (the copy's).
  for (const store::SegmentInfo& seg : f.store->commit_log().ListSegments()) {
    if (!seg.active) REQUIRE(f.store->commit_log().DeleteOldestSegment(seg.start).ok());
  }
  REQUIRE(f.store->CleanQueuesBelowLogMin().ok());
  CHECK(f.store->commit_log().MinOffset().value() > 0);
  f.Restart();
  CHECK(f.service->pending() == 1);

  int64_t rolled = 0;
  for (int h = 2; h < 10; ++h) rolled += f.RunAt(kT0 + h * 3600'000LL).rolled;
  CHECK(rolled == 8);
  CHECK(f.Read("T", 0).empty());
  f.RunAt(kT0 + 36'000'000 - 1);
  CHECK(f.Read("T", 0).empty());
  f.RunAt(kT0 + 36'000'000);
  auto got = f.Read("T", 0);
  REQUIRE(got.size() == 1);
  CHECK(got[0].body == body);
  CHECK(got[0].Prop("UNIQ_KEY") == uniq);
  CHECK_FALSE(got[0].Prop("TIMER_ROLL_TIMES"));
  CHECK(f.service->pending() == 0);
}

TEST_CASE("cancel before delivery prevents it, also after a restart; cancel after delivery says so") {
  DelayFixture f;
  const std::string a = f.Send("T", 0, Props({{"TIMER_DELAY_SEC", "10"}}), "a");
  const std::string b = f.Send("T", 0, Props({{"DELAY", "1"}}), "b");
  const std::string c = f.Send("T", 0, Props({{"DELAY", "4"}}), "c");  // 30 s
  f.Run();

  CHECK(f.Cancel("T", a).result == CancelResult::kCancelled);
  CHECK(f.Cancel("T", a).result == CancelResult::kCancelled);  // idempotent
  CHECK(f.Cancel("Other", a).result == CancelResult::kNotFound);
  CHECK(f.Cancel("T", "no-such-key").result == CancelResult::kNotFound);
  CHECK(f.service->pending() == 2);

  f.RunAt(kT0 + 1000);
  CHECK(f.Cancel("T", b).result == CancelResult::kAlreadyDelivered);

  f.Restart();
  CHECK(f.service->pending() == 1);
  CHECK(f.Cancel("T", c).result == CancelResult::kCancelled);
  f.Restart();
  f.RunAt(kT0 + 60'000);
  auto got = f.Read("T", 0);
  REQUIRE(got.size() == 1);
  CHECK(got[0].body == "b");
  CHECK(f.Cancel("T", a).result == CancelResult::kCancelled);
  CHECK(f.service->pending() == 0);
}

TEST_CASE("a stopped service answers cancels as unavailable") {
  DelayFixture f;
  f.service->Stop();
  std::optional<CancelOutcome> out;
  f.service->Cancel("T", "x", [&](CancelOutcome o) { out = o; });
  REQUIRE(out.has_value());
  CHECK(out->result == CancelResult::kUnavailable);
}

TEST_CASE("the service thread delivers on its own clock") {
  DelayFixture f;
  f.Send("T", 0, Props({{"TIMER_DELAY_MS", "50"}}), "threaded");
  f.store->Start();
  f.service->Start();
  f.clock.AdvanceMs(50);
  f.service->Wake();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (f.store->GetMaxOffset("T", QueueId(0)).value() < 1 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // waiting on an event, with a deadline
  }
  CHECK(f.store->GetMaxOffset("T", QueueId(0)).value() == 1);
  f.service->Stop();
}

}  // namespace
}  // namespace tern::delay
