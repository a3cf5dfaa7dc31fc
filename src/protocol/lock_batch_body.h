// Bodies of LOCK_BATCH_MQ / UNLOCK_BATCH_MQ (requests.md §B.13, §C.13).
//
//   request:  {"clientId":"cid","consumerGroup":"CG","mqSet":[{mq}...]}
//             (+ "onlyThisBroker":true when set; 4.9.x late / 5.x)
//   response: {"lockOKMQSet":[{mq}...]}
//
// Sets are kept ordered (MessageQueue ordering) and written in that order.
// Plain value types.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/protocol/message_queue.h"

namespace tern::protocol {

struct LockBatchRequestBody {
  std::string client_id;
  std::string consumer_group;
  std::set<MessageQueue> mq_set;
  bool only_this_broker = false;

  bool operator==(const LockBatchRequestBody&) const = default;
  std::string Encode() const;
  static Result<LockBatchRequestBody> Decode(std::string_view json_text);
};

// Same shape as the lock request (Java has two classes).
struct UnlockBatchRequestBody {
  std::string client_id;
  std::string consumer_group;
  std::set<MessageQueue> mq_set;
  bool only_this_broker = false;

  bool operator==(const UnlockBatchRequestBody&) const = default;
  std::string Encode() const;
  static Result<UnlockBatchRequestBody> Decode(std::string_view json_text);
};

struct LockBatchResponseBody {
  std::set<MessageQueue> lock_ok_mq_set;

  bool operator==(const LockBatchResponseBody&) const = default;
  std::string Encode() const;
  static Result<LockBatchResponseBody> Decode(std::string_view json_text);
};

}  // namespace tern::protocol
