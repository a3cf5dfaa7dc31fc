// Queue allocation strategies (src/client/rebalance.h) against the results
// Java's AllocateMessageQueue* classes give for the same inputs.
#include "src/client/rebalance.h"

#include <doctest/doctest.h>

#include <map>

#include "src/client/md5.h"

namespace tern::client {
namespace {

using ternmq::AllocateStrategy;
using ternmq::MessageQueue;

QueueList Queues(const std::string& topic, std::vector<std::pair<std::string, int>> brokers) {
  QueueList out;
  for (const auto& [b, n] : brokers) {
    for (int i = 0; i < n; ++i) out.push_back({topic, b, i});
  }
  return out;
}

std::vector<int32_t> Ids(const QueueList& qs) {
  std::vector<int32_t> out;
  for (const auto& q : qs) out.push_back(q.queue_id);
  return out;
}

TEST_CASE("md5 matches the RFC 1321 test vectors") {
  CHECK(Md5Hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(Md5Hex("a") == "0cc175b9c0f1b6a831c399e269772661");
  CHECK(Md5Hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(Md5Hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
  CHECK(Md5Hex("abcdefghijklmnopqrstuvwxyz") == "c3fcd3d76192e4007dfb496cca67e13b");
  CHECK(Md5Hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
        "57edf4a22be3c955ac49da2e2107b67a");
  // 55 / 56 / 64 bytes: the padding edge cases.
  CHECK(Md5Hex(std::string(55, 'x')) == "04364420e25c512fd958a70738aa8f72");
  CHECK(Md5Hex(std::string(56, 'a')) == "3b0c8ac703f828b04c6c197006d17218");
  CHECK(Md5Hex(std::string(64, 'a')) == "014842d480b571495a4a0363793f7367");
}

TEST_CASE("the consistent-hash ring position is the first four md5 bytes, big-endian") {
  // md5("") = d41d8cd9...
  CHECK(ConsistentHashOf("") == 0xd41d8cd9LL);
  CHECK(ConsistentHashOf("abc") == 0x90015098LL);
}

TEST_CASE("averagely gives 8 queues to 3 consumers as 3, 3, 2 consecutive queues") {
  QueueList all = Queues("T", {{"broker-a", 8}});
  std::vector<std::string> cids = {"c1", "c2", "c3"};
  CHECK(Ids(Allocate(AllocateStrategy::kAveragely, "c1", all, cids)) ==
        std::vector<int32_t>{0, 1, 2});
  CHECK(Ids(Allocate(AllocateStrategy::kAveragely, "c2", all, cids)) ==
        std::vector<int32_t>{3, 4, 5});
  CHECK(Ids(Allocate(AllocateStrategy::kAveragely, "c3", all, cids)) ==
        std::vector<int32_t>{6, 7});
}

TEST_CASE("averagely sorts queues and client ids before splitting") {
  QueueList all = Queues("T", {{"broker-b", 2}, {"broker-a", 2}});
  std::vector<std::string> cids = {"c2", "c1"};
  auto mine = Allocate(AllocateStrategy::kAveragely, "c1", all, cids);
  REQUIRE(mine.size() == 2);
  CHECK(mine[0] == MessageQueue{"T", "broker-a", 0});
  CHECK(mine[1] == MessageQueue{"T", "broker-a", 1});
  auto theirs = Allocate(AllocateStrategy::kAveragely, "c2", all, cids);
  CHECK(theirs[0] == MessageQueue{"T", "broker-b", 0});
}

TEST_CASE("averagely with more consumers than queues leaves the last consumers idle") {
  QueueList all = Queues("T", {{"b", 2}});
  std::vector<std::string> cids = {"a", "b", "c"};
  CHECK(Ids(Allocate(AllocateStrategy::kAveragely, "a", all, cids)) == std::vector<int32_t>{0});
  CHECK(Ids(Allocate(AllocateStrategy::kAveragely, "b", all, cids)) == std::vector<int32_t>{1});
  CHECK(Allocate(AllocateStrategy::kAveragely, "c", all, cids).empty());
}

TEST_CASE("a client missing from the consumer list gets nothing") {
  QueueList all = Queues("T", {{"b", 4}});
  CHECK(Allocate(AllocateStrategy::kAveragely, "x", all, {"a", "b"}).empty());
  CHECK(Allocate(AllocateStrategy::kAveragelyByCircle, "x", all, {"a", "b"}).empty());
  CHECK(Allocate(AllocateStrategy::kConsistentHash, "x", all, {"a", "b"}).empty());
}

TEST_CASE("averagely by circle deals queues round-robin") {
  QueueList all = Queues("T", {{"b", 8}});
  std::vector<std::string> cids = {"c1", "c2", "c3"};
  CHECK(Ids(Allocate(AllocateStrategy::kAveragelyByCircle, "c1", all, cids)) ==
        std::vector<int32_t>{0, 3, 6});
  CHECK(Ids(Allocate(AllocateStrategy::kAveragelyByCircle, "c3", all, cids)) ==
        std::vector<int32_t>{2, 5});
}

// Every queue goes to exactly one client, for every strategy.
void CheckPartition(AllocateStrategy s, const QueueList& all, const std::vector<std::string>& cids) {
  std::map<MessageQueue, int> owners;
  for (const auto& c : cids) {
    for (const auto& q : Allocate(s, c, all, cids)) ++owners[q];
  }
  CHECK(owners.size() == all.size());
  for (const auto& [q, n] : owners) CHECK_MESSAGE(n == 1, q.ToString());
}

TEST_CASE("every strategy hands each queue to exactly one consumer") {
  QueueList all = Queues("TopicX", {{"broker-a", 8}, {"broker-b", 4}});
  std::vector<std::string> cids = {"10.0.0.1@1", "10.0.0.2@1", "10.0.0.3@7", "10.0.0.4@2"};
  CheckPartition(AllocateStrategy::kAveragely, all, cids);
  CheckPartition(AllocateStrategy::kAveragelyByCircle, all, cids);
  CheckPartition(AllocateStrategy::kConsistentHash, all, cids);
}

TEST_CASE("consistent hash moves queues only to a consumer that joins") {
  QueueList all = Queues("Orders", {{"broker-a", 16}, {"broker-b", 16}});
  std::vector<std::string> before = {"192.168.0.1@100", "192.168.0.2@200", "192.168.0.3@300"};
  std::vector<std::string> after = before;
  after.push_back("192.168.0.4@400");
  int moved = 0;
  for (const auto& c : before) {
    auto old_set = Allocate(AllocateStrategy::kConsistentHash, c, all, before);
    auto new_set = Allocate(AllocateStrategy::kConsistentHash, c, all, after);
    // A consumer that stays keeps a subset of what it had: nothing moves between old members.
    for (const auto& q : new_set) {
      CHECK_MESSAGE(std::find(old_set.begin(), old_set.end(), q) != old_set.end(), q.ToString());
    }
    moved += static_cast<int>(old_set.size() - new_set.size());
  }
  auto joined = Allocate(AllocateStrategy::kConsistentHash, "192.168.0.4@400", all, after);
  CHECK(moved == static_cast<int>(joined.size()));
  // Deterministic: the same inputs give the same split on every member.
  CHECK(Allocate(AllocateStrategy::kConsistentHash, before[0], all, before) ==
        Allocate(AllocateStrategy::kConsistentHash, before[0], all,
                 {before[2], before[0], before[1]}));
}

TEST_CASE("consistent hash routes a queue to the first virtual node at or after its hash") {
  // Recompute the ring by hand for two clients and compare.
  QueueList all = Queues("T", {{"b", 6}});
  std::vector<std::string> cids = {"A", "B"};
  std::map<int64_t, std::string> ring;
  for (const auto& c : cids) {
    for (int i = 0; i < 10; ++i) ring[ConsistentHashOf(c + "-" + std::to_string(i))] = c;
  }
  QueueList expect_a;
  for (const auto& q : all) {
    auto it = ring.lower_bound(ConsistentHashOf(q.ToString()));
    if (it == ring.end()) it = ring.begin();
    if (it->second == "A") expect_a.push_back(q);
  }
  CHECK(Allocate(AllocateStrategy::kConsistentHash, "A", all, cids) == expect_a);
  CHECK(all[0].ToString() == "MessageQueue [topic=T, brokerName=b, queueId=0]");
}

}  // namespace
}  // namespace tern::client
