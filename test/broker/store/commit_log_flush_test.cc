#include <doctest/doctest.h>

#include <atomic>
#include <cctype>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/store/commit_log.h"
#include "broker/store/fault_file_io.h"
#include "test/broker/store/commit_log_test_util.h"

namespace tern::store {
namespace {

using testing::LogFixture;
using testing::TestMessage;

TEST_CASE("sync flush acknowledges only after the flush covers the record") {
  tern::testing::TempDir dir;
  FaultInjectingFileIo io;
  LogFixture f(dir.path(), io);
  f.options.flush_mode = FlushMode::kSync;
  f.Open(false);
  io.HoldSyncs();
  std::atomic<bool> acked{false};
  PutResult result;
  std::thread writer([&] {
    result = f.log->Append(TestMessage("F", 0, "durable"));
    acked = true;
  });
  REQUIRE(io.WaitForHeldSync(10000));  // the group commit is inside msync
  CHECK_FALSE(acked.load());
  CHECK(f.log->FlushedEnd() == PhysicalOffset(0));
  io.ReleaseSyncs();
  writer.join();
  CHECK(result.status == PutStatus::kPutOk);
  CHECK(f.log->FlushedEnd().value() >= result.offset.value() + result.bytes);
}

TEST_CASE("group commit completes many waiters") {
  tern::testing::TempDir dir;
  FaultInjectingFileIo io;
  LogFixture f(dir.path(), io);
  f.options.flush_mode = FlushMode::kSync;
  f.Open(false);
  int syncs_before = io.sync_count();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (f.log->Append(TestMessage("G", 0, "x")).status == PutStatus::kPutOk) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok.load() == 400);
  CHECK(f.log->FlushedEnd() == f.log->WrittenEnd());
  MESSAGE("syncs for 400 appends: " << io.sync_count() - syncs_before);
  CHECK(io.sync_count() - syncs_before <= 400);
}

TEST_CASE("a flush past its timeout answers FLUSH_DISK_TIMEOUT") {
  tern::testing::TempDir dir;
  FaultInjectingFileIo io;
  ManualClock clock;
  LogFixture f(dir.path(), io);
  f.options.flush_mode = FlushMode::kSync;
  f.options.sync_flush_timeout_ms = 5000;
  f.Open(false, clock);
  io.HoldSyncs();
  PutResult result;
  std::thread writer([&] { result = f.log->Append(TestMessage("F", 0, "slow")); });
  REQUIRE(io.WaitForHeldSync(10000));
  clock.AdvanceMs(6000);
  io.ReleaseSyncs();
  writer.join();
  CHECK(result.status == PutStatus::kFlushDiskTimeout);
  CHECK(result.stored());
  CHECK(f.log->ReadRecord(result.offset).ok());
}

TEST_CASE("a failed sync makes every later append fail with the same status") {
  tern::testing::TempDir dir;
  FaultInjectingFileIo io;
  LogFixture f(dir.path(), io);
  f.options.flush_mode = FlushMode::kSync;
  f.Open(false);
  CHECK(f.log->Append(TestMessage("E", 0, "ok")).status == PutStatus::kPutOk);
  io.FailSyncs(Status::IoError("injected EIO"));
  PutResult failed = f.log->Append(TestMessage("E", 0, "lost"));
  CHECK(failed.status == PutStatus::kUnknownError);
  CHECK(failed.error.message().find("injected EIO") != std::string::npos);
  io.FailSyncs(Status::Ok());  // the disk "recovers": the log must stay failed
  for (int i = 0; i < 3; ++i) {
    PutResult r = f.log->Append(TestMessage("E", 0, "after"));
    CHECK(r.status == PutStatus::kServiceNotAvailable);
    CHECK(r.error.message().find("injected EIO") != std::string::npos);
  }
  CHECK(f.log->sticky_error().code() == StatusCode::kIoError);
}

TEST_CASE("a failed write makes the log refuse appends") {
  tern::testing::TempDir dir;
  FaultInjectingFileIo io;
  LogFixture f(dir.path(), io);
  f.Open(false);
  io.FailWrites(Status::IoError("injected write failure"));
  CHECK(f.log->Append(TestMessage("W", 0, "x")).status == PutStatus::kUnknownError);
  io.FailWrites(Status::Ok());
  PutResult r = f.log->Append(TestMessage("W", 0, "y"));
  CHECK(r.status == PutStatus::kServiceNotAvailable);
  CHECK(r.error.message().find("injected write failure") != std::string::npos);
  CHECK(f.log->WrittenEnd() == PhysicalOffset(0));
}

TEST_CASE("a full disk refuses appends until space returns") {
  tern::testing::TempDir dir;
  FaultInjectingFileIo io;
  LogFixture f(dir.path(), io);
  f.options.disk_full_ratio = 0.90;
  f.Open(false);
  CHECK(f.log->Append(TestMessage("D", 0, "x")).status == PutStatus::kPutOk);
  io.SetDiskUsageRatio(0.95);
  CHECK(f.log->CheckDiskSpace());
  PutResult r = f.log->Append(TestMessage("D", 0, "y"));
  CHECK(r.status == PutStatus::kServiceNotAvailable);
  CHECK(r.error.code() == StatusCode::kResourceExhausted);
  io.SetDiskUsageRatio(0.5);
  CHECK_FALSE(f.log->CheckDiskSpace());
  CHECK(f.log->Append(TestMessage("D", 0, "z")).status == PutStatus::kPutOk);
}

TEST_CASE("segment creation failure answers CREATE_MAPPED_FILE_FAILED and is not sticky") {
  tern::testing::TempDir dir;
  FaultInjectingFileIo io;
  LogFixture f(dir.path(), io);
  f.Open(false);
  io.FailCreates(Status::ResourceExhausted("injected ENOSPC"));
  std::string body(20000, 'c');
  // Three records fill a 64 KiB segment; the allocator may already have made
  // the second segment, so creation fails at the second or the third.
  PutStatus last = PutStatus::kPutOk;
  for (int i = 0; i < 10 && last == PutStatus::kPutOk; ++i) {
    last = f.log->Append(TestMessage("C", 0, body)).status;
  }
  CHECK(last == PutStatus::kCreateMappedFileFailed);
  io.FailCreates(Status::Ok());
  CHECK(f.log->Append(TestMessage("C", 0, body)).status == PutStatus::kPutOk);
  CHECK(f.log->sticky_error().ok());
}

TEST_CASE("Flush makes everything written durable in async mode") {
  tern::testing::TempDir dir;
  FaultInjectingFileIo io;
  LogFixture f(dir.path(), io);
  f.options.flush_interval_ms = 60000;  // the background thread stays out of the way
  f.Open(false);
  PutResult r = f.log->Append(TestMessage("A", 0, "async"));
  CHECK(r.status == PutStatus::kPutOk);  // answered without waiting for a flush
  int before = io.sync_count();
  REQUIRE(f.log->Flush().ok());
  CHECK(io.sync_count() > before);
  CHECK(f.log->FlushedEnd() == f.log->WrittenEnd());
  CHECK(f.checkpoint->commit_log_flushed() == f.log->WrittenEnd());
}

// ---- SYNC_FLUSH stages records and writes them with pwrite in the flush pass ----

TEST_CASE("sync flush: a record is not readable before the flush pass writes it to the file") {
  tern::testing::TempDir dir;
  FaultInjectingFileIo io;
  LogFixture f(dir.path(), io);
  f.options.flush_mode = FlushMode::kSync;
  f.Open(false);
  io.FailWrites(Status::IoError("injected pwrite failure"));
  PutResult r = f.log->Append(TestMessage("S", 0, "never written"));
  CHECK(r.status == PutStatus::kUnknownError);
  CHECK(r.error.message().find("injected pwrite failure") != std::string::npos);
  CHECK(f.log->WrittenEnd() == PhysicalOffset(0));  // readers never saw it
  CHECK_FALSE(f.log->ReadRecord(PhysicalOffset(0)).ok());
  io.FailWrites(Status::Ok());
  PutResult after = f.log->Append(TestMessage("S", 0, "after"));
  CHECK(after.status == PutStatus::kServiceNotAvailable);
  CHECK(after.error.message().find("injected pwrite failure") != std::string::npos);
}

TEST_CASE("sync flush: an append that does not wait still reaches the file and the readers") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.options.flush_mode = FlushMode::kSync;
  f.options.flush_interval_ms = 60000;  // only the wake-up can trigger the pass
  f.Open(false);
  PutResult r = f.log->Append(TestMessage("N", 0, "no wait"), /*wait_for_flush=*/false);
  REQUIRE(r.status == PutStatus::kPutOk);
  // WaitForData returns as soon as the flush pass publishes the record.
  CHECK(f.log->WaitForData(PhysicalOffset(0), std::chrono::seconds(10)));
  auto view = f.log->ReadRecord(r.offset);
  REQUIRE(view.ok());
  CHECK(protocol::DecodeMessageRecord(view->data(), true)->body == "no wait");
}

