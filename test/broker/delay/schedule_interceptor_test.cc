#include "broker/delay/schedule_interceptor.h"

#include <doctest/doctest.h>

#include "broker/delay/delay_format.h"
#include "broker/delay/message_rebuild.h"
#include "src/protocol/message_properties.h"
#include "test/broker/delay/delay_fixture.h"

namespace tern::delay {
namespace {

using testing::kT0;
using testing::Props;
using Kind = InterceptResult::Kind;

struct Msg {
  std::string topic = "T";
  QueueId queue{3};
  std::string props;
  InterceptResult Run(const ScheduleInterceptor& i, int64_t now = kT0) {
    return i.Intercept(&topic, &queue, &props, now);
  }
  std::optional<std::string> Prop(std::string_view k) const {
    auto v = protocol::FindProperty(props, k);
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
  }
};

ScheduleInterceptor Make() { return ScheduleInterceptor(ScheduleOptions{}); }

TEST_CASE("a message without schedule properties is left alone") {
  auto i = Make();
  Msg m{.props = Props({{"TAGS", "a"}, {"KEYS", "k"}})};
  const std::string before = m.props;
  CHECK(m.Run(i).kind == Kind::kUnchanged);
  CHECK(m.props == before);
  CHECK(m.topic == "T");
}

TEST_CASE("a delay level goes to SCHEDULE_TOPIC_XXXX queue level-1 with REAL_TOPIC and REAL_QID") {
  auto i = Make();
  Msg m{.props = Props({{"DELAY", "3"}, {"TAGS", "a"}})};
  InterceptResult r = m.Run(i);
  CHECK(r.kind == Kind::kScheduledLevel);
  CHECK(r.due_ms == kT0 + 10'000);
  CHECK(m.topic == "SCHEDULE_TOPIC_XXXX");
  CHECK(m.queue.value() == 2);
  CHECK(m.Prop("REAL_TOPIC") == "T");
  CHECK(m.Prop("REAL_QID") == "3");
  CHECK(m.Prop("DELAY") == "3");
  CHECK(m.Prop("TAGS") == "a");
}

TEST_CASE("levels above the table clamp to the last; zero and negative mean no delay") {
  auto i = Make();
  Msg high{.props = Props({{"DELAY", "40"}})};
  CHECK(high.Run(i).kind == Kind::kScheduledLevel);
  CHECK(high.queue.value() == 17);
  CHECK(high.Prop("DELAY") == "18");
  Msg zero{.props = Props({{"DELAY", "0"}})};
  CHECK(zero.Run(i).kind == Kind::kUnchanged);
  CHECK(zero.topic == "T");
  Msg neg{.props = Props({{"DELAY", "-1"}})};
  CHECK(neg.Run(i).kind == Kind::kUnchanged);
}

TEST_CASE("the delay level wins over timer properties, which are removed") {
  auto i = Make();
  Msg m{.props = Props({{"DELAY", "1"}, {"TIMER_DELAY_SEC", "100"}, {"TIMER_DELIVER_MS", "5"}})};
  CHECK(m.Run(i).kind == Kind::kScheduledLevel);
  CHECK_FALSE(m.Prop("TIMER_DELAY_SEC"));
  CHECK_FALSE(m.Prop("TIMER_DELIVER_MS"));
}

TEST_CASE("timer properties: absolute, relative seconds and ms, start-deliver-time, precedence") {
  auto i = Make();
  Msg abs{.props = Props({{"TIMER_DELIVER_MS", std::to_string(kT0 + 1234)}})};
  InterceptResult r = abs.Run(i);
  CHECK(r.kind == Kind::kScheduledTimer);
  CHECK(r.due_ms == kT0 + 1234);
  CHECK(abs.topic == kTimerTopic);
  CHECK(abs.queue.value() == 0);
  CHECK(abs.Prop("TIMER_OUT_MS") == std::to_string(kT0 + 1234));
  CHECK(abs.Prop("REAL_TOPIC") == "T");

  Msg sec{.props = Props({{"TIMER_DELAY_SEC", "7"}})};
  CHECK(sec.Run(i).due_ms == kT0 + 7000);
  Msg ms{.props = Props({{"TIMER_DELAY_MS", "250"}})};
  CHECK(ms.Run(i).due_ms == kT0 + 250);
  Msg ons{.props = Props({{"__STARTDELIVERTIME", std::to_string(kT0 + 99)}})};
  CHECK(ons.Run(i).due_ms == kT0 + 99);
  // DELAY_SEC, then DELAY_MS, then DELIVER_MS (features.md §6).
  Msg all{.props = Props({{"TIMER_DELIVER_MS", std::to_string(kT0 + 5)},
                          {"TIMER_DELAY_MS", "300"},
                          {"TIMER_DELAY_SEC", "2"}})};
  CHECK(all.Run(i).due_ms == kT0 + 2000);
  Msg two{.props = Props({{"TIMER_DELIVER_MS", std::to_string(kT0 + 5)}, {"TIMER_DELAY_MS", "300"}})};
  CHECK(two.Run(i).due_ms == kT0 + 300);
}

TEST_CASE("a delivery time in the past is delivered now, without the timer properties") {
  auto i = Make();
  Msg m{.props = Props({{"TIMER_DELIVER_MS", std::to_string(kT0 - 1)}, {"KEYS", "k"}})};
  CHECK(m.Run(i).kind == Kind::kDeliverNow);
  CHECK(m.topic == "T");
  CHECK(m.queue.value() == 3);
  CHECK_FALSE(m.Prop("TIMER_DELIVER_MS"));
  CHECK_FALSE(m.Prop("REAL_TOPIC"));
  CHECK(m.Prop("KEYS") == "k");
  Msg now{.props = Props({{"TIMER_DELAY_MS", "0"}})};
  CHECK(now.Run(i).kind == Kind::kDeliverNow);
}

TEST_CASE("beyond the horizon or unparsable is illegal with a clear remark") {
  ScheduleOptions o;
  o.max_delay_ms = 40LL * 24 * 3600 * 1000;
  ScheduleInterceptor i(o);
  Msg far{.props = Props({{"TIMER_DELIVER_MS", std::to_string(kT0 + o.max_delay_ms + 1)}})};
  InterceptResult r = far.Run(i);
  CHECK(r.kind == Kind::kIllegal);
  CHECK(r.remark.find("beyond the maximum delay") != std::string::npos);
  CHECK(r.remark.find("40 days") != std::string::npos);
  Msg edge{.props = Props({{"TIMER_DELIVER_MS", std::to_string(kT0 + o.max_delay_ms)}})};
  CHECK(edge.Run(i).kind == Kind::kScheduledTimer);
  Msg bad{.props = Props({{"TIMER_DELAY_SEC", "soon"}})};
  InterceptResult b = bad.Run(i);
  CHECK(b.kind == Kind::kIllegal);
  CHECK(b.remark.find("TIMER_DELAY_SEC") != std::string::npos);
  Msg huge{.props = Props({{"TIMER_DELAY_SEC", "9223372036854775807"}})};
  CHECK(huge.Run(i).kind == Kind::kIllegal);
  Msg level{.props = Props({{"DELAY", "x"}})};
  CHECK(level.Run(i).kind == Kind::kIllegal);
}

TEST_CASE("messages already on a schedule topic or with TIMER_OUT_MS are not intercepted again") {
  auto i = Make();
  Msg sched{.topic = "SCHEDULE_TOPIC_XXXX", .props = Props({{"DELAY", "2"}})};
  CHECK(sched.Run(i).kind == Kind::kUnchanged);
  CHECK(sched.topic == "SCHEDULE_TOPIC_XXXX");
  Msg out{.props = Props({{"TIMER_OUT_MS", "5"}, {"TIMER_DELAY_SEC", "5"}})};
  CHECK(out.Run(i).kind == Kind::kUnchanged);
  CHECK(out.topic == "T");
}

TEST_CASE("an entry marker from outside is stripped") {
  auto i = Make();
  Msg m{.props = Props({{std::string(kEntryProperty), "3:9"}, {"KEYS", "k"}})};
  CHECK(m.Run(i).kind == Kind::kUnchanged);
  CHECK_FALSE(m.Prop(kEntryProperty));
  CHECK(m.Prop("KEYS") == "k");
}

TEST_CASE("entry ids format and parse") {
  EntryId id{kTimerSource, 123456789};
  CHECK(ParseEntry(FormatEntry(id)) == id);
  CHECK(EntryId::Unpack(id.Packed()) == id);
  CHECK_FALSE(ParseEntry("x:1"));
  CHECK_FALSE(ParseEntry("300:1"));
  CHECK_FALSE(ParseEntry("1:"));
}

}  // namespace
}  // namespace tern::delay
