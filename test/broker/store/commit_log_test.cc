#include "broker/store/commit_log.h"

#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/store/store_format.h"
#include "src/protocol/message_id.h"
#include "test/broker/store/commit_log_test_util.h"
#include "test/util/thread_stat.h"
#include "test/util/wait.h"

namespace tern::store {
namespace {

using testing::LogFixture;
using testing::TestMessage;

TEST_CASE("append fills store fields and reads back every field") {
  tern::testing::TempDir dir;
  ManualClock clock(1700000001234);
  LogFixture f(dir.path());
  f.Open(false, clock);
  auto msg = TestMessage("TopicA", 3, "hello");
  msg.flag = 9;
  msg.reconsume_times = 2;
  PutResult r = f.log->Append(msg);
  REQUIRE(r.status == PutStatus::kPutOk);
  CHECK(r.offset == PhysicalOffset(0));
  CHECK(r.queue_offset == QueueOffset(0));
  CHECK(r.store_timestamp == 1700000001234);
  CHECK(r.MsgId() == "7F00000100002A9F0000000000000000");
  CHECK(f.log->WrittenEnd() == PhysicalOffset(r.bytes));

  auto view = f.log->ReadRecord(r.offset);
  REQUIRE(view.ok());
  auto rec = protocol::DecodeMessageRecord(view->data(), true);
  REQUIRE(rec.ok());
  CHECK(rec->topic == "TopicA");
  CHECK(rec->queue_id == QueueId(3));
  CHECK(rec->body == "hello");
  CHECK(rec->flag == 9);
  CHECK(rec->reconsume_times == 2);
  CHECK(rec->physical_offset == r.offset);
  CHECK(rec->queue_offset == QueueOffset(0));
  CHECK(rec->store_timestamp == 1700000001234);
  CHECK(rec->store_host == f.options.store_host);
  CHECK(rec->born_host == msg.born_host);
  CHECK(rec->properties == msg.properties);

  PutResult r2 = f.log->Append(TestMessage("TopicA", 3, "again"));
  CHECK(r2.offset == PhysicalOffset(r.bytes));
  CHECK(r2.queue_offset == QueueOffset(1));
  PutResult other = f.log->Append(TestMessage("TopicA", 4, "other queue"));
  CHECK(other.queue_offset == QueueOffset(0));
  CHECK(f.log->NextQueueOffset("TopicA", QueueId(3)) == QueueOffset(2));
}

TEST_CASE("append across segment end pads and rolls") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);
  std::string body(1000, 'b');
  std::vector<PutResult> results;
  for (int i = 0; i < 150; ++i) {
    PutResult r = f.log->Append(TestMessage("T", 0, body));
    REQUIRE(r.status == PutStatus::kPutOk);
    results.push_back(r);
  }
  const int64_t seg = f.options.segment_size;
  int rolled = 0;
  for (size_t i = 1; i < results.size(); ++i) {
    int64_t prev_end = results[i - 1].offset.value() + results[i - 1].bytes;
    if (results[i].offset.value() != prev_end) {
      ++rolled;
      // The record went to the next segment start; a blank fills the gap.
      CHECK(results[i].offset.value() % seg == 0);
      CHECK(prev_end + results[i].bytes + 8 > (prev_end / seg + 1) * seg);
      auto blank = f.log->ReadRange(PhysicalOffset(prev_end), 8);
      REQUIRE(blank.ok());
      CHECK(GetBE32(blank->data().data()) == static_cast<uint32_t>(results[i].offset.value() - prev_end));
      CHECK(GetBE32(blank->data().data() + 4) == kBlankMagic);
    }
    CHECK(results[i].queue_offset == QueueOffset(static_cast<int64_t>(i)));
  }
  CHECK(rolled == 2);
  // The scanner walks every record, jumping over the blanks.
  CommitLogScanner scanner(*f.log, PhysicalOffset(0));
  size_t n = 0;
  LogView v;
  while (true) {
    auto step = scanner.Next(&v);
    REQUIRE(step.ok());
    if (*step == CommitLogScanner::Step::kEnd) break;
    REQUIRE(n < results.size());
    CHECK(v.offset() == results[n].offset);
    ++n;
  }
  CHECK(n == results.size());
  CHECK(f.log->ListSegments().size() == 3);
}

