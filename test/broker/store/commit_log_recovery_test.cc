#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "broker/store/commit_log.h"
#include "broker/store/store_format.h"
#include "broker/store/store_lock.h"
#include "test/broker/store/commit_log_test_util.h"

namespace tern::store {
namespace {

using testing::LogFixture;
using testing::TestMessage;

void PWriteAt(const std::string& path, int64_t offset, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::pwrite(fd, data.data(), data.size(), offset) == static_cast<ssize_t>(data.size()));
  ::close(fd);
}

std::string SegmentPath(const LogFixture& f, int64_t offset) {
  int64_t start = offset / f.options.segment_size * f.options.segment_size;
  return f.options.dir + "/" + SegmentFileName(start);
}

std::vector<PutResult> AppendN(LogFixture& f, int n, size_t body_size = 100) {
  std::vector<PutResult> out;
  for (int i = 0; i < n; ++i) {
    std::string body(body_size, static_cast<char>('a' + i % 26));
    PutResult r = f.log->Append(TestMessage("R", 0, body));
    REQUIRE(r.status == PutStatus::kPutOk);
    out.push_back(r);
  }
  return out;
}

TEST_CASE("clean shutdown starts without a scan") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);
  auto results = AppendN(f, 10);
  PhysicalOffset end = f.log->WrittenEnd();
  REQUIRE(f.log->Close().ok());
  f.Open(false);
  CHECK_FALSE(f.log->recovery_info().scanned);
  CHECK(f.log->WrittenEnd() == end);
  CHECK(f.log->recovery_info().recovered_end == end);
  CHECK(f.log->ReadRecord(results.back().offset).ok());
  PutResult next = f.log->Append(TestMessage("R", 0, "next"));
  CHECK(next.offset == end);
}

TEST_CASE("a segment whose creation was cut short by a crash is left as .tmp and removed") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);
  auto results = AppendN(f, 5);
  const PhysicalOffset end = f.log->WrittenEnd();
  REQUIRE(f.log->Close().ok());
  // What a kill during CreateFile leaves: the next segment's temporary file,
  // short (here empty), never the segment name itself.
  const std::string next = SegmentPath(f, f.options.segment_size);
  PWriteAt(next + ".tmp", 0, "");
  // The allocator starts preparing `next` (as next.tmp) as soon as the log is
  // open, so a leftover it never touches shows the removal at load.
  const std::string untouched = SegmentPath(f, 3 * f.options.segment_size);
  PWriteAt(untouched + ".tmp", 0, "");
  f.Open(/*crashed=*/true);
  CHECK(f.log->WrittenEnd() == end);
  CHECK(::access((untouched + ".tmp").c_str(), F_OK) != 0);
  CHECK(f.log->ReadRecord(results.back().offset).ok());
  // Rolling into that segment now creates it at full size.
  while (f.log->WrittenEnd().value() < f.options.segment_size) AppendN(f, 1, 1000);
  CHECK(f.log->Flush().ok());
  CHECK(::access(next.c_str(), F_OK) == 0);
  CHECK(::access((next + ".tmp").c_str(), F_OK) != 0);
}

TEST_CASE("torn tail is truncated on recovery") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);
  auto results = AppendN(f, 10);
  PhysicalOffset end = f.log->WrittenEnd();
  REQUIRE(f.log->Close().ok());
  f.log.reset();
  // A record cut short by a crash, followed by stray bytes further on.
  std::string rec;
  std::string body(500, 'z');  // MessageRecord borrows: keep it alive
  auto m = TestMessage("R", 0, body);
  m.physical_offset = end;
  protocol::AppendMessageRecord(m, &rec);
  PWriteAt(SegmentPath(f, end.value()), end.value() % f.options.segment_size,
           rec.substr(0, 300));
  PWriteAt(SegmentPath(f, end.value()), end.value() % f.options.segment_size + 5000, "garbage");

  f.Open(/*crashed=*/true);
  const RecoveryInfo& info = f.log->recovery_info();
  CHECK(info.scanned);
  CHECK(info.recovered_end == end);
  CHECK(info.records_scanned == 10);
  CHECK(info.truncated_bytes > 0);
  CHECK(f.log->WrittenEnd() == end);
  for (const auto& r : results) CHECK(f.log->ReadRecord(r.offset).ok());
  CHECK(f.log->ReadRecord(end).status().code() == StatusCode::kNotFound);
  // The stray bytes are gone: a new record and a second crash recover cleanly.
  PutResult next = f.log->Append(TestMessage("R", 0, "after crash"));
  CHECK(next.offset == end);
  REQUIRE(f.log->Close().ok());
  f.Open(true);
  CHECK(f.log->recovery_info().recovered_end == next.offset + next.bytes);
  CHECK(f.log->recovery_info().truncated_bytes == 0);
}