TEST_CASE("sync flush: a small staging ring wraps many times across segment rolls") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.options.flush_mode = FlushMode::kSync;
  f.options.max_body_size = 8 * 1024;
  f.options.stage_bytes = 16 * 1024;  // a few records per ring turn, 64 KiB segments
  f.Open(false);
  std::vector<PutResult> results;
  std::vector<std::string> bodies;
  std::vector<std::thread> threads;
  std::mutex mu;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 60; ++i) {
        std::string body(static_cast<size_t>(500 + (i * 97 + t * 31) % 3000), static_cast<char>('a' + t));
        body += std::to_string(i);
        bool wait = i % 3 != 0;  // a mix of waiting and not waiting appends
        PutResult r = f.log->Append(TestMessage("W", t, body), wait);
        std::lock_guard<std::mutex> l(mu);
        results.push_back(r);
        bodies.push_back(body);
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(f.log->Flush().ok());
  REQUIRE(results.size() == 240);
  CHECK(f.log->WrittenEnd().value() > 3 * 64 * 1024);  // several segments
  for (size_t i = 0; i < results.size(); ++i) {
    REQUIRE(results[i].status == PutStatus::kPutOk);
    auto view = f.log->ReadRecord(results[i].offset);
    REQUIRE_MESSAGE(view.ok(), view.status().ToString());
    auto rec = protocol::DecodeMessageRecord(view->data(), true);
    REQUIRE(rec.ok());
    CHECK(rec->body == bodies[i]);
  }
  // What the files hold after a reopen (no staging involved) is the same.
  PhysicalOffset end = f.log->WrittenEnd();
  f.Open(true);
  CHECK(f.log->WrittenEnd() == end);
  CHECK(f.log->recovery_info().truncated_bytes == 0);
}

