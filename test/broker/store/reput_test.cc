#include "broker/store/reput.h"

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/meta/key_index.h"
#include "broker/meta/meta_db.h"
#include "broker/store/checkpoint.h"
#include "broker/store/commit_log.h"
#include "broker/store/consume_queue_table.h"
#include "broker/store/fault_file_io.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"
#include "test/util/temp_dir.h"
#include "test/util/wait.h"

namespace tern::store {
namespace {

using protocol::MessageRecord;
using protocol::MessageSysFlag::kTransactionCommit;
using protocol::MessageSysFlag::kTransactionPrepared;
using protocol::MessageSysFlag::kTransactionRollback;

// A CommitLog, its consume queues and key index in one temp dir; dispatch is
// driven with RunOnce unless a test starts the thread.
struct Fixture {
  testing::TempDir tmp;
  ManualClock clock{1'700'000'000'000};
  std::unique_ptr<Checkpoint> checkpoint;
  std::unique_ptr<CommitLog> log;
  std::unique_ptr<meta::MetaDb> meta_db;
  std::unique_ptr<meta::KeyIndex> index;
  FaultInjectingFileIo queue_io;  // the consume queues' file layer; outlives `queues`
  std::unique_ptr<ConsumeQueueTable> queues;

  explicit Fixture(int64_t segment_size = 4096) {
    checkpoint = std::move(Checkpoint::Open(FileIo::Default(), tmp.Sub("checkpoint")).value());
    CommitLogOptions o;
    o.dir = tmp.Sub("commitlog");
    o.segment_size = segment_size;
    o.store_host = protocol::HostAddress::V4(0x7F000001, 10911);
    auto opened = CommitLog::Open(o, FileIo::Default(), *checkpoint, false, clock);
    REQUIRE(opened.ok());
    log = std::move(opened).value();
    meta_db = std::move(meta::MetaDb::Open(tmp.Sub("meta")).value());
    index = std::make_unique<meta::KeyIndex>(*meta_db);
    OpenQueues();
  }
  void OpenQueues() {
    ConsumeQueue::Options cq;
    cq.units_per_file = 8;
    queues = std::make_unique<ConsumeQueueTable>(queue_io, tmp.Sub("consumequeue"), cq);
    REQUIRE(queues->Load().ok());
  }

  PutResult Put(std::string topic, int queue, std::string tags, std::string keys,
                int32_t sys_flag = 0, std::string extra_props = {}) {
    std::string props;
    if (!tags.empty()) protocol::AppendProperty(&props, "TAGS", tags);
    if (!keys.empty()) protocol::AppendProperty(&props, "KEYS", keys);
    protocol::AppendProperty(&props, "UNIQ_KEY", "U-" + topic + "-" + std::to_string(next_uniq++));
    props += extra_props;
    MessageRecord m;
    m.topic = topic;
    m.queue_id = QueueId(queue);
    m.sys_flag = sys_flag;
    m.body = body;
    m.properties = props;
    m.born_timestamp = clock.NowMs();
    m.born_host = protocol::HostAddress::V4(0x7F000001, 50000);
    PutResult r = log->Append(m);
    REQUIRE(r.stored());
    clock.AdvanceMs(10);
    return r;
  }

