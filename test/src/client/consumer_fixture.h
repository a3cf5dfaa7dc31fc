// Shared pieces of the consumer tests: one real `ternmq dev` (nameserver and
// broker in one process, ports 0) for the whole test binary, started on first
// use and killed when the binary exits, plus producer/consumer helpers and a
// thread-safe message collector. Tests stay independent by using their own
// topic and group names (UniqueName).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "ternmq/message.h"
#include "ternmq/producer.h"
#include "ternmq/pull_consumer.h"
#include "ternmq/push_consumer.h"

#include "test/util/wait.h"

namespace tern::testing {

// The running dev server; its nameserver address. FAILs the test if it does not boot.
const std::string& DevNamesrv();
// The dev broker's log file (for failure messages).
std::string DevLog();
// "<prefix>_<counter>_<pid>": distinct per call and per test run.
std::string UniqueName(const std::string& prefix);

std::unique_ptr<ternmq::Producer> StartTestProducer(const std::string& group);
// Sends `n` messages "<body_prefix><i>" with `tags`; REQUIREs each send.
std::vector<ternmq::SendResult> SendMessages(ternmq::Producer& producer, const std::string& topic,
                                             int n, const std::string& body_prefix,
                                             const std::string& tags = "TagA");

ternmq::PushConsumerOptions PushOptions(const std::string& group);

// Collects what listeners receive. Any thread.
class Received {
 public:
  void Add(const std::vector<ternmq::MessageView>& messages);
  // Distinct bodies seen.
  std::set<std::string> Bodies() const;
  size_t Deliveries() const;
  std::vector<ternmq::MessageView> All() const;
  // Waits until every body in `bodies` was seen.
  bool WaitForBodies(const std::set<std::string>& bodies, int timeout_ms) const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::vector<ternmq::MessageView> all_;
};

std::set<std::string> BodySet(const std::string& prefix, int from, int to);

}  // namespace tern::testing
