// DeadLetters: reads a consumer group's dead-letter topic (%DLQ%<group>)
// with a pull consumer, to find the messages that failed too often.
//
// A dead-letter topic is an ordinary topic, created by the broker on the
// group's first dead letter; nobody consumes it until an operator looks
// (`ternmq admin topicStatus -t %DLQ%<group>`, `queryMsgByKey`), fixes the
// cause and re-sends what is worth it.
//
// Threading: one thread at a time (the pull consumer blocks the caller).
#pragma once

#include <memory>
#include <set>
#include <string>

#include "ternmq/pull_consumer.h"
#include "ternmq/status.h"

namespace shop {

class DeadLetters {
 public:
  static ternmq::Result<std::unique_ptr<DeadLetters>> Start(const std::string& name_server);
  ~DeadLetters();

  // The keys of every message now in %DLQ%<group> (reads from the oldest
  // offset, without committing any). kNotFound: the group has no
  // dead-letter topic yet.
  ternmq::Result<std::set<std::string>> Keys(const std::string& group);

 private:
  std::unique_ptr<ternmq::PullConsumer> consumer_;
};

}  // namespace shop