TEST_CASE("CRC corruption is detected on recovery") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);
  auto results = AppendN(f, 5);
  REQUIRE(f.log->Close().ok());
  f.log.reset();
  // Flip one body byte of the fourth record (body starts 88 bytes in for IPv4).
  int64_t at = results[3].offset.value() + 88 + 10;
  PWriteAt(SegmentPath(f, at), at % f.options.segment_size, "#");
  f.Open(true);
  CHECK(f.log->recovery_info().recovered_end == results[3].offset);
  CHECK(f.log->ReadRecord(results[2].offset).ok());
  CHECK_FALSE(f.log->ReadRecord(results[3].offset).ok());
}

TEST_CASE("later segments past a torn tail are deleted") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);
  auto results = AppendN(f, 100, 1000);  // about one and a half segments
  REQUIRE(results.back().offset.value() >= f.options.segment_size);
  REQUIRE(f.log->Close().ok());
  f.log.reset();
  // Corrupt the first record of the second segment (the checkpointed one).
  const PutResult* victim = nullptr;
  for (const auto& r : results) {
    if (r.offset.value() == f.options.segment_size) victim = &r;
  }
  REQUIRE(victim != nullptr);
  PWriteAt(SegmentPath(f, victim->offset.value()), 4, "\x11\x22\x33\x44");  // magic
  // A stray segment after the log (e.g. pre-created before the crash).
  PWriteAt(f.options.dir + "/" + SegmentFileName(3 * f.options.segment_size), 0, "x");
  truncate((f.options.dir + "/" + SegmentFileName(3 * f.options.segment_size)).c_str(),
           f.options.segment_size);
  PWriteAt(f.options.dir + "/" + SegmentFileName(2 * f.options.segment_size), 0, "y");
  truncate((f.options.dir + "/" + SegmentFileName(2 * f.options.segment_size)).c_str(),
           f.options.segment_size);

  f.Open(true);
  const RecoveryInfo& info = f.log->recovery_info();
  CHECK(info.recovered_end == victim->offset);
  CHECK(info.scan_start == PhysicalOffset(f.options.segment_size));
  CHECK(info.segments_deleted == 2);
  CHECK(f.log->ListSegments().size() == 2);
  CHECK(f.log->ReadRecord(results[0].offset).ok());
  CHECK(f.log->Append(TestMessage("R", 0, "again")).offset == victim->offset);
}

TEST_CASE("missing checkpoint after a crash scans the last segments") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);
  auto results = AppendN(f, 20);
  PhysicalOffset end = f.log->WrittenEnd();
  REQUIRE(f.log->Close().ok());
  f.log.reset();
  f.checkpoint.reset();
  REQUIRE(::unlink((dir.path() + "/checkpoint").c_str()) == 0);
  f.Open(true);
  CHECK(f.log->recovery_info().scanned);
  CHECK(f.log->recovery_info().recovered_end == end);
}

TEST_CASE("store lock excludes a second opener and tracks the abort marker") {
  tern::testing::TempDir dir;
  auto a = StoreLock::Acquire(dir.path());
  REQUIRE(a.ok());
  CHECK_FALSE((*a)->previous_run_crashed());
  REQUIRE((*a)->CreateAbortMarker().ok());
  auto b = StoreLock::Acquire(dir.path());  // a second open file description: flock conflicts
  CHECK(b.status().code() == StatusCode::kUnavailable);
  a->reset();  // "crash": the marker stays
  auto c = StoreLock::Acquire(dir.path());
  REQUIRE(c.ok());
  CHECK((*c)->previous_run_crashed());
  REQUIRE((*c)->RemoveAbortMarker().ok());
  c->reset();
  auto d = StoreLock::Acquire(dir.path());
  REQUIRE(d.ok());
  CHECK_FALSE((*d)->previous_run_crashed());
}

}  // namespace
}  // namespace tern::store
