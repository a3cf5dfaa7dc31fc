// The real kill -9 test: a child process (crash_writer.cc) appends with sync
// flush and prints every acknowledged (offset, id); it is killed with SIGKILL
// at random points, and after each kill the store is reopened here and every
// acknowledged record must be readable with its exact content, with nothing
// invalid past the recovered end.
#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <climits>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "broker/store/checkpoint.h"
#include "broker/store/commit_log.h"
#include "broker/store/store_lock.h"
#include "test/broker/store/crash_payload.h"
#include "test/util/child_process.h"
#include "test/util/temp_dir.h"

namespace tern::store {
namespace {

std::string WriterPath() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  REQUIRE(n > 0);
  std::string self(buf, static_cast<size_t>(n));
  return self.substr(0, self.rfind('/')) + "/store_crash_writer";
}

// Parses "ACK <offset> <id>" lines into offset -> id.
void ParseAcks(const std::string& out, std::map<int64_t, int64_t>* acks) {
  std::istringstream in(out);
  std::string word;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    long long offset = 0, id = 0;
    if (l >> word && word == "ACK" && l >> offset >> id) (*acks)[offset] = id;
  }
}

TEST_CASE("every acknowledged message survives kill -9") {
  tern::testing::TempDir dir;
  const std::string writer = WriterPath();
  REQUIRE_MESSAGE(::access(writer.c_str(), X_OK) == 0, "missing " << writer);
  const int64_t segment_size = 256 * 1024;
  std::mt19937 rng(std::random_device{}());
  std::map<int64_t, int64_t> acks;  // every ack of every round
  int64_t next_id = 0;
  for (int round = 0; round < 5; ++round) {
    auto child = tern::testing::ChildProcess::Start(
        {writer, dir.path(), std::to_string(segment_size), std::to_string(next_id), "4"},
        dir.Sub("writer.log"));
    REQUIRE(child.ok());
    auto ready = child->WaitForLine("READY", 20000);
    REQUIRE_MESSAGE(ready.ok(), tern::testing::ReadFile(dir.Sub("writer.log")));
    int wait_acks = std::uniform_int_distribution<int>(1, 400)(rng);
    for (int i = 0; i < wait_acks; ++i) {
      REQUIRE_MESSAGE(child->WaitForLine("ACK", 20000).ok(),
                      tern::testing::ReadFile(dir.Sub("writer.log")));
    }
    REQUIRE(child->Signal(SIGKILL).ok());
    auto rest = child->ReadAll(20000);
    REQUIRE(rest.ok());
    size_t before = acks.size();
    ParseAcks(child->output(), &acks);
    REQUIRE(acks.size() > before);
    REQUIRE(child->Wait(20000).ok());
    next_id += 1000000;

    // Reopen as the broker would after a crash and check every ack.
    auto lock = StoreLock::Acquire(dir.path());
    REQUIRE(lock.ok());
    CHECK((*lock)->previous_run_crashed());
    auto cp = Checkpoint::Open(FileIo::Default(), dir.Sub("checkpoint"));
    REQUIRE(cp.ok());
    CommitLogOptions o;
    o.dir = dir.Sub("commitlog");
    o.segment_size = segment_size;
    auto log = CommitLog::Open(o, FileIo::Default(), **cp, true, SystemClock::Instance());
    REQUIRE_MESSAGE(log.ok(), log.status().ToString());
    for (const auto& [offset, id] : acks) {
      auto view = (*log)->ReadRecord(PhysicalOffset(offset));
      REQUIRE_MESSAGE(view.ok(), "ack at " << offset << ": " << view.status().ToString());
      auto rec = protocol::DecodeMessageRecord(view->data(), true);
      REQUIRE(rec.ok());
      CHECK(rec->body == testing::CrashPayload(id));
      CHECK(rec->physical_offset == PhysicalOffset(offset));
    }
    // Everything below the recovered end is valid records; nothing past it is served.
    CommitLogScanner scanner(**log, (*log)->MinOffset());
    LogView v;
    int64_t records = 0;
    while (true) {
      auto step = scanner.Next(&v);
      REQUIRE_MESSAGE(step.ok(), step.status().ToString());
      if (*step == CommitLogScanner::Step::kEnd) break;
      REQUIRE(protocol::DecodeMessageRecord(v.data(), true).ok());
      ++records;
    }
    CHECK(records >= static_cast<int64_t>(acks.size()));
    CHECK(scanner.position() == (*log)->WrittenEnd());
    CHECK((*log)->ReadRecord((*log)->WrittenEnd()).status().code() == StatusCode::kNotFound);
    MESSAGE("round " << round << ": " << acks.size() << " acks, " << records << " records, "
                     << (*log)->recovery_info().truncated_bytes << " bytes truncated");
    // Leave the abort marker so the next child also recovers from a crash.
    REQUIRE((*log)->Close().ok());
  }
}

}  // namespace
}  // namespace tern::store