TEST_CASE("batch append gives consecutive queue offsets and one msgId per record") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);
  CHECK(f.log->Append(TestMessage("B", 1, "first")).status == PutStatus::kPutOk);
  std::vector<protocol::BatchEntry> entries = {
      {1, "one", "UNIQ_KEY\x01U1\x02"}, {2, "two", "UNIQ_KEY\x01U2\x02"}, {3, "three", ""}};
  auto header = TestMessage("B", 1, "", "CLUSTER\x01" "c1\x02UNIQ_KEY\x01" "BATCH\x02");
  PutResult r = f.log->AppendBatch(header, entries);
  REQUIRE(r.status == PutStatus::kPutOk);
  CHECK(r.count == 3);
  CHECK(r.queue_offset == QueueOffset(1));
  REQUIRE(r.batch_offsets.size() == 3);
  std::string ids = r.MsgIdList();
  CHECK(ids.size() == 3 * 32 + 2);
  for (int i = 0; i < 3; ++i) {
    auto v = f.log->ReadRecord(r.batch_offsets[i]);
    REQUIRE(v.ok());
    auto rec = protocol::DecodeMessageRecord(v->data(), true);
    REQUIRE(rec.ok());
    CHECK(rec->queue_offset == QueueOffset(1 + i));
    CHECK(rec->flag == i + 1);
    CHECK(rec->body == entries[i].body);
    CHECK(protocol::DecodeOffsetMessageId(ids.substr(i * 33, 32))->offset == r.batch_offsets[i]);
  }
  auto rec0 = protocol::DecodeMessageRecord(f.log->ReadRecord(r.batch_offsets[0])->data());
  CHECK(rec0->properties == "UNIQ_KEY\x01U1\x02" "CLUSTER\x01" "c1\x02");
  CHECK(f.log->NextQueueOffset("B", QueueId(1)) == QueueOffset(4));
}

TEST_CASE("prepared and rollback records get queue offset 0 and do not advance") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);
  f.log->Append(TestMessage("X", 0, "a"));
  auto prepared = TestMessage("X", 0, "half");
  prepared.sys_flag = protocol::MessageSysFlag::kTransactionPrepared;
  PutResult r = f.log->Append(prepared);
  CHECK(r.queue_offset == QueueOffset(0));
  auto rollback = TestMessage("X", 0, "rb");
  rollback.sys_flag = protocol::MessageSysFlag::kTransactionRollback;
  CHECK(f.log->Append(rollback).queue_offset == QueueOffset(0));
  auto commit = TestMessage("X", 0, "c");
  commit.sys_flag = protocol::MessageSysFlag::kTransactionCommit;
  CHECK(f.log->Append(commit).queue_offset == QueueOffset(1));
  CHECK(f.log->NextQueueOffset("X", QueueId(0)) == QueueOffset(2));
}

TEST_CASE("illegal messages are refused without writing") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.options.max_body_size = 100;
  f.Open(false);
  std::string big(101, 'x');
  CHECK(f.log->Append(TestMessage("T", 0, big)).status == PutStatus::kMessageIllegal);
  std::string props(40000, 'p');
  CHECK(f.log->Append(TestMessage("T", 0, "x", props)).status ==
        PutStatus::kPropertiesSizeExceeded);
  CHECK(f.log->Append(TestMessage("", 0, "x")).status == PutStatus::kMessageIllegal);
  CHECK(f.log->WrittenEnd() == PhysicalOffset(0));
}

