// The dead-letter commands (TernMQ's own; RocketMQ's mqadmin has none):
//   dlqList    -g GROUP [-m MAX]             the messages on %DLQ%<group>
//   dlqShow    -g GROUP -i MSGID             one of them, every field and the body
//   dlqRedrive -g GROUP (-i MSGID | -a) [-r]  send them again
//
// Reading: GET_ROUTEINFO_BY_TOPIC (105) for %DLQ%<group>, then per queue
// GET_MIN_OFFSET (31) / GET_MAX_OFFSET (30) and PULL_MESSAGE (11) as
// TOOLS_CONSUMER with subscription "*", never committing an offset
// (queue_pull.h). The dead-letter topic is readable (perm 6, 4.9+; quirks Q32).
//
// Redrive: SEND_MESSAGE_V2 (310) of a copy of each message to its original
// topic (property RETRY_TOPIC), or with -r to %RETRY%<group> so that only
// this group consumes it again (the push consumer restores the topic from
// RETRY_TOPIC). The copy keeps body, flag, compression, TAGS, KEYS, UNIQ_KEY
// (the client msgId stays the same) and user properties; the retry/DLQ
// bookkeeping (DELAY, REAL_TOPIC, ORIGIN_MESSAGE_ID, ...) is stripped and
// reconsumeTimes starts at 0 again. Redrive is at-least-once: the dead-letter
// copies stay where they are (a queue cannot be edited), so running it twice
// sends twice; consumers see the same msgId and can drop duplicates.

#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "src/protocol/message_const.h"
#include "src/protocol/perm.h"
#include "src/protocol/send_headers.h"
#include "src/protocol/subscription_data.h"
#include "tools/admin/message_print.h"
#include "tools/admin/queue_pull.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

namespace PK = protocol::PropertyKey;

constexpr char kDlqPrefix[] = "%DLQ%";
constexpr char kRetryPrefix[] = "%RETRY%";
constexpr int32_t kPullBatch = 32;
// Every message is read when -m is not given, up to this many.
constexpr int64_t kDefaultMax = 1000;
// The producer group of redrive sends.
constexpr char kRedriveProducerGroup[] = "TOOLS_DLQ_REDRIVE";

// Properties of the retry and dead-letter machinery, not of the message:
// stripped from a redriven copy (the broker adds CLUSTER again).
constexpr std::string_view kBookkeeping[] = {
    PK::kRetryTopic,     PK::kOriginMessageId,   PK::kDelayTimeLevel,   PK::kRealTopic,
    PK::kRealQueueId,    PK::kReconsumeTime,     PK::kMaxReconsumeTimes, PK::kWaitStoreMsgOk,
    PK::kCluster,        PK::kMinOffset,         PK::kMaxOffset,        PK::kTransactionPrepared,
    PK::kProducerGroup,  PK::kConsumeStartTimestamp, PK::kMsgRegion,    PK::kTraceSwitch,
    PK::kTimerDeliverMs, PK::kTimerDelaySec,     PK::kTimerDelayMs,     PK::kTimerOutMs,
    PK::kTimerEnqueueMs, PK::kTimerDequeueMs,    PK::kTimerRollTimes,   PK::kTimerDelUniqKey};

std::string DlqTopic(const std::string& group) { return kDlqPrefix + group; }

// The route of %DLQ%<group>; a missing topic says why in the group's terms.
Result<protocol::TopicRouteData> DlqRoute(AdminClient& client, const std::string& group) {
  Result<protocol::TopicRouteData> route = client.GetTopicRoute(DlqTopic(group));
  if (!route.ok() && route.status().code() == StatusCode::kNotFound) {
    return Status::NotFound(fmt::format(
        "group '{}' has no dead-letter topic {} (no message has been dead-lettered)", group,
        DlqTopic(group)));
  }
  return route;
}

// Up to `max` messages of every queue of %DLQ%<group>, oldest first per queue.
Result<std::vector<FoundMessage>> ReadDeadLetters(AdminClient& client, const std::string& group,
                                                  int64_t max) {
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, DlqRoute(client, group));
  const std::string topic = DlqTopic(group);
  const protocol::SubscriptionData sub = protocol::BuildSubscriptionData(topic, "*", "TAG", 0);
  std::vector<FoundMessage> out;
  for (const QueueTarget& q : ReadQueuesOf(route, topic)) {
    TERN_ASSIGN_OR_RETURN(int64_t offset, MinOffset(client, q));
    TERN_ASSIGN_OR_RETURN(int64_t end, MaxOffset(client, q));
    while (offset < end && static_cast<int64_t>(out.size()) < max) {
      TERN_ASSIGN_OR_RETURN(PullOutcome pulled,
                            PullQueue(client, q, kToolsConsumerGroup, sub, offset, kPullBatch));
      if (pulled.status != PullStatus::kFound && pulled.status != PullStatus::kNoMatchedMsg) break;
      if (pulled.next_begin_offset <= offset) break;
      for (auto& m : pulled.messages) {
        if (static_cast<int64_t>(out.size()) >= max) break;
        m.broker_name = q.mq.broker_name;
        out.push_back(std::move(m));
      }
      offset = pulled.next_begin_offset;
    }
  }
  return out;
}

