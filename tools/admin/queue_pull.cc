#include "tools/admin/queue_pull.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <ctime>

#include "src/protocol/codes.h"
#include "src/protocol/message_const.h"
#include "src/protocol/perm.h"
#include "src/protocol/pull_headers.h"
#include "src/protocol/send_headers.h"

namespace tern::tools::admin {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;

Result<int64_t> OffsetCall(AdminClient& client, const QueueTarget& q, int32_t code,
                           std::string_view what, const int64_t* timestamp) {
  RemotingCommand req = RemotingCommand::Request(code);
  req.SetField("topic", q.mq.topic);
  req.SetField("queueId", static_cast<int64_t>(q.mq.queue_id));
  if (timestamp != nullptr) req.SetField("timestamp", *timestamp);
  TERN_ASSIGN_OR_RETURN(RemotingCommand resp, client.CallBrokerOk(q.addr, std::move(req), what));
  Result<int64_t> offset = resp.RequiredInt64("offset");
  if (!offset.ok()) return BadBody(offset.status(), std::string(what), "broker " + q.addr);
  return *offset;
}

bool TagTaken(const protocol::SubscriptionData& sub, const FoundMessage& m) {
  if (sub.tags_set.empty() || sub.sub_string == protocol::kSubAll) return true;
  const std::string tags = PropertyOr(m, protocol::PropertyKey::kTags, "");
  return std::find(sub.tags_set.begin(), sub.tags_set.end(), tags) != sub.tags_set.end();
}

}  // namespace

