// printMsg -t TOPIC [-c charset] [-s subExpression] [-b begin] [-e end] [-d printBody]:
// every message of every read queue of the topic, as RocketMQ's
// PrintMessageSubCommand. Per queue: GET_MIN_OFFSET (31) / GET_MAX_OFFSET (30)
// (SEARCH_OFFSET_BY_TIMESTAMP (29) for -b / -e), then PULL_MESSAGE (11) 32 at a
// time from begin to end as TOOLS_CONSUMER with the -s subscription. Output:
//   minOffset=0, maxOffset=3, MessageQueue [topic=T, brokerName=b, queueId=0]
//   MSGID: <id> MessageExt [...] BODY: <body>
//   MessageQueue [...] print msg finished. status=NO_NEW_MSG, offset=3
//   --------------------------------------------------------
// Bounded: the end offset is fixed before the first pull and a pull that does
// not move the offset ends the queue, so messages arriving meanwhile cannot
// keep it running.
#include <fmt/format.h>

#include "tools/admin/queue_pull.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

constexpr int32_t kPullBatch = 32;

Status Run(CommandContext& ctx) {
  const std::string topic = ctx.Get("topic");
  if (ctx.Has("charsetName")) {
    TERN_RETURN_IF_ERROR(CheckCharset(ctx.Get("charsetName"), "-c (charsetName)"));
  }
  const std::string expression = ctx.Get("subExpression", "*");
  TERN_ASSIGN_OR_RETURN(bool print_body, ctx.GetBool("printBody", true));
  std::optional<int64_t> begin, end;
  if (ctx.Has("beginTimestamp")) {
    TERN_ASSIGN_OR_RETURN(begin, ParseTimestamp(ctx.Get("beginTimestamp"), "-b (beginTimestamp)"));
  }
  if (ctx.Has("endTimestamp")) {
    TERN_ASSIGN_OR_RETURN(end, ParseTimestamp(ctx.Get("endTimestamp"), "-e (endTimestamp)"));
  }
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client->GetTopicRoute(topic));
  const protocol::SubscriptionData sub =
      protocol::BuildSubscriptionData(topic, expression, "TAG", 0);

  nlohmann::json queues = nlohmann::json::array();
  for (const QueueTarget& q : ReadQueuesOf(route, topic)) {
    TERN_ASSIGN_OR_RETURN(int64_t min_offset, MinOffset(*client, q));
    TERN_ASSIGN_OR_RETURN(int64_t max_offset, MaxOffset(*client, q));
    if (begin) {
      TERN_ASSIGN_OR_RETURN(min_offset, SearchOffset(*client, q, *begin));
    }
    if (end) {
      TERN_ASSIGN_OR_RETURN(max_offset, SearchOffset(*client, q, *end));
    }
    nlohmann::json messages = nlohmann::json::array();
    if (!ctx.json()) {
      ctx.Print(fmt::format("minOffset={}, maxOffset={}, {}\n", min_offset, max_offset,
                            DescribeQueue(q.mq)));
    }
    for (int64_t offset = min_offset; offset < max_offset;) {
      TERN_ASSIGN_OR_RETURN(PullOutcome pulled,
                            PullQueue(*client, q, kToolsConsumerGroup, sub, offset, kPullBatch));
      const bool moved = pulled.next_begin_offset > offset;
      offset = pulled.next_begin_offset;
      if (pulled.status == PullStatus::kFound) {
        for (const FoundMessage& m : pulled.messages) {
          if (m.fields.queue_offset.value() >= max_offset) break;
          if (ctx.json()) {
            messages.push_back(MessageJson(m, print_body));
          } else {
            ctx.Print(PrintMsgLine(m, print_body));
          }
        }
      } else if (pulled.status == PullStatus::kNoMatchedMsg && !ctx.json()) {
        ctx.Print(fmt::format("{} no matched msg. status={}, offset={}\n", DescribeQueue(q.mq),
                              PullStatusName(pulled.status), offset));
      } else if (pulled.status != PullStatus::kNoMatchedMsg) {
        if (!ctx.json()) {
          ctx.Print(fmt::format("{} print msg finished. status={}, offset={}\n",
                                DescribeQueue(q.mq), PullStatusName(pulled.status), offset));
        }
        break;
      }
      if (!moved) break;
    }
    if (ctx.json()) {
      queues.push_back({{"topic", topic},
                        {"brokerName", q.mq.broker_name},
                        {"queueId", q.mq.queue_id},
                        {"minOffset", min_offset},
                        {"maxOffset", max_offset},
                        {"messages", std::move(messages)}});
    } else {
      ctx.Print("--------------------------------------------------------\n");
    }
  }
  if (ctx.json()) ctx.PrintJson({{"topic", topic}, {"queues", std::move(queues)}});
  return Status::Ok();
}

}  // namespace

AdminCommand PrintMsgCommand() {
  return {
      "printMsg",
      "Print Message Detail.",
      {{"t", "topic", "TOPIC", "topic name", true},
       {"c", "charsetName", "CHARSET", "CharsetName (UTF-8 only)"},
       {"s", "subExpression", "EXPR", "Subscribe Expression (eg: TagA || TagB)"},
       {"b", "beginTimestamp", "TIME",
        "Begin timestamp [currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]"},
       {"e", "endTimestamp", "TIME", "End timestamp [currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]"},
       {"d", "printBody", "BOOL", "print body (default true)"}},
      Run,
      "Sends GET_ROUTEINFO_BY_TOPIC (105); per read queue GET_MIN_OFFSET (31) and\n"
      "GET_MAX_OFFSET (30) (-b/-e: SEARCH_OFFSET_BY_TIMESTAMP (29)), then PULL_MESSAGE (11)\n"
      "32 at a time as TOOLS_CONSUMER (no commit). RocketMQ's -l (lmq parent topic) is not\n"
      "implemented."};
}

}  // namespace tern::tools::admin