TEST_CASE("queue offsets can be set and removed per topic") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);
  f.log->SetNextQueueOffset("Q", QueueId(2), QueueOffset(100));
  CHECK(f.log->Append(TestMessage("Q", 2, "x")).queue_offset == QueueOffset(100));
  f.log->SetNextQueueOffset("Q2", QueueId(2), QueueOffset(7));
  f.log->RemoveTopicQueueOffsets("Q");
  CHECK(f.log->NextQueueOffset("Q", QueueId(2)) == QueueOffset(0));
  CHECK(f.log->NextQueueOffset("Q2", QueueId(2)) == QueueOffset(7));
}

TEST_CASE("submit answers through the callback and wakes waiting readers") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.options.flush_mode = FlushMode::kSync;
  f.Open(false);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<PutResult> got;
  for (int i = 0; i < 20; ++i) {
    f.log->Submit(TestMessage("S", 0, "m" + std::to_string(i)), true, [&](PutResult r) {
      std::lock_guard<std::mutex> l(mu);
      got.push_back(std::move(r));
      cv.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> l(mu);
    REQUIRE(cv.wait_for(l, std::chrono::seconds(10), [&] { return got.size() == 20; }));
  }
  for (const auto& r : got) {
    CHECK(r.status == PutStatus::kPutOk);
    CHECK(r.offset.value() + r.bytes <= f.log->FlushedEnd().value());
  }
  CHECK(f.log->WaitForData(PhysicalOffset(0), std::chrono::milliseconds(0)));
  // A reader parked at the end wakes on the next append.
  PhysicalOffset end = f.log->WrittenEnd();
  std::thread reader([&] { CHECK(f.log->WaitForData(end, std::chrono::seconds(10))); });
  f.log->Append(TestMessage("S", 0, "late"));
  reader.join();
}

TEST_CASE(
    "async submit: the idle dispatch runs on the writer after the answer, else readers wake") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);  // ASYNC_FLUSH
  std::mutex mu;
  std::condition_variable cv;
  int answered = 0;
  std::vector<int> answered_at_call;  // `answered` when each idle dispatch call began
  std::thread::id hook_thread;
  std::thread::id answer_thread;
  bool decline = false;
  f.log->SetIdleDispatch([&] {
    std::lock_guard<std::mutex> l(mu);
    answered_at_call.push_back(answered);
    hook_thread = std::this_thread::get_id();
    cv.notify_all();
    return !decline;
  });
  auto submit_and_wait = [&](std::string body) {
    size_t calls;
    {
      std::lock_guard<std::mutex> l(mu);
      calls = answered_at_call.size();
    }
    f.log->Submit(TestMessage("S", 0, body), true, [&](PutResult r) {
      CHECK(r.status == PutStatus::kPutOk);
      std::lock_guard<std::mutex> l(mu);
      ++answered;
      answer_thread = std::this_thread::get_id();
      cv.notify_all();
    });
    std::unique_lock<std::mutex> l(mu);
    REQUIRE(
        cv.wait_for(l, std::chrono::seconds(10), [&] { return answered_at_call.size() > calls; }));
  };
  submit_and_wait("one");
  {
    std::lock_guard<std::mutex> l(mu);
    CHECK(answered_at_call == std::vector<int>{1});  // after the answer, not before
    CHECK(hook_thread == answer_thread);             // on the writer thread
    CHECK(hook_thread != std::this_thread::get_id());
  }

  // Declining wakes the readers as before.
  decline = true;
  PhysicalOffset end = f.log->WrittenEnd();
  std::thread reader([&] { CHECK(f.log->WaitForData(end, std::chrono::seconds(30))); });
  const auto start = std::chrono::steady_clock::now();
  submit_and_wait("two");
  reader.join();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));

  // Unset: no more calls (Close joins the writer, so a late call would be seen).
  f.log->SetIdleDispatch(nullptr);
  f.log->Submit(TestMessage("S", 0, "three"), true, [&](PutResult) {
    std::lock_guard<std::mutex> l(mu);
    ++answered;
  });
  REQUIRE(f.log->Close().ok());
  std::lock_guard<std::mutex> l(mu);
  CHECK(answered == 3);
  CHECK(answered_at_call.size() == 2);
}