std::vector<QueueTarget> ReadQueuesOf(const protocol::TopicRouteData& route,
                                      const std::string& topic) {
  std::vector<QueueTarget> out;
  for (const auto& qd : route.queue_datas) {
    for (const auto& b : route.broker_datas) {
      if (b.broker_name != qd.broker_name) continue;
      std::optional<std::string> addr = MasterAddr(b);
      if (!addr) continue;
      for (int32_t i = 0; i < qd.read_queue_nums; ++i) {
        out.push_back({protocol::MessageQueue{topic, qd.broker_name, i}, *addr});
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const QueueTarget& a, const QueueTarget& b) { return a.mq < b.mq; });
  return out;
}

Result<QueueTarget> FindQueue(const protocol::TopicRouteData& route, const std::string& topic,
                              const std::string& broker_name, int32_t queue_id) {
  for (const auto& qd : route.queue_datas) {
    if (qd.broker_name != broker_name) continue;
    if (queue_id < 0 || queue_id >= qd.read_queue_nums) {
      return Status::InvalidArgument(
          fmt::format("queue {} does not exist: topic '{}' has {} read queues on broker '{}'",
                      queue_id, topic, qd.read_queue_nums, broker_name));
    }
    for (const auto& b : route.broker_datas) {
      if (b.broker_name != broker_name) continue;
      if (std::optional<std::string> addr = MasterAddr(b)) {
        return QueueTarget{protocol::MessageQueue{topic, broker_name, queue_id}, *addr};
      }
    }
    return Status::NotFound(fmt::format("broker '{}' has no master online", broker_name));
  }
  return Status::NotFound(fmt::format("broker '{}' does not serve topic '{}'", broker_name, topic));
}

std::vector<WriteQueue> WritableQueues(const protocol::TopicRouteData& route) {
  std::vector<WriteQueue> out;
  for (const auto& qd : route.queue_datas) {
    if (!protocol::IsWriteable(qd.perm)) continue;
    for (const auto& b : route.broker_datas) {
      if (b.broker_name != qd.broker_name) continue;
      std::optional<std::string> addr = MasterAddr(b);
      if (!addr) continue;
      for (int32_t i = 0; i < qd.write_queue_nums; ++i) out.push_back({qd.broker_name, i, *addr});
    }
  }
  return out;
}

RemotingCommand SendRequest(const WriteQueue& q, const OutgoingMessage& m) {
  protocol::SendMessageRequestHeader h;
  h.producer_group = m.producer_group;
  h.topic = m.topic;
  h.default_topic = "TBW102";
  h.default_topic_queue_nums = 4;
  h.queue_id = q.queue_id;
  h.sys_flag = m.sys_flag;
  h.born_timestamp = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  h.flag = m.flag;
  h.properties = m.properties;
  h.reconsume_times = 0;
  h.broker_name = q.broker_name;
  RemotingCommand req = RemotingCommand::Request(RC::kSendMessageV2);
  h.EncodeV2(&req.ext_fields);
  req.body = m.body;
  return req;
}

bool SendStored(int32_t code) {
  return code == Code::kSuccess || code == Code::kFlushDiskTimeout ||
         code == Code::kFlushSlaveTimeout || code == Code::kSlaveNotAvailable;
}

Result<int64_t> MinOffset(AdminClient& client, const QueueTarget& q) {
  return OffsetCall(client, q, RC::kGetMinOffset, "GET_MIN_OFFSET", nullptr);
}

Result<int64_t> MaxOffset(AdminClient& client, const QueueTarget& q) {
  return OffsetCall(client, q, RC::kGetMaxOffset, "GET_MAX_OFFSET", nullptr);
}

Result<int64_t> SearchOffset(AdminClient& client, const QueueTarget& q, int64_t timestamp_ms) {
  return OffsetCall(client, q, RC::kSearchOffsetByTimestamp, "SEARCH_OFFSET_BY_TIMESTAMP",
                    &timestamp_ms);
}

std::string_view PullStatusName(PullStatus status) {
  switch (status) {
    case PullStatus::kFound:
      return "FOUND";
    case PullStatus::kNoNewMsg:
      return "NO_NEW_MSG";
    case PullStatus::kNoMatchedMsg:
      return "NO_MATCHED_MSG";
    case PullStatus::kOffsetIllegal:
      return "OFFSET_ILLEGAL";
  }
  return "?";
}

Result<PullOutcome> PullQueue(AdminClient& client, const QueueTarget& q, const std::string& group,
                              const protocol::SubscriptionData& subscription, int64_t offset,
                              int32_t max_nums) {
  protocol::PullMessageRequestHeader h;
  h.consumer_group = group;
  h.topic = q.mq.topic;
  h.queue_id = q.mq.queue_id;
  h.queue_offset = offset;
  h.max_msg_nums = max_nums;
  h.sys_flag = protocol::kPullFlagSubscription;  // no commit, no suspend
  h.subscription = subscription.sub_string;
  h.sub_version = subscription.sub_version;
  h.expression_type = subscription.expression_type;
  h.broker_name = q.mq.broker_name;
  RemotingCommand req = RemotingCommand::Request(RC::kPullMessage);
  h.Encode(&req.ext_fields);
  TERN_ASSIGN_OR_RETURN(RemotingCommand resp, client.CallBroker(q.addr, std::move(req)));

  PullOutcome out;
  switch (resp.code) {
    case Code::kSuccess:
      out.status = PullStatus::kFound;
      break;
    case Code::kPullNotFound:
      out.status = PullStatus::kNoNewMsg;
      break;
    case Code::kPullRetryImmediately:
      out.status = PullStatus::kNoMatchedMsg;
      break;
    case Code::kPullOffsetMoved:
      out.status = PullStatus::kOffsetIllegal;
      break;
    default:
      return Status::Internal(fmt::format("broker {} refused PULL_MESSAGE: {} ({})", q.addr,
                                          FirstLineOfRemark(resp), ResponseCodeName(resp.code)));
  }
  Result<protocol::PullMessageResponseHeader> header =
      protocol::PullMessageResponseHeader::Parse(resp.ext_fields);
  if (!header.ok()) return BadBody(header.status(), "pull response header", "broker " + q.addr);
  out.next_begin_offset = header->next_begin_offset;
  out.min_offset = header->min_offset;
  out.max_offset = header->max_offset;
  if (out.status != PullStatus::kFound) return out;
  std::vector<FoundMessage> found;
  Status st = DecodeRecords(resp.body, &found);
  if (!st.ok()) return BadBody(st, "pulled messages", "broker " + q.addr);
  for (auto& m : found) {
    m.broker_name = q.mq.broker_name;
    if (TagTaken(subscription, m)) out.messages.push_back(std::move(m));
  }
  if (out.messages.empty()) out.status = PullStatus::kNoMatchedMsg;
  return out;
}

Result<int64_t> ParseTimestamp(std::string_view value, std::string_view option) {
  const bool digits = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
  if (digits && value.size() <= 18) return std::stoll(std::string(value));
  // yyyy-MM-dd#HH:mm:ss:SSS
  std::tm tm{};
  int ms = 0;
  char tail = 0;
  const std::string text(value);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d#%2d:%2d:%2d:%3d%c", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms, &tail) == 7) {
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    const std::time_t secs = std::mktime(&tm);
    if (secs != static_cast<std::time_t>(-1)) return static_cast<int64_t>(secs) * 1000 + ms;
  }
  return Status::InvalidArgument(fmt::format(
      "option {}: '{}' is neither milliseconds since the epoch nor yyyy-MM-dd#HH:mm:ss:SSS", option,
      value));
}

std::string DescribeQueue(const protocol::MessageQueue& mq) {
  return fmt::format("MessageQueue [topic={}, brokerName={}, queueId={}]", mq.topic, mq.broker_name,
                     mq.queue_id);
}

}  // namespace tern::tools::admin
