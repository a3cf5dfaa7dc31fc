// ProcessQueue (src/client/process_queue.h): cached counts and bytes for flow
// control, the commit offset rule, orderly take/commit/restore.
#include "src/client/process_queue.h"

#include <doctest/doctest.h>

namespace tern::client {
namespace {

std::vector<ternmq::MessageView> Msgs(int64_t from, int64_t to, size_t body_bytes = 10) {
  std::vector<ternmq::MessageView> out;
  for (int64_t o = from; o < to; ++o) {
    ternmq::MessageView m;
    m.queue_offset = o;
    m.body = std::string(body_bytes, 'x');
    out.push_back(m);
  }
  return out;
}

TEST_CASE("cached messages are counted with their body bytes, duplicates once") {
  ProcessQueue pq;
  pq.Put(Msgs(0, 5, 100));
  pq.Put(Msgs(3, 8, 100));  // 3 and 4 are already cached
  CHECK(pq.count() == 8);
  CHECK(pq.bytes() == 800);
  CHECK(pq.span() == 7);
}

TEST_CASE("the commit offset is the smallest message still in flight") {
  ProcessQueue pq;
  CHECK(pq.Remove({0}) == -1);  // nothing cached yet
  pq.Put(Msgs(10, 15));
  CHECK(pq.Remove({11, 12}) == 10);  // 10 still in flight blocks the offset
  CHECK(pq.count() == 3);
  CHECK(pq.Remove({10}) == 13);
  CHECK(pq.Remove({13, 14}) == 15);  // all done: one past the largest
  CHECK(pq.count() == 0);
  CHECK(pq.bytes() == 0);
}

TEST_CASE("orderly take hands out messages in offset order and commit moves past them") {
  ProcessQueue pq;
  CHECK(pq.Put(Msgs(5, 9)));      // first messages: start a consume task
  CHECK_FALSE(pq.Put(Msgs(9, 10)));  // a task is running
  auto first = pq.Take(2);
  REQUIRE(first.size() == 2);
  CHECK(first[0].queue_offset == 5);
  CHECK(first[1].queue_offset == 6);
  CHECK(pq.count() == 5);  // taken messages still count for flow control
  CHECK(pq.Commit() == 7);
  CHECK(pq.count() == 3);
  CHECK(pq.Commit() == -1);
}

TEST_CASE("orderly restore gives the same messages again with one more attempt") {
  ProcessQueue pq;
  pq.Put(Msgs(0, 3));
  auto taken = pq.Take(2);
  pq.Restore(true);
  auto again = pq.Take(2);
  REQUIRE(again.size() == 2);
  CHECK(again[0].queue_offset == 0);
  CHECK(again[0].reconsume_times == 1);
  CHECK(again[1].reconsume_times == 1);
  CHECK(pq.Commit() == 2);
}

TEST_CASE("an empty take ends the consume task so the next put starts one") {
  ProcessQueue pq;
  CHECK(pq.Put(Msgs(0, 1)));
  CHECK(pq.Take(32).size() == 1);
  CHECK(pq.Commit() == 1);
  CHECK(pq.Take(32).empty());
  CHECK(pq.Put(Msgs(1, 2)));
}

TEST_CASE("an orderly lock is valid for 30 s after it was taken") {
  ProcessQueue pq;
  CHECK_FALSE(pq.LockValid(1000));
  pq.SetLocked(true, 1000);
  CHECK(pq.LockValid(1000 + ProcessQueue::kLockMaxLiveMs));
  CHECK_FALSE(pq.LockValid(1001 + ProcessQueue::kLockMaxLiveMs));
  pq.SetLocked(false, 2000);
  CHECK_FALSE(pq.LockValid(2000));
}

}  // namespace
}  // namespace tern::client
