// The wire side of a pull (shared/spec/requests.md §B.2, message-format.md
// §1): the PULL_MESSAGE request, the response -> ternmq::PullResult mapping,
// stored records -> MessageViews, and the client-side tag re-check (§2.4).
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/protocol/subscription_data.h"
#include "src/remoting/remoting_command.h"
#include "ternmq/message.h"
#include "ternmq/message_queue.h"
#include "ternmq/pull_consumer.h"
#include "ternmq/status.h"

namespace tern::client {

struct PullArgs {
  std::string group;
  ternmq::MessageQueue queue;
  int64_t offset = 0;
  int32_t max_nums = 32;
  // The subscription is always sent (flag 0x4, as the C++ and Node clients
  // do), so a pull never depends on the broker having seen our heartbeat.
  protocol::SubscriptionData subscription;
  // > 0: commit flag 0x1 with this offset (the group's consumed offset).
  int64_t commit_offset = 0;
  // > 0: suspend flag 0x2, the broker holds an empty pull up to this long.
  int64_t suspend_timeout_ms = 0;
};

// PULL_MESSAGE (11) with the header fields of PullMessageRequestHeader.
remoting::RemotingCommand BuildPullRequest(const PullArgs& args);

// Codes 0 / 19 / 20 / 21 -> kFound / kNoNewMessage / kNoMatchedMessage /
// kOffsetIllegal with the four offsets; other codes -> kBrokerError. On
// SUCCESS the body is decoded (kInternal if it is corrupt) and re-filtered by
// `subscription`'s tags; when nothing survives the filter the status becomes
// kNoMatchedMessage.
ternmq::Result<ternmq::PullResult> ParsePullResponse(const remoting::RemotingCommand& response,
                                                     const ternmq::MessageQueue& queue,
                                                     const protocol::SubscriptionData& subscription);

// Decodes back-to-back stored records (a PULL body). `broker_name` fills
// MessageView::broker_name. Bodies are decompressed.
ternmq::Result<std::vector<ternmq::MessageView>> DecodePulledMessages(std::string_view body,
                                                                      const std::string& broker_name);

// True when `tags` passes the subscription's tag filter ("*" passes everything).
bool TagsMatch(const protocol::SubscriptionData& subscription, std::string_view tags);

}  // namespace tern::client
