// kill -9 in the middle of delivery: a child process (this test binary,
// re-run on one test case) schedules 100 messages, delivers them in batches
// and SIGKILLs itself right before the checkpoint of its third pass - after
// 30 deliveries were marked, 60 appended but unmarked (the journal position
// left behind them) and 10 due but not fired. The parent recovers the store
// and the service from the same directory and checks that every message is
// delivered exactly once.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>

#include "broker/delay/schedule_service.h"
#include "test/broker/delay/delay_fixture.h"
#include "test/util/child_process.h"

namespace tern::delay {
namespace {

using testing::kT0;
using testing::Props;

constexpr const char* kDirEnv = "TERN_DELAY_CRASH_DIR";
constexpr int kMessages = 100;

store::MessageStoreOptions StoreOptions(const std::string& root) {
  store::MessageStoreOptions so;
  so.root_dir = root + "/store";
  so.commit_log.segment_size = 1 << 20;
  so.commit_log.store_host = protocol::HostAddress::V4(0x7F000001, 10911);
  return so;
}

// The child's side: never returns.
[[noreturn]] void RunChild(const std::string& root) {
  ManualClock clock(kT0);
  auto db = meta::MetaDb::Open(root + "/meta");
  if (!db.ok()) _exit(10);
  auto st = store::MessageStore::Open(StoreOptions(root), **db, store::FileIo::Default(), clock);
  if (!st.ok()) _exit(11);
  store::MessageStore& store = **st;
  ScheduleOptions o;
  o.max_deliveries_per_run = 30;
  int checkpoints = 0;
  o.sync_point = [&](std::string_view point) {
    if (point == "before_checkpoint" && ++checkpoints == 3) kill(getpid(), SIGKILL);
  };
  auto svc = ScheduleService::Open(store, **db, clock, o);
  if (!svc.ok()) _exit(12);
  for (int i = 0; i < kMessages; ++i) {
    std::string props = Props({{"UNIQ_KEY", "U" + std::to_string(i)},
                               {"TIMER_DELIVER_MS", std::to_string(kT0 + 1000 + i * 20)}});
    std::string topic = "T";
    QueueId q(0);
    (*svc)->interceptor().Intercept(&topic, &q, &props, clock.NowMs());
    protocol::MessageRecord m;
    m.topic = topic;
    m.queue_id = q;
    m.body = "body";
    m.properties = props;
    if (!store.PutMessage(m).stored()) _exit(13);
  }
  clock.SetMs(kT0 + 10'000);
  for (int pass = 0; pass < 10; ++pass) {
    if (!store.dispatch().RunOnce().ok()) _exit(14);
    if (!(*svc)->RunOnce(clock.NowMs()).ok()) _exit(15);
    // Flushing after the run: the next pass can mark this pass's deliveries.
    if (!store.commit_log().Flush().ok()) _exit(16);
  }
  _exit(17);  // the sync point should have killed us
}

TEST_CASE("delay crash child") {
  const char* dir = std::getenv(kDirEnv);
  if (dir == nullptr) return;  // only meaningful as the parent's child
  RunChild(dir);
}

TEST_CASE("kill -9 between delivery appends and their checkpoint delivers none twice") {
  ::tern::testing::TempDir tmp;
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  REQUIRE(n > 0);
  exe[n] = '\0';
  REQUIRE(setenv(kDirEnv, tmp.path().c_str(), 1) == 0);
  auto child = ::tern::testing::ChildProcess::Start({exe, "-tc=delay crash child"},
                                                    tmp.Sub("child.log"));
  unsetenv(kDirEnv);
  REQUIRE(child.ok());
  auto code = child->Wait(30'000);
  REQUIRE(code.ok());
  REQUIRE_MESSAGE(*code == 128 + SIGKILL, "child exit " << *code << ": "
                                                        << ::tern::testing::ReadFile(tmp.Sub("child.log")));

  ManualClock clock(kT0 + 20'000);
  auto db = std::move(meta::MetaDb::Open(tmp.Sub("meta")).value());
  auto store = std::move(
      store::MessageStore::Open(StoreOptions(tmp.path()), *db, store::FileIo::Default(), clock)
          .value());
  CHECK(store->previous_run_crashed());
  const int64_t before = store->GetMaxOffset("T", QueueId(0)).value();
  CHECK(before > 0);           // the child delivered some...
  CHECK(before < kMessages);   // ...but not all
  {
    auto svc = std::move(ScheduleService::Open(*store, *db, clock, ScheduleOptions{}).value());
    CHECK(svc->pending() == kMessages - before);
    for (int i = 0; i < 3; ++i) {
      REQUIRE(svc->RunOnce(clock.NowMs()).ok());
      REQUIRE(store->dispatch().RunOnce().ok());
    }
  }
  std::map<std::string, int> seen;
  store::ConsumeQueue* cq = store->consume_queues().Find("T", QueueId(0));
  REQUIRE(cq != nullptr);
  for (int64_t off = 0; off < cq->max_offset().value(); ++off) {
    auto unit = cq->ReadUnit(QueueOffset(off));
    REQUIRE(unit.has_value());
    auto view = store->commit_log().ReadRecord(unit->offset);
    REQUIRE(view.ok());
    auto rec = protocol::DecodeMessageRecord(view->data());
    REQUIRE(rec.ok());
    ++seen[std::string(*protocol::FindProperty(rec->properties, "UNIQ_KEY"))];
  }
  CHECK(seen.size() == static_cast<size_t>(kMessages));
  for (const auto& [uniq, count] : seen) CHECK_MESSAGE(count == 1, uniq << " delivered " << count);
  REQUIRE(store->Close().ok());
}

}  // namespace
}  // namespace tern::delay
