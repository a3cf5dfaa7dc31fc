#include "broker/store/retention.h"

#include <doctest/doctest.h>

#include <ctime>

#include "broker/store/fault_file_io.h"
#include "test/broker/store/commit_log_test_util.h"

namespace tern::store {
namespace {

using testing::LogFixture;
using testing::TestMessage;

constexpr int64_t kHourMs = 3600 * 1000;

int LocalHour(int64_t ms) {
  time_t s = static_cast<time_t>(ms / 1000);
  struct tm t{};
  localtime_r(&s, &t);
  return t.tm_hour;
}

// The first instant at or after `ms` whose local hour is `hour`.
int64_t NextLocalHour(int64_t ms, int hour) {
  while (LocalHour(ms) != hour) ms += kHourMs;
  return ms;
}

// Fills three full segments and starts a fourth, all at clock time `clock`.
void FillSegments(LogFixture& f) {
  std::string body(20000, 'r');
  while (f.log->ListSegments().size() < 4) {
    REQUIRE(f.log->Append(TestMessage("Ret", 0, body)).status == PutStatus::kPutOk);
  }
}

TEST_CASE("retention deletes expired segments at the delete hour only") {
  tern::testing::TempDir dir;
  FaultInjectingFileIo io;
  io.SetDiskUsageRatio(0.10);
  ManualClock clock(NextLocalHour(1700000000000, 10));
  LogFixture f(dir.path(), io);
  f.Open(false, clock);
  FillSegments(f);
  CommitLogRetention retention(*f.log, io, clock, RetentionOptions{});

  // Expired but not the delete hour: nothing happens.
  int64_t later = NextLocalHour(clock.NowMs() + 73 * kHourMs, 5);
  auto r = retention.RunOnce(later);
  REQUIRE(r.ok());
  CHECK(r->deleted == 0);
  // Delete hour but not yet expired: nothing happens.
  r = retention.RunOnce(NextLocalHour(clock.NowMs(), 4));
  REQUIRE(r.ok());
  CHECK(r->deleted == 0);
  // Expired at 04: every segment but the active one goes, min offset rises.
  r = retention.RunOnce(NextLocalHour(clock.NowMs() + 72 * kHourMs, 4));
  REQUIRE(r.ok());
  CHECK(r->deleted == 3);
  CHECK(f.log->ListSegments().size() == 1);
  CHECK(f.log->ListSegments()[0].active);
  CHECK(r->min_offset == PhysicalOffset(3 * f.options.segment_size));
  CHECK(f.log->MinOffset() == r->min_offset);
  CHECK_FALSE(io.Exists(f.options.dir + "/00000000000000000000"));
  // The log keeps working.
  CHECK(f.log->Append(TestMessage("Ret", 0, "after")).status == PutStatus::kPutOk);
}

TEST_CASE("retention deletes at any hour under disk pressure and forcibly above the force ratio") {
  tern::testing::TempDir dir;
  FaultInjectingFileIo io;
  ManualClock clock(NextLocalHour(1700000000000, 10));
  LogFixture f(dir.path(), io);
  f.Open(false, clock);
  FillSegments(f);
  CommitLogRetention retention(*f.log, io, clock, RetentionOptions{});
  // Above 75%: expired segments go at any hour; nothing is expired yet.
  io.SetDiskUsageRatio(0.80);
  auto r = retention.RunOnce(clock.NowMs() + kHourMs);
  REQUIRE(r.ok());
  CHECK(r->deleted == 0);
  // Above 85%: the oldest go even though unexpired, never the active one.
  io.SetDiskUsageRatio(0.90);
  r = retention.RunOnce(clock.NowMs() + kHourMs);
  REQUIRE(r.ok());
  CHECK(r->forced);
  CHECK(r->deleted == 3);
  CHECK(f.log->ListSegments().size() == 1);
}

TEST_CASE("delete hour list accepts several hours") {
  int64_t t = NextLocalHour(1700000000000, 4);
  CHECK(CommitLogRetention::IsDeleteHour("04", t));
  CHECK(CommitLogRetention::IsDeleteHour("01;04;23", t));
  CHECK_FALSE(CommitLogRetention::IsDeleteHour("05", t));
  CHECK_FALSE(CommitLogRetention::IsDeleteHour("", t));
}

}  // namespace
}  // namespace tern::store