bool Matches(const FoundMessage& m, const std::string& id) {
  return MessageId(m) == id || m.offset_id == id;
}

// The message(s) -i names: its client msgId (UNIQ_KEY) or its offset msgId on
// the dead-letter topic. NotFound naming both when none matches.
Result<std::vector<FoundMessage>> FindDeadLetter(AdminClient& client, const std::string& group,
                                                 const std::string& id) {
  TERN_ASSIGN_OR_RETURN(std::vector<FoundMessage> all,
                        ReadDeadLetters(client, group, INT64_MAX));
  std::vector<FoundMessage> found;
  for (auto& m : all) {
    if (Matches(m, id)) found.push_back(std::move(m));
  }
  if (found.empty()) {
    return Status::NotFound(
        fmt::format("no message with id '{}' on {}", id, DlqTopic(group)));
  }
  return found;
}

Status RunList(CommandContext& ctx) {
  const std::string group = ctx.Get("group");
  TERN_ASSIGN_OR_RETURN(int64_t max, ctx.GetInt("maxNum", kDefaultMax, 1, INT32_MAX));
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(std::vector<FoundMessage> found, ReadDeadLetters(*client, group, max));
  Table t({{"#Broker Name", "brokerName"},
           {"#QID", "queueId", Align::kRight},
           {"#Offset", "queueOffset", Align::kRight},
           {"#MsgId", "msgId"},
           {"#Original Topic", "originalTopic"},
           {"#ReconsumeTimes", "reconsumeTimes", Align::kRight},
           {"#StoreTime", "storeTime"}});
  for (const auto& m : found) {
    t.AddRow({m.broker_name, m.fields.queue_id.value(), m.fields.queue_offset.value(),
              MessageId(m), PropertyOr(m, PK::kRetryTopic, ""), m.fields.reconsume_times,
              HumanTime(m.fields.store_timestamp)});
  }
  ctx.PrintTable(t);
  return Status::Ok();
}

Status RunShow(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(std::vector<FoundMessage> found,
                        FindDeadLetter(*client, ctx.Get("group"), ctx.Get("msgId")));
  PrintMessages(ctx, found);
  return Status::Ok();
}

// ---- redrive ------------------------------------------------------------------------------

// The copy's properties: the message's, without the bookkeeping; with -r the
// original topic stays in RETRY_TOPIC for the consumer to restore.
std::string RedriveProperties(const FoundMessage& m, const std::string& original_topic,
                              bool to_retry_topic) {
  protocol::MessageProperties props = m.properties;
  for (std::string_view key : kBookkeeping) props.Remove(key);
  if (to_retry_topic) props.Set(PK::kRetryTopic, original_topic);
  return props.Serialize();
}

struct Redriven {
  std::string msg_id;
  std::string dead_letter_offset_id;
  std::string topic;
  std::string broker_name;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  std::string offset_msg_id;  // of the new copy
};

// Sends one message; `next` round-robins over the target's writable queues.
Result<Redriven> RedriveOne(AdminClient& client, const FoundMessage& m, const std::string& group,
                            bool to_retry_topic, size_t* next) {
  const std::string original = PropertyOr(m, PK::kRetryTopic, "");
  if (original.empty()) {
    return Status::InvalidArgument(fmt::format(
        "message {} has no RETRY_TOPIC property: its original topic is unknown", MessageId(m)));
  }
  const std::string target = to_retry_topic ? kRetryPrefix + group : original;
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client.GetTopicRoute(target));
  std::vector<WriteQueue> queues = WritableQueues(route);
  if (queues.empty()) {
    return Status::NotFound(fmt::format("topic '{}' has no writable queue", target));
  }
  const WriteQueue& q = queues[(*next)++ % queues.size()];
  OutgoingMessage out;
  out.producer_group = kRedriveProducerGroup;
  out.topic = target;
  out.properties = RedriveProperties(m, original, to_retry_topic);
  out.body = std::string(m.fields.body);
  out.flag = m.fields.flag;
  // Only the compression bits: the broker sets the rest for the new topic.
  out.sys_flag = m.fields.sys_flag & (protocol::MessageSysFlag::kCompressed |
                                      protocol::MessageSysFlag::kCompressionTypeMask);
  TERN_ASSIGN_OR_RETURN(RemotingCommand resp, client.CallBroker(q.addr, SendRequest(q, out)));
  if (!SendStored(resp.code)) {
    return Status::Internal(fmt::format("broker {} refused SEND_MESSAGE_V2 of {}: {} ({})", q.addr,
                                        MessageId(m), FirstLineOfRemark(resp),
                                        ResponseCodeName(resp.code)));
  }
  auto header = protocol::SendMessageResponseHeader::Parse(resp.ext_fields);
  if (!header.ok()) return BadBody(header.status(), "send response", "broker " + q.addr);
  return Redriven{MessageId(m),  m.offset_id,      target,          q.broker_name,
                  header->queue_id, header->queue_offset, header->msg_id};
}