TEST_CASE("sync flush: a record larger than the staging ring is refused") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.options.flush_mode = FlushMode::kSync;
  f.options.max_body_size = 32 * 1024;
  f.options.stage_bytes = 8 * 1024;
  f.Open(false);
  PutResult r = f.log->Append(TestMessage("B", 0, std::string(10000, 'b')));
  CHECK(r.status == PutStatus::kMessageIllegal);
  CHECK(r.error.message().find("staging") != std::string::npos);
  CHECK(f.log->Append(TestMessage("B", 0, "small")).status == PutStatus::kPutOk);
}

// Resident KiB of this process's mapping of `path` (/proc/self/smaps), 0 if not mapped.
int64_t ResidentKiB(const std::string& path) {
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool in_mapping = false;
  int64_t total = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) &&
        line.find('-') != std::string::npos && line.find(' ') != std::string::npos) {
      in_mapping = line.size() >= path.size() &&
                   line.compare(line.size() - path.size(), path.size(), path) == 0;
    } else if (in_mapping && line.rfind("Rss:", 0) == 0) {
      total += std::stoll(line.substr(4));
    }
  }
  return total;
}

// Reads the record at `at` through the mapping, touching every page of it;
// returns its size.
int64_t ReadAndTouch(LogFixture& f, int64_t at, uint64_t* sum) {
  auto view = f.log->ReadRecord(PhysicalOffset(at));
  REQUIRE(view.ok());
  for (size_t i = 0; i < view->size(); i += 512) *sum += static_cast<unsigned char>(view->data()[i]);
  return static_cast<int64_t>(view->size());
}

