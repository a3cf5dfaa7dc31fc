#include "broker/store/message_store.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "broker/meta/meta_db.h"
#include "broker/store/store_format.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_properties.h"
#include "test/util/temp_dir.h"

namespace tern::store {
namespace {

using protocol::MessageRecord;

struct Fixture {
  testing::TempDir tmp;
  ManualClock clock{1'700'000'000'000};
  std::unique_ptr<meta::MetaDb> meta_db;
  std::unique_ptr<MessageStore> store;
  int next_uniq = 0;

  Fixture() {
    meta_db = std::move(meta::MetaDb::Open(tmp.Sub("meta")).value());
    Open();
  }
  MessageStoreOptions Options() const {
    MessageStoreOptions o;
    o.root_dir = tmp.Sub("store");
    o.commit_log.segment_size = 4096;
    o.commit_log.store_host = protocol::HostAddress::V4(0x7F000001, 10911);
    o.consume_queue.units_per_file = 16;
    return o;
  }
  void Open() {
    auto s = MessageStore::Open(Options(), *meta_db, FileIo::Default(), clock);
    REQUIRE(s.ok());
    store = std::move(s).value();
  }
  void Reopen() {
    REQUIRE(store->Close().ok());
    store.reset();
    Open();
  }

  PutResult Put(const std::string& topic, int queue, const std::string& tags,
                const std::string& keys = {}, const std::string& body = std::string(100, 'b')) {
    std::string props;
    if (!tags.empty()) protocol::AppendProperty(&props, "TAGS", tags);
    if (!keys.empty()) protocol::AppendProperty(&props, "KEYS", keys);
    protocol::AppendProperty(&props, "UNIQ_KEY", "UNIQ" + std::to_string(next_uniq++));
    MessageRecord m;
    m.topic = topic;
    m.queue_id = QueueId(queue);
    m.body = body;
    m.properties = props;
    m.born_timestamp = clock.NowMs();
    m.born_host = protocol::HostAddress::V4(0x7F000001, 50000);
    PutResult r = store->PutMessage(m);
    REQUIRE(r.stored());
    clock.AdvanceMs(1000);
    return r;
  }
  void Dispatch() { REQUIRE(store->dispatch().RunOnce().ok()); }

