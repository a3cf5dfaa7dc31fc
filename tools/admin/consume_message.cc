// consumeMessage -t TOPIC [-b BROKER_NAME [-i QUEUE_ID [-o OFFSET]]] [-g GROUP]
//                [-s begin] [-e end] [-c count]: pull messages and print them,
// with RocketMQ's ConsumeMessageCommand semantics:
//   no -i      every read queue of the topic (of -b only, when given) in order, from its min offset
//   (or
//              -s by time) to its max (or -e by time), at most -c (128)
//              messages in all, older first ("The older N message of the Q
//              queue will be provided" when a queue is cut);
//   -b -i [-o] that queue from max(min or -s, -o), at most -c messages.
// Each batch found prints "Consume ok" and the messages in printMsg's line
// form. The pulls are PULL_MESSAGE (11) as -g (default TOOLS_CONSUMER) with
// subscription "*", no commit and no suspend: like RocketMQ's pull consumer,
// the group's committed offsets are neither used nor moved.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "tools/admin/queue_pull.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

constexpr int32_t kPullBatch = 32;

struct Range {
  int64_t from = 0;
  int64_t to = 0;  // exclusive
};

struct Plan {
  std::string group;
  int64_t count = 128;
  int64_t begin = 0;  // 0: not given
  int64_t end = 0;
};

Result<Range> RangeOf(AdminClient& client, const QueueTarget& q, const Plan& plan) {
  Range r;
  TERN_ASSIGN_OR_RETURN(r.from, MinOffset(client, q));
  TERN_ASSIGN_OR_RETURN(r.to, MaxOffset(client, q));
  if (plan.begin > 0) {
    TERN_ASSIGN_OR_RETURN(r.from, SearchOffset(client, q, plan.begin));
  }
  if (plan.end > 0) {
    TERN_ASSIGN_OR_RETURN(r.to, SearchOffset(client, q, plan.end));
  }
  return r;
}

// Pulls [range.from, range.to) of one queue and prints what it finds.
Status PullRange(CommandContext& ctx, AdminClient& client, const QueueTarget& q, const Plan& plan,
                 Range range, nlohmann::json* json_out) {
  const protocol::SubscriptionData all = protocol::BuildSubscriptionData(q.mq.topic, "*", "TAG", 0);
  for (int64_t offset = range.from; offset < range.to;) {
    const int32_t batch = static_cast<int32_t>(std::min<int64_t>(kPullBatch, range.to - offset));
    TERN_ASSIGN_OR_RETURN(PullOutcome pulled, PullQueue(client, q, plan.group, all, offset, batch));
    const bool moved = pulled.next_begin_offset > offset;
    offset = pulled.next_begin_offset;
    if (pulled.status == PullStatus::kFound) {
      if (!ctx.json()) ctx.Print("Consume ok\n");
      for (const FoundMessage& m : pulled.messages) {
        if (m.fields.queue_offset.value() >= range.to) break;
        if (ctx.json()) {
          json_out->push_back(MessageJson(m));
        } else {
          ctx.Print(PrintMsgLine(m, true));
        }
      }
    } else if (pulled.status == PullStatus::kNoMatchedMsg) {
      if (!ctx.json()) {
        ctx.Print(fmt::format("{} no matched msg. status={}, offset={}\n", DescribeQueue(q.mq),
                              PullStatusName(pulled.status), offset));
      }
    } else {
      if (!ctx.json()) {
        ctx.Print(fmt::format("{} print msg finished. status={}, offset={}\n", DescribeQueue(q.mq),
                              PullStatusName(pulled.status), offset));
      }
      break;
    }
    if (!moved) break;
  }
  return Status::Ok();
}

// `broker` (optional) keeps the queues of that broker only; RocketMQ ignores
// -b without -i.
Status RunDefault(CommandContext& ctx, AdminClient& client, const std::string& topic,
                  const std::string& broker, const Plan& plan, nlohmann::json* json_out) {
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client.GetTopicRoute(topic));
  std::vector<QueueTarget> queues = ReadQueuesOf(route, topic);
  if (!broker.empty()) {
    std::erase_if(queues, [&](const QueueTarget& q) { return q.mq.broker_name != broker; });
    if (queues.empty()) {
      return Status::NotFound(fmt::format("broker '{}' does not serve topic '{}'", broker, topic));
    }
  }
  int64_t left = plan.count;
  for (const QueueTarget& q : queues) {
    if (left == 0) break;
    TERN_ASSIGN_OR_RETURN(Range range, RangeOf(client, q, plan));
    if (range.to <= range.from) continue;
    if (range.to - range.from > left) {
      if (!ctx.json()) {
        ctx.Print(fmt::format("The older {} message of the {} queue will be provided\n", left,
                              q.mq.queue_id));
      }
      range.to = range.from + left;
    }
    left -= range.to - range.from;
    TERN_RETURN_IF_ERROR(PullRange(ctx, client, q, plan, range, json_out));
  }
  return Status::Ok();
}

