// Queue allocation for clustering consumers (features.md §2.2): which of a
// topic's queues this client consumes, given every queue and every client id
// of the group. Every member computes the same split from the same inputs, so
// the strategies must match Java's byte for byte:
//   * Averagely      AllocateMessageQueueAveragely (the default): consecutive
//                    blocks, the first n % m clients one queue more.
//   * ByCircle       AllocateMessageQueueAveragelyByCircle: queue j to client j % m.
//   * ConsistentHash AllocateMessageQueueConsistentHash: 10 virtual nodes per
//                    client ("<cid>-<i>") on an MD5 ring; a queue goes to the
//                    first node at or after MD5(mq.toString()), so a joining
//                    client takes queues only from its ring neighbours.
// Allocate() sorts both lists first (queues by topic, broker name, queue id;
// client ids as strings), as Java's RebalanceImpl does. A client missing
// from cid_all gets nothing. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ternmq/message_queue.h"
#include "ternmq/push_consumer.h"

namespace tern::client {

using QueueList = std::vector<ternmq::MessageQueue>;

// Sorts copies of the inputs and applies `strategy`.
QueueList Allocate(ternmq::AllocateStrategy strategy, const std::string& current_cid,
                   QueueList mq_all, std::vector<std::string> cid_all);

// The strategies on already sorted lists.
QueueList AllocateAveragely(const std::string& current_cid, const QueueList& mq_all,
                            const std::vector<std::string>& cid_all);
QueueList AllocateByCircle(const std::string& current_cid, const QueueList& mq_all,
                           const std::vector<std::string>& cid_all);
QueueList AllocateConsistentHash(const std::string& current_cid, const QueueList& mq_all,
                                 const std::vector<std::string>& cid_all,
                                 int virtual_nodes = 10);

// Java's ConsistentHashRouter MD5 hash: the first 4 digest bytes, big-endian.
int64_t ConsistentHashOf(const std::string& key);

}  // namespace tern::client