TEST_CASE("a deferred writer wake-up: the submits queued before WakeWriter go in one batch") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);  // ASYNC_FLUSH
  std::mutex mu;
  std::condition_variable cv;
  int answered = 0;
  std::vector<int> batches;  // `answered` at each idle dispatch (one per drained batch)
  f.log->SetIdleDispatch([&] {
    std::lock_guard<std::mutex> l(mu);
    batches.push_back(answered);
    cv.notify_all();
    return true;
  });
  std::atomic<int> deferrals{0};
  std::atomic<bool> defer{true};
  f.log->SetWakeDeferral([&] {
    deferrals.fetch_add(1);
    return defer.load();
  });
  auto submit = [&](std::string body) {
    f.log->Submit(TestMessage("D", 0, body), true, [&](PutResult r) {
      CHECK(r.status == PutStatus::kPutOk);
      std::lock_guard<std::mutex> l(mu);
      ++answered;
      cv.notify_all();
    });
  };
  auto wait_batches = [&](size_t n) {
    std::unique_lock<std::mutex> l(mu);
    REQUIRE(cv.wait_for(l, std::chrono::seconds(10), [&] { return batches.size() == n; }));
  };
  // Only the submit that finds the queue empty asks; nothing is appended
  // until the wake-up it took over. The writer must be asleep first (a writer
  // still starting takes what is queued without a wake-up); the 200 ms is how
  // long a wrongly woken writer gets to show itself.
  REQUIRE(tern::testing::WaitUntil([] {
    return tern::testing::ThreadStatField("cl-writer", 3) == std::optional<std::string>("S");
  }));
  submit("a");
  {
    std::unique_lock<std::mutex> l(mu);
    CHECK_FALSE(cv.wait_for(l, std::chrono::milliseconds(200), [&] { return answered > 0; }));
  }
  submit("b");
  submit("c");
  CHECK(deferrals.load() == 1);
  CHECK(f.log->WrittenEnd() == PhysicalOffset(0));
  f.log->WakeWriter();
  wait_batches(1);
  {
    std::lock_guard<std::mutex> l(mu);
    CHECK(batches == std::vector<int>{3});
  }
  f.log->WakeWriter();  // nothing queued: no batch (Close below joins the writer)

  // Declined: the submit wakes the writer itself.
  defer = false;
  submit("d");
  wait_batches(2);
  CHECK(deferrals.load() == 2);
  REQUIRE(f.log->Close().ok());
  std::lock_guard<std::mutex> l(mu);
  CHECK(batches == std::vector<int>{3, 4});
}

TEST_CASE("read views keep a deleted segment readable") {
  tern::testing::TempDir dir;
  LogFixture f(dir.path());
  f.Open(false);
  std::string body(30000, 'v');
  PutResult first = f.log->Append(TestMessage("V", 0, body));
  auto view = f.log->ReadRecord(first.offset);
  REQUIRE(view.ok());
  for (int i = 0; i < 4; ++i) f.log->Append(TestMessage("V", 0, body));
  REQUIRE(f.log->DeleteOldestSegment(0).ok());
  CHECK(f.log->MinOffset() == PhysicalOffset(f.options.segment_size));
  CHECK(f.log->ReadRecord(first.offset).status().code() == StatusCode::kNotFound);
  auto rec = protocol::DecodeMessageRecord(view->data(), true);
  REQUIRE(rec.ok());
  CHECK(rec->body == body);
  CommitLogScanner scanner(*f.log, PhysicalOffset(0));
  LogView v;
  CHECK(scanner.Next(&v).status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace tern::store