  std::string body = std::string(200, 'x');
  int next_uniq = 0;
};

std::vector<CqUnit> AllUnits(const ConsumeQueue& cq) {
  std::vector<CqUnit> out;
  for (int64_t o = cq.min_offset().value(); o < cq.max_offset().value(); ++o) {
    out.push_back(cq.ReadUnit(QueueOffset(o)).value());
  }
  return out;
}

TEST_CASE("dispatch builds consume queue units with tag hashes and notifies arrivals") {
  Fixture f;
  std::vector<std::pair<std::string, int64_t>> arrivals;  // topic, max offset
  ReputService reput(*f.log, *f.queues, f.index.get(), nullptr, f.clock, ReputOptions());
  reput.set_listener([&](const MessageArrival& a) {
    arrivals.emplace_back(std::string(a.topic), a.max_offset.value());
  });
  PutResult a0 = f.Put("A", 0, "TagA", "k1 k2");
  PutResult a1 = f.Put("A", 0, "", "");
  PutResult b0 = f.Put("B", 1, "中文", "k1");
  auto n = reput.RunOnce();
  REQUIRE(n.ok());
  CHECK(*n == 3);
  CHECK(reput.caught_up());
  CHECK(reput.reput_from() == f.log->WrittenEnd());

  ConsumeQueue* qa = f.queues->Find("A", QueueId(0));
  REQUIRE(qa != nullptr);
  CHECK(AllUnits(*qa) == std::vector<CqUnit>{{a0.offset, a0.bytes, 2598919},
                                             {a1.offset, a1.bytes, 0}});
  ConsumeQueue* qb = f.queues->Find("B", QueueId(1));
  REQUIRE(qb != nullptr);
  CHECK(qb->ReadUnit(QueueOffset(0))->tags_code == 646394);
  CHECK(arrivals == std::vector<std::pair<std::string, int64_t>>{{"A", 1}, {"A", 2}, {"B", 1}});

  // Keys: every KEYS word and the UNIQ_KEY, per topic.
  auto k1 = f.index->Query("A", "k1", 0, INT64_MAX, 64).value();
  REQUIRE(k1.size() == 1);
  CHECK(k1[0].offset == a0.offset);
  CHECK(f.index->Query("A", "k2", 0, INT64_MAX, 64)->size() == 1);
  CHECK(f.index->Query("B", "k1", 0, INT64_MAX, 64)->front().offset == b0.offset);
  CHECK(f.index->Query("A", "U-A-1", 0, INT64_MAX, 64)->front().offset == a1.offset);
  CHECK(f.index->IndexedEnd().value() == f.log->WrittenEnd());

  // Nothing new: a second pass dispatches nothing and notifies nobody.
  CHECK(reput.RunOnce().value() == 0);
  CHECK(arrivals.size() == 3);
}

TEST_CASE("prepared and rollback records are not queued and rollback is not indexed") {
  Fixture f;
  ReputService reput(*f.log, *f.queues, f.index.get(), nullptr, f.clock, ReputOptions());
  PutResult half = f.Put("T", 0, "", "half", kTransactionPrepared);
  PutResult rollback = f.Put("T", 0, "", "rb", kTransactionRollback);
  PutResult commit = f.Put("T", 0, "", "cm", kTransactionCommit);
  PutResult normal = f.Put("T", 0, "", "nm");
  REQUIRE(reput.RunOnce().ok());
  ConsumeQueue* q = f.queues->Find("T", QueueId(0));
  REQUIRE(q != nullptr);
  CHECK(AllUnits(*q) ==
        std::vector<CqUnit>{{commit.offset, commit.bytes, 0}, {normal.offset, normal.bytes, 0}});
  CHECK(f.index->Query("T", "half", 0, INT64_MAX, 64)->front().offset == half.offset);
  CHECK(f.index->Query("T", "rb", 0, INT64_MAX, 64)->empty());
  CHECK(f.index->Query("T", "cm", 0, INT64_MAX, 64)->size() == 1);
  (void)rollback;
}

TEST_CASE("schedule topic units carry the delivery time as tags code") {
  const auto levels = DefaultDelayLevelsMs();
  std::string props;
  protocol::AppendProperty(&props, "DELAY", "3");
  protocol::AppendProperty(&props, "TAGS", "A");
  CHECK(DispatchTagsCode("SCHEDULE_TOPIC_XXXX", props, 1000, levels) == 1000 + 10'000);
  CHECK(DispatchTagsCode("T", props, 1000, levels) == 65);
  std::string high;
  protocol::AppendProperty(&high, "DELAY", "99");
  CHECK(DispatchTagsCode("SCHEDULE_TOPIC_XXXX", high, 1000, levels) == 1000 + 7'200'000);

  Fixture f;
  ReputService reput(*f.log, *f.queues, nullptr, nullptr, f.clock, ReputOptions());
  PutResult r = f.Put("SCHEDULE_TOPIC_XXXX", 2, "", "", 0, props);
  REQUIRE(reput.RunOnce().ok());
  auto unit = f.queues->Find("SCHEDULE_TOPIC_XXXX", QueueId(2))->ReadUnit(QueueOffset(0));
  REQUIRE(unit.has_value());
  CHECK(unit->tags_code == r.store_timestamp + 10'000);
}

// Everything a rebuild must reproduce: every queue's units and the index rows
// of every key the test wrote.
struct Derived {
  std::map<std::string, std::vector<CqUnit>> queues;
  std::map<std::string, std::vector<meta::KeyIndexHit>> keys;
  bool operator==(const Derived&) const = default;
};

Derived Snapshot(Fixture& f, const std::vector<std::pair<std::string, std::string>>& keys) {
  Derived d;
  for (ConsumeQueue* cq : f.queues->All()) {
    d.queues[cq->topic() + "-" + std::to_string(cq->queue_id().value())] = AllUnits(*cq);
  }
  for (const auto& [topic, key] : keys) {
    d.keys[topic + "#" + key] = f.index->Query(topic, key, 0, INT64_MAX, 1000).value();
  }
  return d;
}

TEST_CASE("dispatch builds the same queues and index as a rebuild from scratch") {
  Fixture f(/*segment_size=*/4096);  // ~12 records per segment: blank records and rolls
  ReputService reput(*f.log, *f.queues, f.index.get(), nullptr, f.clock, ReputOptions());
  std::vector<std::pair<std::string, std::string>> keys;
  for (int i = 0; i < 60; ++i) {
    std::string topic = i % 3 == 0 ? "A" : "B";
    std::string key = "order-" + std::to_string(i % 7);
    keys.emplace_back(topic, key);
    f.Put(topic, i % 4, i % 2 ? "even" : "odd", key + " shared",
          i % 10 == 9 ? kTransactionPrepared : 0);
    if (i % 13 == 0) REQUIRE(reput.RunOnce().ok());  // incremental dispatch
  }
  keys.emplace_back("A", "shared");
  REQUIRE(reput.RunOnce().ok());
  REQUIRE(f.log->ListSegments().size() > 3);
  const Derived incremental = Snapshot(f, keys);
  CHECK(incremental.queues.size() == 8);

  // Delete the queue directories and the index, rebuild from the log's start.
  f.queues.reset();
  std::filesystem::remove_all(f.tmp.Sub("consumequeue"));
  REQUIRE(f.index->Clear().ok());
  f.OpenQueues();
  CHECK(f.queues->All().empty());
  ReputService rebuild(*f.log, *f.queues, f.index.get(), nullptr, f.clock, ReputOptions());
  rebuild.set_reput_from(f.log->MinOffset());
  REQUIRE(rebuild.RunOnce().ok());
  CHECK(Snapshot(f, keys) == incremental);

  // Dispatching the whole log again over complete queues changes nothing.
  ReputService again(*f.log, *f.queues, f.index.get(), nullptr, f.clock, ReputOptions());
  REQUIRE(again.RunOnce().ok());
  CHECK(Snapshot(f, keys) == incremental);
}

TEST_CASE("a failed consume queue write stops dispatch at that record for good") {
  Fixture f;
  ReputService reput(*f.log, *f.queues, f.index.get(), nullptr, f.clock, ReputOptions());
  f.Put("T", 0, "A", "");
  REQUIRE(reput.RunOnce().ok());
  const PhysicalOffset before = reput.reput_from();
  f.queue_io.FailWrites(Status::IoError("injected write failure"));
  PutResult second = f.Put("T", 0, "A", "");
  auto failed = reput.RunOnce();
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == StatusCode::kIoError);
  CHECK(reput.reput_from() == before);
  CHECK(reput.reput_from() == second.offset);
  // Sticky: clearing the fault does not resume silently.
  f.queue_io.FailWrites(Status::Ok());
  CHECK_FALSE(reput.RunOnce().ok());
  CHECK(reput.error().code() == StatusCode::kIoError);
  CHECK(f.queues->Find("T", QueueId(0))->max_offset() == QueueOffset(1));
}

// The listener's count of arrivals, waitable; also how many were dispatched
// on the thread that made this object (the test's own).
struct Arrivals {
  std::mutex mu;
  std::condition_variable cv;
  int64_t count = 0;
  int64_t on_test_thread = 0;
  const std::thread::id test_thread = std::this_thread::get_id();
  MessageArrivalListener Listener() {
    return [this](const MessageArrival&) {
      std::lock_guard lock(mu);
      ++count;
      if (std::this_thread::get_id() == test_thread) ++on_test_thread;
      cv.notify_all();
    };
  }
  bool WaitFor(int64_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return count >= n; });
  }
  int64_t Count() {
    std::lock_guard lock(mu);
    return count;
  }
  int64_t OnTestThread() {
    std::lock_guard lock(mu);
    return on_test_thread;
  }
};

TEST_CASE("the dispatch thread follows new appends until stopped") {
  Fixture f;
  Arrivals arrivals;
  ReputService reput(*f.log, *f.queues, f.index.get(), nullptr, f.clock, ReputOptions());
  reput.set_listener(arrivals.Listener());
  reput.Start();
  for (int i = 0; i < 5; ++i) f.Put("T", 0, "A", "");
  CHECK(arrivals.WaitFor(5));
  reput.Stop();
  CHECK(arrivals.Count() == 5);
  CHECK(f.queues->Find("T", QueueId(0))->max_offset() == QueueOffset(5));
  CHECK(reput.error().ok());
}

TEST_CASE(
    "the dispatch thread holds key-index rows back until their deadline, a full batch or Stop") {
  Fixture f;  // ManualClock: the deadline passes only when the test moves the clock
  Arrivals arrivals;
  ReputOptions o;
  o.index_commit_delay_ms = 50;
  o.index_batch_records = 3;
  o.idle_wait_ms = 5;
  ReputService reput(*f.log, *f.queues, f.index.get(), f.checkpoint.get(), f.clock, o);
  reput.set_listener(arrivals.Listener());
  reput.Start();
  auto found = [&](std::string_view key) {
    return !f.index->Query("T", key, 0, INT64_MAX, 8)->empty();
  };

  // Pullable at once; indexed only once the deadline passed.
  f.Put("T", 0, "", "k1");
  REQUIRE(arrivals.WaitFor(1));
  CHECK_FALSE(found("k1"));
  CHECK(f.index->IndexedEnd().value() < f.log->WrittenEnd());
  f.clock.AdvanceMs(100);
  CHECK(tern::testing::WaitUntil([&] { return found("k1"); }, 10'000, 2));
  CHECK(f.index->IndexedEnd().value() == f.log->WrittenEnd());

  // A full batch (3 records) is written without waiting for the deadline.
  f.Put("T", 0, "", "k2");
  f.Put("T", 0, "", "k3");
  f.Put("T", 0, "", "k4");
  REQUIRE(arrivals.WaitFor(4));
  CHECK(tern::testing::WaitUntil([&] { return found("k2") && found("k3") && found("k4"); }, 10'000,
                                 2));

  // Stop writes what is pending, and the checkpoint's index progress covers it.
  f.Put("T", 0, "", "k5");
  REQUIRE(arrivals.WaitFor(5));
  CHECK_FALSE(found("k5"));
  reput.Stop();
  CHECK(found("k5"));
  CHECK(f.index->IndexedEnd().value() == f.log->WrittenEnd());
  CHECK(reput.error().ok());
}

TEST_CASE("TryDispatch dispatches on the calling thread only while the service runs") {
  Fixture f;
  Arrivals arrivals;
  ReputOptions o;
  o.idle_wait_ms = 60'000;  // the thread runs only when woken
  // No key-index rows come due here (the manual clock moves 10 ms per Put):
  // TryDispatch leaves due rows to the thread and says so with false.
  o.index_commit_delay_ms = 3'600'000;
  o.index_batch_records = 1000;
  o.flush_interval_ms = 1'000'000'000;  // no queue flush writes the rows either
  ReputService reput(*f.log, *f.queues, f.index.get(), nullptr, f.clock, o);
  reput.set_listener(arrivals.Listener());
  f.Put("T", 0, "", "");
  CHECK_FALSE(reput.TryDispatch());  // not started: nothing done
  CHECK(f.queues->Find("T", QueueId(0)) == nullptr);

  reput.Start();
  REQUIRE(arrivals.WaitFor(1));
  // The writer thread's use: after an append, TryDispatch either dispatched
  // everything written (true) or left it to the thread (false, busy).
  // On a loaded machine the woken thread may win the lock many times in a
  // row: go on (up to 500 records) until one call has done the work itself.
  int inline_done = 0;
  int64_t n = 1;  // records put so far
  while (n < 50 || (inline_done == 0 && n < 500)) {
    f.Put("T", 0, "", "");
    ++n;
    if (reput.TryDispatch()) {
      ++inline_done;
      CHECK(f.queues->Find("T", QueueId(0))->max_offset() == QueueOffset(n));
    }
    REQUIRE(arrivals.WaitFor(n));
  }
  CHECK(inline_done > 0);
  // Rows wait for their deadline; once due, a TryDispatch leaves them to the
  // thread (returning false, which makes the writer wake it), and the thread
  // writes them.
  auto late_found = [&] { return !f.index->Query("T", "late-key", 0, INT64_MAX, 8)->empty(); };
  f.Put("T", 0, "", "late-key");
  reput.TryDispatch();
  REQUIRE(arrivals.WaitFor(n + 1));
  CHECK_FALSE(late_found());
  f.clock.AdvanceMs(3'600'000);
  f.Put("T", 0, "", "");
  reput.TryDispatch();
  CHECK(tern::testing::WaitUntil(late_found, 10'000, 2));
  CHECK(f.queues->Find("T", QueueId(0))->max_offset() == QueueOffset(n + 2));
  reput.Stop();
  f.Put("T", 0, "", "");
  CHECK_FALSE(reput.TryDispatch());  // stopped: nothing done
  CHECK(f.queues->Find("T", QueueId(0))->max_offset() == QueueOffset(n + 2));
}

TEST_CASE("without a key index TryDispatch never leaves index work to the thread") {
  // messageIndexEnable=false: no rows are pending, so none come due; with a
  // batch of one record, any pending count would make every call answer false.
  Fixture f;
  Arrivals arrivals;
  ReputOptions o;
  o.idle_wait_ms = 60'000;
  o.index_batch_records = 1;
  ReputService reput(*f.log, *f.queues, nullptr, nullptr, f.clock, o);
  reput.set_listener(arrivals.Listener());
  reput.Start();
  // Counts calls that dispatched the record themselves and still answered
  // true. As above, the woken thread may take the lock first: go on until one
  // call did the work itself.
  int inline_done = 0;
  int64_t n = 0;
  while (n < 20 || (inline_done == 0 && n < 500)) {
    f.Put("T", 0, "", "key-" + std::to_string(n));
    ++n;
    const int64_t before = arrivals.OnTestThread();
    const bool done = reput.TryDispatch();
    if (arrivals.OnTestThread() > before) {
      CHECK(done);
      if (done) ++inline_done;
    }
    REQUIRE(arrivals.WaitFor(n));
  }
  CHECK(inline_done > 0);
  reput.Stop();
  CHECK(f.queues->Find("T", QueueId(0))->max_offset() == QueueOffset(n));
  CHECK(reput.error().ok());
}

TEST_CASE(
    "a consume-queue flush in progress does not hold up TryDispatch and claims only what it "
    "synced") {
  Fixture f;
  Arrivals arrivals;
  ReputOptions o;
  o.idle_wait_ms = 5;
  o.flush_interval_ms = 1000;  // the manual clock decides when the thread flushes
  ReputService reput(*f.log, *f.queues, nullptr, f.checkpoint.get(), f.clock, o);
  reput.set_listener(arrivals.Listener());
  // Declared after `reput`, so destroyed (releasing a held sync) before it stops.
  struct OpenGate {
    FaultInjectingFileIo& io;
    ~OpenGate() { io.ReleaseSyncs(); }
  } open_gate{f.queue_io};

  f.Put("T", 0, "", "");
  reput.Start();
  REQUIRE(arrivals.WaitFor(1));
  const PhysicalOffset synced_end = reput.reput_from();
  // The thread's next flush blocks in its consume-queue sync.
  f.queue_io.HoldSyncs();
  f.clock.AdvanceMs(1000);
  REQUIRE(f.queue_io.WaitForHeldSync(10'000));

  // Meanwhile the writer thread's dispatch goes on (Put moves the clock 10 ms:
  // no second flush starts).
  for (int64_t n = 2; n <= 4; ++n) {
    f.Put("T", 0, "", "");
    CHECK(reput.TryDispatch());
    CHECK(f.queues->Find("T", QueueId(0))->max_offset() == QueueOffset(n));
  }
  CHECK(arrivals.OnTestThread() == 3);

  // The held flush claims the records dispatched before it began, not the
  // three dispatched while it synced; the next one claims those.
  f.queue_io.ReleaseSyncs();
  CHECK(tern::testing::WaitUntil([&] { return f.checkpoint->consume_queue_offset() == synced_end; },
                                 10'000, 2));
  CHECK(f.checkpoint->consume_queue_offset() == synced_end);
  f.clock.AdvanceMs(1000);
  CHECK(tern::testing::WaitUntil(
      [&] { return f.checkpoint->consume_queue_offset() == f.log->WrittenEnd(); }, 10'000, 2));
  reput.Stop();
  CHECK(reput.error().ok());
}

TEST_CASE("TryDispatch takes at most one batch of a backlog and leaves the rest to the thread") {
  Fixture f(1 << 20);
  ReputOptions o;
  o.index_batch_records = 16;
  o.idle_wait_ms = 60'000;
  ReputService reput(*f.log, *f.queues, f.index.get(), nullptr, f.clock, o);
  Arrivals arrivals;  // on_test_thread: dispatched by the TryDispatch call below
  reput.set_listener(arrivals.Listener());
  for (int i = 0; i < 40; ++i) f.Put("T", 0, "", "");
  reput.Start();
  CHECK_FALSE(reput.TryDispatch());  // a backlog is never all done here
  // The lock was the thread's, or one batch was done here.
  const int64_t here = arrivals.OnTestThread();
  CHECK((here == 0 || here == 16));
  CHECK(arrivals.WaitFor(40));
  reput.Stop();
  CHECK(arrivals.Count() == 40);
  CHECK(f.queues->Find("T", QueueId(0))->max_offset() == QueueOffset(40));
}

}  // namespace
}  // namespace tern::store
