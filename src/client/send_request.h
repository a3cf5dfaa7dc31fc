// The wire side of a send (shared/spec/requests.md §B.1, message-format.md
// §2-§6, §8): message validation, the properties string, UNIQ_KEY,
// compression, the batch body, the SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE
// request and the response -> SendResult mapping.
//
// A message is prepared once (validated, id assigned, compressed) and the
// prepared form is turned into one request per attempt, so a retry on
// another broker sends the same UNIQ_KEY. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/protocol/message_id.h"
#include "src/remoting/remoting_command.h"
#include "ternmq/message.h"
#include "ternmq/message_queue.h"
#include "ternmq/producer.h"
#include "ternmq/status.h"

namespace tern::client {

struct SendLimits {
  int32_t max_message_bytes = 4 * 1024 * 1024;
  int32_t compress_over_bytes = 4096;
  int32_t compress_level = 5;
};

// A message (or batch) ready to go to any queue of its topic.
struct PreparedSend {
  std::string topic;
  std::string body;  // compressed when sys_flag bit 0 is set; the batch encoding for batches
  int32_t sys_flag = 0;
  int32_t flag = 0;
  std::string properties;
  std::string msg_id;  // UNIQ_KEY; a batch: its messages' ids joined by ','
  bool batch = false;
};

// Topic and group names (message-format.md §11, features.md §1.2).
ternmq::Status ValidateTopic(std::string_view topic);
ternmq::Status ValidateGroup(std::string_view group, std::string_view what);

// Validates `message`, sets UNIQ_KEY from `ids`, compresses a body longer than
// limits.compress_over_bytes. A non-empty `sharding_key` is stored as
// __SHARDINGKEY.
ternmq::Result<PreparedSend> PrepareMessage(const ternmq::Message& message,
                                            const SendLimits& limits,
                                            protocol::UniqueIdGenerator& ids,
                                            std::string_view sharding_key = {});
// One topic, no delay, same wait_store_ok; each message gets its own UNIQ_KEY
// inside the batch body; never compressed; the encoded body must fit
// limits.max_message_bytes.
ternmq::Result<PreparedSend> PrepareBatch(const std::vector<ternmq::Message>& messages,
                                          const SendLimits& limits,
                                          protocol::UniqueIdGenerator& ids);

// SEND_MESSAGE_V2 (310), or SEND_BATCH_MESSAGE (320) with batch `m`="true"
// for batches, addressed to `queue`. `template_topic`/`template_queue_nums`
// are the auto-create fields `c`/`d`.
remoting::RemotingCommand BuildSendRequest(const PreparedSend& prepared,
                                           const ternmq::MessageQueue& queue,
                                           const std::string& producer_group,
                                           const std::string& template_topic,
                                           int32_t template_queue_nums, int64_t born_ms);

// Codes 0, 10, 11, 12 are stored (SendStatus); anything else is kBrokerError
// carrying the code. A stored answer without msgId/queueId/queueOffset is kInternal.
ternmq::Result<ternmq::SendResult> ParseSendResponse(const remoting::RemotingCommand& response,
                                                     const ternmq::MessageQueue& queue,
                                                     const PreparedSend& prepared);

// Broker answers worth another attempt on another broker: TOPIC_NOT_EXIST,
// SERVICE_NOT_AVAILABLE, SYSTEM_ERROR, NO_PERMISSION, NO_BUYER_ID,
// NOT_IN_CURRENT_UNIT, SYSTEM_BUSY (features.md §8).
bool IsRetriableResponseCode(int32_t code);

}  // namespace tern::client