// A log of one 16 MiB segment (the trim tests fill 12 MiB of it) that keeps
// `window` bytes mapped behind the written end (0: no window).
void OpenWithWindow(LogFixture& f, int64_t window) {
  f.options.segment_size = 16 * 1024 * 1024;
  f.options.resident_window_bytes = window;
  f.Open(false);
}

// Appends 12 MiB of records to a fresh log, then flushes; returns the first.
// With `read_back` each record is read through the mapping right after it is
// appended (as a dispatch thread that keeps up does: the writer itself never
// maps pages, it writes with pwrite).
PutResult FillTwelveMiB(LogFixture& f, const std::string& body, bool read_back) {
  PutResult first;
  uint64_t sum = 0;
  while (f.log->WrittenEnd().value() < 12 * 1024 * 1024) {
    PutResult r = f.log->Append(TestMessage("R", 0, body));
    REQUIRE(r.status == PutStatus::kPutOk);
    if (first.status != PutStatus::kPutOk) first = r;
    if (read_back) ReadAndTouch(f, r.offset.value(), &sum);
  }
  CHECK((sum > 0) == read_back);
  REQUIRE(f.log->Flush().ok());
  return first;
}

TEST_CASE("pages far behind the written end leave the process's page tables") {
  const std::string body(4000, 'r');
  const std::string segment = "/commitlog/00000000000000000000";
  // Control: without a window every page read stays mapped.
  tern::testing::TempDir control_dir;
  LogFixture control(control_dir.path());
  OpenWithWindow(control, 0);
  FillTwelveMiB(control, body, /*read_back=*/true);
  CHECK(ResidentKiB(control_dir.path() + segment) >= 11 * 1024);

  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  OpenWithWindow(f, 1024 * 1024);
  PutResult first = FillTwelveMiB(f, body, /*read_back=*/true);
  const int64_t after = ResidentKiB(dir.path() + segment);
  CHECK(after <= 1024 + 64);  // the window (1 MiB) and a page or two
  // Nothing is lost: an old record reads back (its pages are mapped again).
  auto view = f.log->ReadRecord(first.offset);
  REQUIRE(view.ok());
  CHECK(protocol::DecodeMessageRecord(view->data(), true)->body == body);
  CHECK(ResidentKiB(dir.path() + segment) > after);
}

TEST_CASE("a reader far behind the written end has its pages dropped as it moves on") {
  const std::string body(4000, 'r');
  const std::string segment = "/commitlog/00000000000000000000";
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  OpenWithWindow(f, 1024 * 1024);
  // Appends outrun the reader: 12 MiB written before it reads anything (the
  // flush passes meanwhile trim behind the written end, where nothing is mapped).
  PutResult first = FillTwelveMiB(f, body, /*read_back=*/false);
  // The reader maps every record as it goes and reports where it is.
  int64_t peak = 0;
  uint64_t sum = 0;
  for (int64_t at = first.offset.value(); at < f.log->WrittenEnd().value();) {
    at += ReadAndTouch(f, at, &sum);
    f.log->TrimBehindReader(PhysicalOffset(at));
    if (at % (1024 * 1024) < 4096) peak = std::max(peak, ResidentKiB(dir.path() + segment));
  }
  CHECK(sum > 0);
  CHECK(peak > 0);
  CHECK(peak <= 2 * 1024 + 64);  // the window, one step of it, and a page or two
}

}  // namespace
}  // namespace tern::store
