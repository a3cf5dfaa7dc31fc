#include "broker/store/consume_queue.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include "broker/store/consume_queue_table.h"
#include "broker/store/store_format.h"
#include "test/util/temp_dir.h"

namespace tern::store {
namespace {

constexpr int kRecordSize = 100;

ConsumeQueue::Options Small(int64_t units = 4) {
  ConsumeQueue::Options o;
  o.units_per_file = units;
  return o;
}

std::unique_ptr<ConsumeQueue> OpenQueue(const std::string& dir, int64_t units = 4) {
  auto cq = ConsumeQueue::Open(FileIo::Default(), dir, "T", QueueId(0), Small(units));
  REQUIRE(cq.ok());
  return std::move(cq).value();
}

// Unit n points at a record at n * kRecordSize.
CqUnit UnitFor(int64_t n, int64_t tags = 0) {
  return {PhysicalOffset(n * kRecordSize), kRecordSize, tags};
}

void AppendRange(ConsumeQueue& cq, int64_t from, int64_t to) {
  for (int64_t n = from; n < to; ++n) {
    auto r = cq.Append(QueueOffset(n), UnitFor(n, n));
    REQUIRE(r.ok());
    REQUIRE(*r == ConsumeQueue::AppendOutcome::kAppended);
  }
}

size_t FileCount(const std::string& dir) {
  if (!std::filesystem::exists(dir)) return 0;
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    int64_t start;
    if (ParseSegmentFileName(e.path().filename().string(), &start)) ++n;
  }
  return n;
}

TEST_CASE("consume queue appends, reads and keeps min and max") {
  testing::TempDir tmp;
  auto cq = OpenQueue(tmp.Sub("q"));
  CHECK(cq->min_offset() == QueueOffset(0));
  CHECK(cq->max_offset() == QueueOffset(0));
  CHECK(cq->Read(QueueOffset(0), 10).units.empty());
  AppendRange(*cq, 0, 3);
  CHECK(cq->max_offset() == QueueOffset(3));
  CHECK(cq->max_physical_end() == PhysicalOffset(3 * kRecordSize));
  auto r = cq->Read(QueueOffset(1), 10);
  REQUIRE(r.units.size() == 2);
  CHECK(r.units[0] == UnitFor(1, 1));
  CHECK(r.units[1] == UnitFor(2, 2));
  CHECK(cq->ReadUnit(QueueOffset(3)) == std::nullopt);
}

TEST_CASE("consume queue ignores duplicate and older dispatch") {
  testing::TempDir tmp;
  auto cq = OpenQueue(tmp.Sub("q"));
  AppendRange(*cq, 0, 2);
  CHECK(cq->Append(QueueOffset(1), UnitFor(1)).value() ==
        ConsumeQueue::AppendOutcome::kDuplicate);
  // A new offset whose record is not past the last one is a re-dispatch too.
  CHECK(cq->Append(QueueOffset(2), UnitFor(1)).value() ==
        ConsumeQueue::AppendOutcome::kDuplicate);
  CHECK(cq->max_offset() == QueueOffset(2));
}

TEST_CASE("consume queue rolls to a new file at the file size and reads never span files") {
  testing::TempDir tmp;
  auto cq = OpenQueue(tmp.Sub("q"), 4);
  AppendRange(*cq, 0, 10);
  CHECK(FileCount(tmp.Sub("q")) == 3);
  CHECK(std::filesystem::exists(tmp.Sub("q") + "/" + SegmentFileName(4 * kCqUnitSize)));
  auto r = cq->Read(QueueOffset(2), 100);
  CHECK(r.units.size() == 2);  // stops at the end of the first file
  CHECK(cq->Read(QueueOffset(4), 100).units.size() == 4);
  CHECK(cq->Read(QueueOffset(8), 100).units.size() == 2);
  CHECK(cq->NextFileStart(QueueOffset(5)) == QueueOffset(8));
}

TEST_CASE("consume queue reopens with the same units") {
  testing::TempDir tmp;
  {
    auto cq = OpenQueue(tmp.Sub("q"), 4);
    AppendRange(*cq, 0, 6);
    REQUIRE(cq->Flush().ok());
  }
  auto cq = OpenQueue(tmp.Sub("q"), 4);
  CHECK(cq->min_offset() == QueueOffset(0));
  CHECK(cq->max_offset() == QueueOffset(6));
  CHECK(cq->max_physical_end() == PhysicalOffset(6 * kRecordSize));
  CHECK(cq->ReadUnit(QueueOffset(5)) == UnitFor(5, 5));
  AppendRange(*cq, 6, 9);
  CHECK(cq->max_offset() == QueueOffset(9));
}

TEST_CASE("a brand-new queue starting past zero fills placeholders and sets min") {
  testing::TempDir tmp;
  {
    auto cq = OpenQueue(tmp.Sub("q"), 4);
    REQUIRE(cq->Append(QueueOffset(6), UnitFor(6)).ok());
    CHECK(cq->min_offset() == QueueOffset(6));
    CHECK(cq->max_offset() == QueueOffset(7));
    // Only the file holding offset 6 exists; offsets 4 and 5 are placeholders.
    CHECK(FileCount(tmp.Sub("q")) == 1);
    CHECK(cq->Read(QueueOffset(4), 10).units.empty());  // below min
    CHECK(cq->ReadUnit(QueueOffset(6)) == UnitFor(6));
  }
  auto cq = OpenQueue(tmp.Sub("q"), 4);
  CHECK(cq->min_offset() == QueueOffset(6));
  CHECK(cq->max_offset() == QueueOffset(7));
}

TEST_CASE("a gap inside a queue is filled with placeholders") {
  testing::TempDir tmp;
  auto cq = OpenQueue(tmp.Sub("q"), 4);
  AppendRange(*cq, 0, 2);
  REQUIRE(cq->Append(QueueOffset(5), UnitFor(5)).ok());
  CHECK(cq->max_offset() == QueueOffset(6));
  auto gap = cq->ReadUnit(QueueOffset(3));
  REQUIRE(gap.has_value());
  CHECK(gap->IsPlaceholder());
  CHECK(cq->ReadUnit(QueueOffset(5)) == UnitFor(5));
}

TEST_CASE("consume queue search by time finds the lower and upper boundary") {
  testing::TempDir tmp;
  auto cq = OpenQueue(tmp.Sub("q"), 4);
  AppendRange(*cq, 0, 10);
  // Record n was stored at time 1000 + 10 * n; offsets 4 and 5 share a time.
  std::map<int64_t, int64_t> time_of;
  for (int64_t n = 0; n < 10; ++n) time_of[n * kRecordSize] = 1000 + 10 * n;
  time_of[5 * kRecordSize] = time_of[4 * kRecordSize];
  auto lookup = [&](const CqUnit& u) -> std::optional<int64_t> {
    return time_of.at(u.offset.value());
  };
  CHECK(cq->SearchOffsetByTime(1040, BoundaryType::kLower, lookup) == QueueOffset(4));
  CHECK(cq->SearchOffsetByTime(1040, BoundaryType::kUpper, lookup) == QueueOffset(5));
  CHECK(cq->SearchOffsetByTime(1035, BoundaryType::kLower, lookup) == QueueOffset(4));
  CHECK(cq->SearchOffsetByTime(1035, BoundaryType::kUpper, lookup) == QueueOffset(3));
  CHECK(cq->SearchOffsetByTime(0, BoundaryType::kLower, lookup) == QueueOffset(0));
  CHECK(cq->SearchOffsetByTime(0, BoundaryType::kUpper, lookup) == QueueOffset(0));
  CHECK(cq->SearchOffsetByTime(99999, BoundaryType::kLower, lookup) == QueueOffset(10));
  CHECK(cq->SearchOffsetByTime(99999, BoundaryType::kUpper, lookup) == QueueOffset(9));
}

TEST_CASE("consume queue truncation drops units at or past the log end, also after reopen") {
  testing::TempDir tmp;
  {
    auto cq = OpenQueue(tmp.Sub("q"), 4);
    AppendRange(*cq, 0, 10);
    REQUIRE(cq->TruncateFrom(PhysicalOffset(5 * kRecordSize + 1)).ok());
    CHECK(cq->max_offset() == QueueOffset(6));
    CHECK(cq->max_physical_end() == PhysicalOffset(6 * kRecordSize));
    CHECK(FileCount(tmp.Sub("q")) == 2);
    // Dispatch continues at the truncation point.
    AppendRange(*cq, 6, 7);
  }
  auto cq = OpenQueue(tmp.Sub("q"), 4);
  CHECK(cq->max_offset() == QueueOffset(7));
  REQUIRE(cq->TruncateFrom(PhysicalOffset(0)).ok());
  CHECK(cq->max_offset() == QueueOffset(0));
}

TEST_CASE("consume queue recovery stops at a torn unit") {
  testing::TempDir tmp;
  {
    auto cq = OpenQueue(tmp.Sub("q"), 8);
    AppendRange(*cq, 0, 5);
  }
  // Tear unit 3: size 0 makes it invalid, unit 4 after it is unreachable.
  {
    FILE* f = fopen((tmp.Sub("q") + "/" + SegmentFileName(0)).c_str(), "r+b");
    REQUIRE(f != nullptr);
    fseek(f, 3 * kCqUnitSize + kCqUnitSizePos, SEEK_SET);
    const char zero[4] = {0, 0, 0, 0};
    fwrite(zero, 1, 4, f);
    fclose(f);
  }
  auto cq = OpenQueue(tmp.Sub("q"), 8);
  CHECK(cq->max_offset() == QueueOffset(3));
  AppendRange(*cq, 3, 4);
  // The stale unit 4 was zeroed: a later recovery must not resurrect it.
  cq.reset();
  cq = OpenQueue(tmp.Sub("q"), 8);
  CHECK(cq->max_offset() == QueueOffset(4));
}

TEST_CASE("retention deletes whole files below the log min and moves min offset") {
  testing::TempDir tmp;
  auto cq = OpenQueue(tmp.Sub("q"), 4);
  AppendRange(*cq, 0, 10);
  // The log now starts at record 5: file [0,4) is wholly below, file [4,8) is not.
  auto deleted = cq->DeleteFilesBelow(PhysicalOffset(5 * kRecordSize));
  REQUIRE(deleted.ok());
  CHECK(*deleted == 1);
  CHECK(FileCount(tmp.Sub("q")) == 2);
  CHECK(cq->min_offset() == QueueOffset(5));
  auto r = cq->Read(QueueOffset(2), 4);
  CHECK(r.units.empty());
  // Everything gone but the last file, which is never deleted.
  REQUIRE(cq->DeleteFilesBelow(PhysicalOffset(100 * kRecordSize)).ok());
  CHECK(FileCount(tmp.Sub("q")) == 1);
  CHECK(cq->min_offset() == cq->max_offset());
}

TEST_CASE("consume queue table loads every queue and reports the furthest record") {
  testing::TempDir tmp;
  {
    ConsumeQueueTable table(FileIo::Default(), tmp.Sub("consumequeue"), Small(4));
    REQUIRE(table.Load().ok());
    auto a = table.FindOrCreate("A", QueueId(0));
    auto b = table.FindOrCreate("B", QueueId(3));
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    REQUIRE((*a)->Append(QueueOffset(0), UnitFor(0)).ok());
    REQUIRE((*b)->Append(QueueOffset(0), UnitFor(1)).ok());
    CHECK(table.Find("C", QueueId(0)) == nullptr);
    REQUIRE(table.FlushAll().ok());
  }
  ConsumeQueueTable table(FileIo::Default(), tmp.Sub("consumequeue"), Small(4));
  REQUIRE(table.Load().ok());
  CHECK(table.All().size() == 2);
  REQUIRE(table.Find("B", QueueId(3)) != nullptr);
  CHECK(table.MaxPhysicalEnd() == PhysicalOffset(2 * kRecordSize));
  REQUIRE(table.TruncateFrom(PhysicalOffset(kRecordSize)).ok());
  CHECK(table.Find("B", QueueId(3))->max_offset() == QueueOffset(0));
  CHECK(table.MaxPhysicalEnd() == PhysicalOffset(kRecordSize));
}

}  // namespace
}  // namespace tern::store
