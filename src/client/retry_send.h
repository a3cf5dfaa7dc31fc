// A consumer sending a consumed message to its group's retry topic itself,
// with SEND_MESSAGE_V2 through the ordinary send path (features.md §3.3-3.4;
// Java ConsumeMessageOrderlyService.sendMessageBack and the inner producer's
// DefaultMQProducerImpl.sendKernelImpl for `%RETRY%` topics).
//
// The orderly consumer uses it once a message has failed max_reconsume_times
// local retries: the copy carries reconsumeTimes in the request header at or
// above maxReconsumeTimes, so the broker's send path (requests.md §B.1 step 6)
// stores it on `%DLQ%<group>` instead of the retry topic.
//
// Pure builders plus one blocking call. Any thread except the loop thread.
#pragma once

#include <cstdint>
#include <string>

#include "src/client/client_instance.h"
#include "src/remoting/remoting_command.h"
#include "ternmq/message.h"
#include "ternmq/message_queue.h"
#include "ternmq/status.h"

namespace tern::client {

// Java MixAll.CLIENT_INNER_PRODUCER_GROUP: the producer group of these sends.
inline constexpr char kClientInnerProducerGroup[] = "CLIENT_INNER_PRODUCER";

// What goes to `%RETRY%<group>` for `message` (as consumed: topic already
// restored from RETRY_TOPIC): every property of the message, plus
//   RETRY_TOPIC        = message.topic
//   ORIGIN_MESSAGE_ID  = the existing value, else message.msg_id
//   DELAY              = 3 + message.reconsume_times (the broker ignores it
//                        for a dead-lettered copy)
// and without TRAN_MSG. The body goes uncompressed (sysFlag 0). Header fields
// (SEND_MESSAGE_V2 names): reconsumeTimes = `reconsume_times`,
// maxReconsumeTimes = `max_reconsume_times`; the RECONSUME_TIME and
// MAX_RECONSUME_TIMES properties travel as these fields, not as properties
// (sendKernelImpl moves them).
remoting::RemotingCommand BuildRetryTopicSend(const std::string& group,
                                              const ternmq::MessageView& message,
                                              const ternmq::MessageQueue& queue,
                                              int32_t reconsume_times,
                                              int32_t max_reconsume_times, int64_t born_ms);

// Sends BuildRetryTopicSend's request to a queue of `%RETRY%<group>` (its
// route from `instance`; no route yet: the master that stored `message`,
// queue 0). OK when the broker stored it (codes 0, 10, 11, 12). Blocks the
// caller for at most about `timeout_ms`.
ternmq::Status SendToRetryTopic(ClientInstance& instance, const std::string& group,
                                const ternmq::MessageView& message, int32_t reconsume_times,
                                int32_t max_reconsume_times, int64_t timeout_ms);

}  // namespace tern::client