Status RunByQueue(CommandContext& ctx, AdminClient& client, const std::string& topic,
                  const std::string& broker, int32_t queue_id, int64_t offset, const Plan& plan,
                  nlohmann::json* json_out) {
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client.GetTopicRoute(topic));
  TERN_ASSIGN_OR_RETURN(QueueTarget q, FindQueue(route, topic, broker, queue_id));
  TERN_ASSIGN_OR_RETURN(Range range, RangeOf(client, q, plan));
  if (offset > range.to) {
    if (!ctx.json()) {
      ctx.Print(fmt::format("{} no matched msg, offset={}\n", DescribeQueue(q.mq), offset));
    }
    return Status::Ok();
  }
  range.from = std::max(range.from, offset);
  if (range.to - range.from > plan.count) {
    if (!ctx.json()) {
      ctx.Print(fmt::format("The older {} message will be provided\n", plan.count));
    }
    range.to = range.from + plan.count;
  }
  return PullRange(ctx, client, q, plan, range, json_out);
}

Status Run(CommandContext& ctx) {
  const std::string topic = ctx.Get("topic");
  Plan plan;
  plan.group = ctx.Get("consumerGroup", kToolsConsumerGroup);
  TERN_ASSIGN_OR_RETURN(plan.count, ctx.GetInt("MessageNumber", 128, 1, INT32_MAX));
  if (ctx.Has("queueId") && !ctx.Has("brokerName")) {
    return Status::InvalidArgument("option -i (queueId) needs -b (brokerName)");
  }
  if (ctx.Has("offset") && !ctx.Has("queueId")) {
    return Status::InvalidArgument("option -o (offset) needs -i (queueId)");
  }
  TERN_ASSIGN_OR_RETURN(int64_t queue_id, ctx.GetInt("queueId", 0, 0, INT32_MAX));
  TERN_ASSIGN_OR_RETURN(int64_t offset, ctx.GetInt("offset", 0, 0, INT64_MAX));
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  if (ctx.Has("beginTimestamp")) {
    TERN_ASSIGN_OR_RETURN(plan.begin,
                          ParseTimestamp(ctx.Get("beginTimestamp"), "-s (beginTimestamp)"));
    if (plan.begin > now) {
      return Status::InvalidArgument("option -s (beginTimestamp) is in the future");
    }
  }
  if (ctx.Has("endTimestamp")) {
    TERN_ASSIGN_OR_RETURN(plan.end, ParseTimestamp(ctx.Get("endTimestamp"), "-e (endTimestamp)"));
    if (plan.end > now) return Status::InvalidArgument("option -e (endTimestamp) is in the future");
    if (plan.begin > plan.end) {
      return Status::InvalidArgument("option -s (beginTimestamp) is after -e (endTimestamp)");
    }
  }
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  nlohmann::json messages = nlohmann::json::array();
  if (ctx.Has("queueId")) {
    TERN_RETURN_IF_ERROR(RunByQueue(ctx, *client, topic, ctx.Get("brokerName"),
                                    static_cast<int32_t>(queue_id), offset, plan, &messages));
  } else {
    TERN_RETURN_IF_ERROR(RunDefault(ctx, *client, topic, ctx.Get("brokerName"), plan, &messages));
  }
  if (ctx.json()) ctx.PrintJson({{"topic", topic}, {"messages", std::move(messages)}});
  return Status::Ok();
}

}  // namespace

AdminCommand ConsumeMessageCommand() {
  return {
      "consumeMessage",
      "Consume message.",
      {{"t", "topic", "TOPIC", "Topic name", true},
       {"b", "brokerName", "BROKER_NAME", "Broker name (without -i: that broker's queues only)"},
       {"i", "queueId", "QUEUE_ID", "Queue Id (needs -b)"},
       {"o", "offset", "OFFSET", "Queue offset (needs -i)"},
       {"g", "consumerGroup", "GROUP", "Consumer group name (default TOOLS_CONSUMER)"},
       {"s", "beginTimestamp", "TIME",
        "Begin timestamp [currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]"},
       {"e", "endTimestamp", "TIME", "End timestamp [currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]"},
       {"c", "MessageNumber", "N", "Number of message to be consumed (default 128)"}},
      Run,
      "Sends GET_ROUTEINFO_BY_TOPIC (105); per queue GET_MIN_OFFSET (31) and\n"
      "GET_MAX_OFFSET (30) (-s/-e: SEARCH_OFFSET_BY_TIMESTAMP (29)), then PULL_MESSAGE (11)\n"
      "as -g with no commit: the group's committed offsets are neither read nor moved."};
}

}  // namespace tern::tools::admin