  GetMessageResult Get(const std::string& topic, int queue, int64_t offset, int max = 32,
                       const MessageFilter* filter = nullptr, int32_t max_bytes = INT32_MAX) {
    return store->GetMessage("CG", topic, QueueId(queue), QueueOffset(offset), max, max_bytes,
                             filter);
  }
};

std::string TagsOf(const LogView& v) {
  auto rec = protocol::DecodeMessageRecord(v.data());
  REQUIRE(rec.ok());
  return std::string(protocol::FindProperty(rec->properties, "TAGS").value_or(""));
}

QueueOffset QueueOffsetOf(const LogView& v) {
  return protocol::DecodeMessageRecord(v.data()).value().queue_offset;
}

TEST_CASE("store answers the offset statuses of an empty, a full and an unknown queue") {
  Fixture f;
  auto unknown = f.Get("T", 0, 0);
  CHECK(unknown.status == GetMessageStatus::kNoMessageInQueue);
  CHECK(unknown.next_begin_offset == QueueOffset(0));

  for (int i = 0; i < 3; ++i) f.Put("T", 0, "A");
  // Not dispatched yet: still invisible.
  CHECK(f.Get("T", 0, 0).status == GetMessageStatus::kNoMessageInQueue);
  f.Dispatch();
  CHECK(f.store->GetMinOffset("T", QueueId(0)) == QueueOffset(0));
  CHECK(f.store->GetMaxOffset("T", QueueId(0)) == QueueOffset(3));

  auto one = f.Get("T", 0, 3);
  CHECK(one.status == GetMessageStatus::kOffsetOverflowOne);
  CHECK(one.next_begin_offset == QueueOffset(3));
  auto badly = f.Get("T", 0, 10);
  CHECK(badly.status == GetMessageStatus::kOffsetOverflowBadly);
  CHECK(badly.next_begin_offset == QueueOffset(3));
  CHECK(badly.max_offset == QueueOffset(3));
  CHECK(GetMessageStatusName(badly.status) == "OFFSET_OVERFLOW_BADLY");
}

TEST_CASE("store gets messages by queue offset with a tag filter") {
  Fixture f;
  std::vector<PutResult> puts;
  for (int i = 0; i < 6; ++i) puts.push_back(f.Put("T", 1, i % 2 ? "B" : "A"));
  f.Dispatch();

  auto all = f.Get("T", 1, 0);
  CHECK(all.status == GetMessageStatus::kFound);
  REQUIRE(all.messages.size() == 6);
  CHECK(all.next_begin_offset == QueueOffset(6));
  CHECK(all.messages[2].offset() == puts[2].offset);
  CHECK(all.messages[2].size() == static_cast<size_t>(puts[2].bytes));
  CHECK(all.total_bytes == 6 * puts[0].bytes);

  TagFilter only_b({"B"});
  auto b = f.Get("T", 1, 0, 32, &only_b);
  CHECK(b.status == GetMessageStatus::kFound);
  REQUIRE(b.messages.size() == 3);
  for (const auto& v : b.messages) CHECK(TagsOf(v) == "B");
  CHECK(b.queue_offsets == std::vector<QueueOffset>{QueueOffset(1), QueueOffset(3), QueueOffset(5)});
  CHECK(b.next_begin_offset == QueueOffset(6));

  // Only the last unit examined, and it does not match: skipped and consumed.
  TagFilter only_a({"A"});
  auto none = f.Get("T", 1, 5, 32, &only_a);
  CHECK(none.status == GetMessageStatus::kNoMatchedMessage);
  CHECK(none.messages.empty());
  CHECK(none.next_begin_offset == QueueOffset(6));

  // A hash collision passes the tagsCode test but not the exact compare:
  // "Aa" and "BB" have the same Java hash.
  Fixture g;
  g.Put("C", 0, "Aa");
  g.Put("C", 0, "BB");
  g.Dispatch();
  TagFilter aa({"Aa"});
  auto collided = g.Get("C", 0, 0, 32, &aa);
  REQUIRE(collided.messages.size() == 1);
  CHECK(TagsOf(collided.messages[0]) == "Aa");
}

TEST_CASE("store get stops at max messages and max bytes and resumes at next begin offset") {
  Fixture f;
  for (int i = 0; i < 10; ++i) f.Put("T", 0, "A");
  f.Dispatch();
  auto first = f.Get("T", 0, 0, 4);
  CHECK(first.messages.size() == 4);
  CHECK(first.next_begin_offset == QueueOffset(4));
  auto bytes = f.Get("T", 0, 4, 32, nullptr, static_cast<int32_t>(first.messages[0].size() * 2));
  CHECK(bytes.messages.size() == 2);
  CHECK(bytes.next_begin_offset == QueueOffset(6));
  // A pull never spans two consume-queue files (16 units each).
  for (int i = 0; i < 10; ++i) f.Put("T", 0, "A");
  f.Dispatch();
  auto span = f.Get("T", 0, 14, 32);
  CHECK(span.messages.size() == 2);
  CHECK(span.next_begin_offset == QueueOffset(16));
}

TEST_CASE("store finds offsets by time and the earliest store time") {
  Fixture f;
  std::vector<PutResult> puts;
  for (int i = 0; i < 5; ++i) puts.push_back(f.Put("T", 0, "A"));  // 1 s apart
  f.Dispatch();
  const int64_t t2 = puts[2].store_timestamp;
  CHECK(f.store->GetOffsetByTime("T", QueueId(0), t2) == QueueOffset(2));
  CHECK(f.store->GetOffsetByTime("T", QueueId(0), t2 + 1) == QueueOffset(3));
  CHECK(f.store->GetOffsetByTime("T", QueueId(0), t2 + 1, BoundaryType::kUpper) == QueueOffset(2));
  CHECK(f.store->GetOffsetByTime("T", QueueId(0), 0) == QueueOffset(0));
  CHECK(f.store->GetOffsetByTime("T", QueueId(0), INT64_MAX) == QueueOffset(5));
  CHECK(f.store->GetOffsetByTime("NOPE", QueueId(0), t2) == QueueOffset(0));
  CHECK(f.store->GetEarliestMessageTime("T", QueueId(0)) == puts[0].store_timestamp);
  CHECK(f.store->GetEarliestMessageTime("NOPE", QueueId(0)) == -1);
  CHECK(f.store->GetMessageStoreTime("T", QueueId(0), QueueOffset(4)) == puts[4].store_timestamp);
}

TEST_CASE("store looks messages up by physical offset, key and unique key") {
  Fixture f;
  PutResult a = f.Put("T", 0, "A", "order-1 vip");
  f.Put("T", 0, "A", "order-2");
  PutResult c = f.Put("T", 1, "A", "order-1");
  f.Dispatch();

  auto view = f.store->LookMessageByOffset(c.offset);
  REQUIRE(view.ok());
  CHECK(view->offset() == c.offset);
  CHECK_FALSE(f.store->LookMessageByOffset(f.store->commit_log().WrittenEnd()).ok());

  auto q = f.store->QueryMessage("T", "order-1", 32, 0, INT64_MAX);
  REQUIRE(q.messages.size() == 2);
  CHECK(q.messages[0].offset() == c.offset);  // newest first
  CHECK(q.messages[1].offset() == a.offset);
  CHECK(q.index_last_update_phy_offset == c.offset);
  CHECK(q.index_last_update_timestamp == c.store_timestamp);
  CHECK(f.store->QueryMessage("T", "order-1", 1, 0, INT64_MAX).messages.size() == 1);
  CHECK(f.store->QueryMessage("T", "order-1", 32, 0, a.store_timestamp).messages.size() == 1);
  CHECK(f.store->QueryMessage("OTHER", "order-1", 32, 0, INT64_MAX).messages.empty());

  auto u = f.store->QueryMessageByUniqueKey("T", "UNIQ0", 0, INT64_MAX);
  REQUIRE(u.messages.size() == 1);
  CHECK(u.messages[0].offset() == a.offset);
}

TEST_CASE("store restart after a clean close keeps queues and continues queue offsets") {
  Fixture f;
  for (int i = 0; i < 40; ++i) f.Put("T", i % 2, "A", "k" + std::to_string(i));
  f.Dispatch();
  f.Reopen();
  CHECK_FALSE(f.store->previous_run_crashed());
  CHECK(f.store->GetMaxOffset("T", QueueId(0)) == QueueOffset(20));
  CHECK(f.store->GetMaxOffset("T", QueueId(1)) == QueueOffset(20));
  PutResult next = f.Put("T", 0, "A");
  CHECK(next.queue_offset == QueueOffset(20));
  f.Dispatch();
  auto r = f.Get("T", 0, 16);
  REQUIRE(r.messages.size() == 5);
  for (size_t i = 0; i < r.messages.size(); ++i) {
    CHECK(QueueOffsetOf(r.messages[i]) == QueueOffset(16 + static_cast<int64_t>(i)));
  }
  CHECK(f.store->QueryMessage("T", "k39", 32, 0, INT64_MAX).messages.size() == 1);
}

TEST_CASE("store catches up at open on messages never dispatched before a close") {
  Fixture f;
  for (int i = 0; i < 5; ++i) f.Put("T", 0, "A");
  // No dispatch: Close() dispatches what is left, and Open() would too.
  f.Reopen();
  CHECK(f.store->GetMaxOffset("T", QueueId(0)) == QueueOffset(5));
  // Queue directories deleted behind the store's back are rebuilt at open.
  REQUIRE(f.store->Close().ok());
  f.store.reset();
  std::filesystem::remove_all(f.tmp.Sub("store/consumequeue"));
  f.Open();
  CHECK(f.store->GetMaxOffset("T", QueueId(0)) == QueueOffset(5));
  CHECK(f.Get("T", 0, 0).messages.size() == 5);
}

// Simulates a crash that tore the last record: the abort marker is left and
// the record's bytes are damaged on disk after the queues indexed it.
TEST_CASE("store restart after a crash with a torn tail drops the torn message everywhere") {
  Fixture f;
  std::vector<PutResult> puts;
  for (int i = 0; i < 8; ++i) puts.push_back(f.Put("T", 0, "A", "key" + std::to_string(i)));
  f.Dispatch();
  REQUIRE(f.store->GetMaxOffset("T", QueueId(0)) == QueueOffset(8));
  const PutResult& last = puts.back();
  const int64_t segment_start = last.offset.value() - last.offset.value() % 4096;
  REQUIRE(f.store->Close().ok());
  f.store.reset();

  testing::WriteFile(f.tmp.Sub("store/abort"), "");
  {
    const std::string seg = f.tmp.Sub("store/commitlog/") + SegmentFileName(segment_start);
    FILE* file = fopen(seg.c_str(), "r+b");
    REQUIRE(file != nullptr);
    // Zero the second half of the last record (body CRC no longer matches,
    // properties cut): a write that reached the disk only partly.
    const int64_t pos = last.offset.value() - segment_start + last.bytes / 2;
    fseek(file, pos, SEEK_SET);
    std::string zeros(static_cast<size_t>(last.bytes - last.bytes / 2), '\0');
    fwrite(zeros.data(), 1, zeros.size(), file);
    fclose(file);
  }

  f.Open();
  CHECK(f.store->previous_run_crashed());
  CHECK(f.store->commit_log().WrittenEnd() == last.offset);
  CHECK(f.store->GetMaxOffset("T", QueueId(0)) == QueueOffset(7));
  CHECK(f.store->QueryMessage("T", "key7", 32, 0, INT64_MAX).messages.empty());
  CHECK(f.store->QueryMessage("T", "key6", 32, 0, INT64_MAX).messages.size() == 1);
  auto r = f.Get("T", 0, 0);
  CHECK(r.messages.size() == 7);

  // The next message takes the torn one's queue offset and position.
  PutResult again = f.Put("T", 0, "A", "key8");
  CHECK(again.queue_offset == QueueOffset(7));
  CHECK(again.offset == last.offset);
  f.Dispatch();
  auto tail = f.Get("T", 0, 7);
  REQUIRE(tail.messages.size() == 1);
  CHECK(tail.messages[0].offset() == again.offset);
  CHECK(f.store->QueryMessage("T", "key8", 32, 0, INT64_MAX).messages.size() == 1);
}

TEST_CASE("store retention hook removes queue files below the log min and moves min offset") {
  Fixture f;
  for (int i = 0; i < 60; ++i) f.Put("T", 0, "A", "k" + std::to_string(i));
  f.Dispatch();
  auto segments = f.store->commit_log().ListSegments();
  REQUIRE(segments.size() >= 4);
  // Drop the two oldest segments as CommitLog retention would.
  REQUIRE(f.store->commit_log().DeleteOldestSegment(segments[0].start).ok());
  REQUIRE(f.store->commit_log().DeleteOldestSegment(segments[1].start).ok());
  const PhysicalOffset log_min = f.store->commit_log().MinOffset();
  auto deleted = f.store->CleanQueuesBelowLogMin();
  REQUIRE(deleted.ok());

  const QueueOffset min = f.store->GetMinOffset("T", QueueId(0));
  CHECK(min > QueueOffset(0));
  auto first = f.Get("T", 0, min.value(), 1);
  REQUIRE(first.messages.size() == 1);
  CHECK(first.messages[0].offset() >= log_min);
  auto too_small = f.Get("T", 0, 0);
  CHECK(too_small.status == GetMessageStatus::kOffsetTooSmall);
  CHECK(too_small.next_begin_offset == min);
  CHECK(f.store->QueryMessage("T", "k0", 32, 0, INT64_MAX).messages.empty());
  CHECK(f.store->QueryMessage("T", "k59", 32, 0, INT64_MAX).messages.size() == 1);
}

TEST_CASE("store rebuilds its derived structures from the log") {
  Fixture f;
  for (int i = 0; i < 30; ++i) f.Put("T", i % 3, "A", "k" + std::to_string(i));
  f.Dispatch();
  std::vector<int64_t> before;
  for (int q = 0; q < 3; ++q) before.push_back(f.store->GetMaxOffset("T", QueueId(q)).value());
  REQUIRE(f.store->RebuildDerived().ok());
  for (int q = 0; q < 3; ++q) {
    CHECK(f.store->GetMaxOffset("T", QueueId(q)).value() == before[static_cast<size_t>(q)]);
  }
  CHECK(f.Get("T", 1, 0).messages.size() == 10);
  CHECK(f.store->QueryMessage("T", "k29", 32, 0, INT64_MAX).messages.size() == 1);
}

}  // namespace
}  // namespace tern::store
