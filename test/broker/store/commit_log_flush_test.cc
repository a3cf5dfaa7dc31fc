#include <doctest/doctest.h>

#include <atomic>
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

}  // namespace
}  // namespace tern::store