Status RunRedrive(CommandContext& ctx) {
  const std::string group = ctx.Get("group");
  const bool all = ctx.Has("all");
  const bool to_retry_topic = ctx.Has("retryTopic");
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  std::vector<FoundMessage> selected;
  if (all) {
    TERN_ASSIGN_OR_RETURN(selected, ReadDeadLetters(*client, group, INT64_MAX));
  } else {
    TERN_ASSIGN_OR_RETURN(selected, FindDeadLetter(*client, group, ctx.Get("msgId")));
  }
  std::vector<Redriven> sent;
  std::vector<std::string> failures;
  size_t next = 0;
  for (const auto& m : selected) {
    Result<Redriven> r = RedriveOne(*client, m, group, to_retry_topic, &next);
    if (r.ok()) {
      sent.push_back(std::move(r).value());
    } else {
      failures.push_back(r.status().message());
    }
  }
  if (ctx.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : sent) {
      arr.push_back({{"msgId", s.msg_id},
                     {"deadLetterOffsetMsgId", s.dead_letter_offset_id},
                     {"topic", s.topic},
                     {"brokerName", s.broker_name},
                     {"queueId", s.queue_id},
                     {"queueOffset", s.queue_offset},
                     {"offsetMsgId", s.offset_msg_id}});
    }
    ctx.PrintJson(arr);
  } else {
    for (const auto& s : sent) {
      ctx.Print(fmt::format("REDRIVEN: {} -> {} (broker {}, queue {}, offset {}, offsetMsgId {})\n",
                            s.msg_id, s.topic, s.broker_name, s.queue_id, s.queue_offset,
                            s.offset_msg_id));
    }
    ctx.Print(fmt::format("{} message(s) of {} sent again; the dead-letter copies stay "
                          "(at-least-once: a second redrive sends them again)\n",
                          sent.size(), DlqTopic(group)));
  }
  if (!failures.empty()) {
    return Status::Internal(fmt::format("{} of {} message(s) not redriven: {}", failures.size(),
                                        selected.size(), failures.front()));
  }
  return Status::Ok();
}

}  // namespace

AdminCommand DlqListCommand() {
  return {"dlqList",
          "List a consumer group's dead-letter messages (TernMQ).",
          {{"g", "group", "GROUP", "consumer group", true},
           {"m", "maxNum", "N", "most messages to list (default 1000)"}},
          RunList,
          "Sends GET_ROUTEINFO_BY_TOPIC (105) for %DLQ%<group>, then GET_MIN_OFFSET (31),\n"
          "GET_MAX_OFFSET (30) and PULL_MESSAGE (11, group TOOLS_CONSUMER, no commit) per queue."};
}

AdminCommand DlqShowCommand() {
  return {"dlqShow",
          "Show one dead-letter message with its properties and body (TernMQ).",
          {{"g", "group", "GROUP", "consumer group", true},
           {"i", "msgId", "MSGID", "message id (client msgId or offset msgId)", true}},
          RunShow,
          "Reads %DLQ%<group> as dlqList does and prints the matching message(s) as\n"
          "queryMsgById does."};
}

AdminCommand DlqRedriveCommand() {
  return {"dlqRedrive",
          "Send dead-letter messages again to their original topic (TernMQ).",
          {{"g", "group", "GROUP", "consumer group", true},
           {"i", "msgId", "MSGID", "one message (client msgId or offset msgId)", false, 1},
           {"a", "all", "", "every message of the group's dead-letter topic", false, 1},
           {"r", "retryTopic", "",
            "send to %RETRY%<group> instead, so only this group consumes it again"}},
          RunRedrive,
          "Reads %DLQ%<group> as dlqList does, then SEND_MESSAGE_V2 (310) of each copy to its\n"
          "RETRY_TOPIC (or %RETRY%<group> with -r), without the retry/DLQ properties and with\n"
          "reconsumeTimes 0. At-least-once: the dead-letter copies stay, so a second run sends\n"
          "them again (same client msgId, for consumers that drop duplicates)."};
}

}  // namespace tern::tools::admin
