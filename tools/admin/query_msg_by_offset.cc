// queryMsgByOffset -t TOPIC -b BROKER_NAME -i QUEUE_ID -o OFFSET: the message
// at one queue offset. GET_ROUTEINFO_BY_TOPIC (105) for the broker's master,
// then PULL_MESSAGE (11) for one message from that offset (as
// TOOLS_CONSUMER, subscription "*", no commit, no suspend), printed as
// queryMsgById prints. RocketMQ prints nothing when the pull finds no
// message; here that is an error line naming the queue and its offsets.
#include <fmt/format.h>

#include "tools/admin/queue_pull.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

Status Run(CommandContext& ctx) {
  const std::string topic = ctx.Get("topic");
  const std::string broker = ctx.Get("brokerName");
  TERN_ASSIGN_OR_RETURN(int64_t queue_id, ctx.GetInt("queueId", 0, 0, INT32_MAX));
  TERN_ASSIGN_OR_RETURN(int64_t offset, ctx.GetInt("offset", 0, 0, INT64_MAX));
  if (ctx.Has("bodyFormat")) {
    TERN_RETURN_IF_ERROR(CheckCharset(ctx.Get("bodyFormat"), "-f (bodyFormat)"));
  }
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client->GetTopicRoute(topic));
  TERN_ASSIGN_OR_RETURN(QueueTarget q,
                        FindQueue(route, topic, broker, static_cast<int32_t>(queue_id)));
  const protocol::SubscriptionData all = protocol::BuildSubscriptionData(topic, "*", "TAG", 0);
  TERN_ASSIGN_OR_RETURN(PullOutcome pulled,
                        PullQueue(*client, q, kToolsConsumerGroup, all, offset, 1));
  if (pulled.status != PullStatus::kFound) {
    const std::string held = pulled.max_offset > pulled.min_offset
                                 ? fmt::format("the queue holds offsets {}..{}", pulled.min_offset,
                                               pulled.max_offset - 1)
                                 : std::string("the queue is empty");
    return Status::NotFound(fmt::format("no message at offset {} of {} ({}; {})", offset,
                                        DescribeQueue(q.mq), PullStatusName(pulled.status), held));
  }
  PrintMessage(ctx, pulled.messages.front());
  return Status::Ok();
}

}  // namespace

AdminCommand QueryMsgByOffsetCommand() {
  return {"queryMsgByOffset",
          "Query Message by offset.",
          {{"t", "topic", "TOPIC", "topic name", true},
           {"b", "brokerName", "BROKER_NAME", "Broker Name", true},
           {"i", "queueId", "QUEUE_ID", "Queue Id", true},
           {"o", "offset", "OFFSET", "Queue Offset", true},
           {"f", "bodyFormat", "CHARSET", "body charset (UTF-8 only)"}},
          Run,
          "Sends GET_ROUTEINFO_BY_TOPIC (105), then PULL_MESSAGE (11) for one message to the\n"
          "broker's master (group TOOLS_CONSUMER, no commit, no suspend). Prints it as\n"
          "queryMsgById does; no message at that offset is an error (RocketMQ prints nothing)."};
}

}  // namespace tern::tools::admin
