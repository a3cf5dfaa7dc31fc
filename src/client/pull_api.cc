#include "src/client/pull_api.h"

#include <algorithm>

#include "src/client/status_convert.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_compression.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/pull_headers.h"

namespace tern::client {
namespace {

namespace Code = protocol::ResponseCode;
using ternmq::StatusCode;

// KEYS holds the keys separated by single spaces (Java MessageConst.KEY_SEPARATOR).
std::vector<std::string> SplitKeys(std::string_view keys) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= keys.size()) {
    size_t end = keys.find(' ', pos);
    if (end == std::string_view::npos) end = keys.size();
    if (end > pos) out.emplace_back(keys.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

}  // namespace

remoting::RemotingCommand BuildPullRequest(const PullArgs& args) {
  protocol::PullMessageRequestHeader h;
  h.consumer_group = args.group;
  h.topic = args.queue.topic;
  h.queue_id = args.queue.queue_id;
  h.queue_offset = args.offset;
  h.max_msg_nums = args.max_nums;
  h.sys_flag = protocol::kPullFlagSubscription;
  if (args.commit_offset > 0) h.sys_flag |= protocol::kPullFlagCommitOffset;
  if (args.suspend_timeout_ms > 0) h.sys_flag |= protocol::kPullFlagSuspend;
  h.commit_offset = args.commit_offset;
  h.suspend_timeout_millis = args.suspend_timeout_ms;
  h.subscription = args.subscription.sub_string;
  h.sub_version = args.subscription.sub_version;
  h.expression_type = args.subscription.expression_type;
  h.broker_name = args.queue.broker_name;
  remoting::RemotingCommand request = remoting::RemotingCommand::Request(
      protocol::RequestCode::kPullMessage);
  h.Encode(&request.ext_fields);
  return request;
}

bool TagsMatch(const protocol::SubscriptionData& subscription, std::string_view tags) {
  if (subscription.tags_set.empty() || subscription.sub_string == protocol::kSubAll) return true;
  return std::find(subscription.tags_set.begin(), subscription.tags_set.end(), tags) !=
         subscription.tags_set.end();
}

ternmq::Result<std::vector<ternmq::MessageView>> DecodePulledMessages(
    std::string_view body, const std::string& broker_name) {
  std::vector<ternmq::MessageView> out;
  while (!body.empty()) {
    auto record = protocol::DecodeMessageRecord(body);
    if (!record.ok()) {
      return ternmq::Status(StatusCode::kInternal,
                            "undecodable message in pull response: " + record.status().ToString());
    }
    const protocol::MessageRecord& r = *record;
    ternmq::MessageView m;
    m.offset_msg_id =
        protocol::EncodeOffsetMessageId(r.store_host, r.physical_offset);
    m.topic = std::string(r.topic);
    protocol::ForEachProperty(r.properties, [&](std::string_view name, std::string_view value) {
      m.properties[std::string(name)] = std::string(value);
    });
    if (auto it = m.properties.find(std::string(protocol::PropertyKey::kUniqClientMessageIdKeyIdx));
        it != m.properties.end()) {
      m.msg_id = it->second;
    } else {
      m.msg_id = m.offset_msg_id;
    }
    if (auto it = m.properties.find(std::string(protocol::PropertyKey::kTags));
        it != m.properties.end())
      m.tags = it->second;
    if (auto it = m.properties.find(std::string(protocol::PropertyKey::kKeys));
        it != m.properties.end())
      m.keys = SplitKeys(it->second);
    auto decompressed = protocol::DecompressBody(r.body, r.sys_flag);
    if (!decompressed.ok()) {
      return ternmq::Status(StatusCode::kInternal, "cannot decompress message " + m.msg_id + ": " +
                                                       decompressed.status().ToString());
    }
    m.body = std::move(decompressed).value();
    m.broker_name = broker_name;
    m.queue_id = r.queue_id.value();
    m.queue_offset = r.queue_offset.value();
    m.born_timestamp_ms = r.born_timestamp;
    m.store_timestamp_ms = r.store_timestamp;
    m.born_host = r.born_host.ToString();
    m.store_host = r.store_host.ToString();
    m.reconsume_times = r.reconsume_times;
    m.flag = r.flag;
    out.push_back(std::move(m));
    body.remove_prefix(static_cast<size_t>(r.total_size));
  }
  return out;
}

ternmq::Result<ternmq::PullResult> ParsePullResponse(
    const remoting::RemotingCommand& response, const ternmq::MessageQueue& queue,
    const protocol::SubscriptionData& subscription) {
  ternmq::PullResult result;
  switch (response.code) {
    case Code::kSuccess:
      result.status = ternmq::PullStatus::kFound;
      break;
    case Code::kPullNotFound:
      result.status = ternmq::PullStatus::kNoNewMessage;
      break;
    case Code::kPullRetryImmediately:
      result.status = ternmq::PullStatus::kNoMatchedMessage;
      break;
    case Code::kPullOffsetMoved:
      result.status = ternmq::PullStatus::kOffsetIllegal;
      break;
    default:
      return BrokerError(response.code, response.remark, "broker " + queue.broker_name);
  }
  auto header = protocol::PullMessageResponseHeader::Parse(response.ext_fields);
  if (!header.ok()) {
    return ternmq::Status(StatusCode::kInternal,
                          "bad pull response header: " + header.status().ToString());
  }
  result.next_begin_offset = header->next_begin_offset;
  result.min_offset = header->min_offset;
  result.max_offset = header->max_offset;
  if (result.status != ternmq::PullStatus::kFound) return result;
  auto messages = DecodePulledMessages(response.body, queue.broker_name);
  if (!messages.ok()) return messages.status();
  for (auto& m : *messages) {
    if (TagsMatch(subscription, m.tags)) result.messages.push_back(std::move(m));
  }
  if (result.messages.empty()) result.status = ternmq::PullStatus::kNoMatchedMessage;
  return result;
}

}  // namespace tern::client
