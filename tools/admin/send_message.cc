// sendMessage -t TOPIC -p BODY [-k keys] [-c tags] [-b BROKER_NAME [-i QUEUE_ID]]
// [-m msgTraceEnable]: one message, as RocketMQ's SendMessageCommand sends it
// with a DefaultMQProducer, but on the wire: GET_ROUTEINFO_BY_TOPIC (105),
// then SEND_MESSAGE_V2 (310) to the master of the chosen queue. The queue is
// the -b/-i one, else one of the writable queues (of -b when given) starting
// at a random one, as a new producer's round robin does; a broker that cannot
// be reached is retried on the next queue of another broker (2 retries, as
// the producer's default). A refusal is an error with the broker's remark.
// Prints RocketMQ's table `#Broker Name  #QID  #Send Result  #MsgId` (the
// msgId is the client id UNIQ_KEY). -m is accepted and ignored (no trace).
// An unknown topic is an error (the producer's auto-creation through TBW102
// is not done).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <random>

#include "src/protocol/codes.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/perm.h"
#include "src/protocol/send_headers.h"
#include "tools/admin/queue_pull.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

namespace Code = protocol::ResponseCode;
namespace PK = protocol::PropertyKey;

constexpr int kRetries = 2;

std::string_view SendStatusName(int32_t code) {
  switch (code) {
    case Code::kFlushDiskTimeout:
      return "FLUSH_DISK_TIMEOUT";
    case Code::kFlushSlaveTimeout:
      return "FLUSH_SLAVE_TIMEOUT";
    case Code::kSlaveNotAvailable:
      return "SLAVE_NOT_AVAILABLE";
    default:
      return "SEND_OK";
  }
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Run(CommandContext& ctx) {
  const std::string topic = ctx.Get("topic");
  const std::string body = ctx.Get("body");
  if (body.empty()) return Status::InvalidArgument("option -p (body) must not be empty");
  if (ctx.Has("qid") && !ctx.Has("broker")) {
    return Status::InvalidArgument("option -i (qid) needs -b (broker): the broker name");
  }
  TERN_ASSIGN_OR_RETURN(int64_t qid, ctx.GetInt("qid", -1, 0, INT32_MAX));
  TERN_ASSIGN_OR_RETURN(bool trace, ctx.GetBool("msgTraceEnable", false));
  (void)trace;  // accepted for RocketMQ's command line; TernMQ's tool sends no trace
  const std::string broker = ctx.Get("broker");

  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client->GetTopicRoute(topic));
  std::vector<WriteQueue> queues = WritableQueues(route);
  if (!broker.empty()) {
    std::erase_if(queues, [&](const WriteQueue& q) { return q.broker_name != broker; });
    if (queues.empty()) {
      return Status::NotFound(fmt::format(
          "broker '{}' has no writable queue of topic '{}' (or no master online)", broker, topic));
    }
    if (qid >= 0) {
      std::erase_if(queues, [&](const WriteQueue& q) { return q.queue_id != qid; });
      if (queues.empty()) {
        return Status::InvalidArgument(fmt::format(
            "queue {} does not exist: not a writable queue of topic '{}' on broker '{}'", qid,
            topic, broker));
      }
    }
  }
  if (queues.empty()) {
    return Status::NotFound(fmt::format("topic '{}' has no writable queue", topic));
  }

  const std::string uniq_key = protocol::UniqueIdGenerator::ForThisProcess().Next();
  std::string properties;
  if (ctx.Has("tags")) protocol::AppendProperty(&properties, PK::kTags, ctx.Get("tags"));
  if (ctx.Has("key")) protocol::AppendProperty(&properties, PK::kKeys, ctx.Get("key"));
  protocol::AppendProperty(&properties, PK::kWaitStoreMsgOk, "true");
  protocol::AppendProperty(&properties, PK::kUniqClientMessageIdKeyIdx, uniq_key);

  OutgoingMessage out;
  out.producer_group = std::to_string(NowMs());  // as RocketMQ names the tool's producer
  out.topic = topic;
  out.properties = properties;
  out.body = body;
  std::mt19937 rng(std::random_device{}());
  size_t index = std::uniform_int_distribution<size_t>(0, queues.size() - 1)(rng);
  Status last = Status::Ok();
  std::string failed_broker;
  for (int attempt = 0; attempt <= kRetries; ++attempt) {
    // After a failure, the next queue on another broker if there is one.
    for (size_t n = 0; n < queues.size() && queues[index].broker_name == failed_broker; ++n) {
      index = (index + 1) % queues.size();
    }
    const WriteQueue& q = queues[index];
    index = (index + 1) % queues.size();
    Result<RemotingCommand> resp =
        client->CallBroker(q.addr, SendRequest(q, out));
    if (!resp.ok()) {
      last = resp.status();
      failed_broker = q.broker_name;
      continue;
    }
    const int32_t code = resp->code;
    if (!SendStored(code)) {
      return Status::Internal(fmt::format("broker {} refused SEND_MESSAGE_V2: {} ({})", q.addr,
                                          FirstLineOfRemark(*resp), ResponseCodeName(code)));
    }
    Result<protocol::SendMessageResponseHeader> header =
        protocol::SendMessageResponseHeader::Parse(resp->ext_fields);
    if (!header.ok()) return BadBody(header.status(), "send response header", "broker " + q.addr);
    Table t({{"#Broker Name", "brokerName"},
             {"#QID", "queueId", Align::kRight},
             {"#Send Result", "sendStatus"},
             {"#MsgId", "msgId"}});
    t.AddRow({q.broker_name, header->queue_id, std::string(SendStatusName(code)), uniq_key});
    if (ctx.json()) {
      ctx.PrintJson({{"brokerName", q.broker_name},
                     {"queueId", header->queue_id},
                     {"sendStatus", std::string(SendStatusName(code))},
                     {"msgId", uniq_key},
                     {"offsetMsgId", header->msg_id},
                     {"queueOffset", header->queue_offset}});
    } else {
      ctx.Print(t.Render());
    }
    return Status::Ok();
  }
  return last;
}

}  // namespace

AdminCommand SendMessageCommand() {
  return {"sendMessage",
          "Send a message.",
          {{"t", "topic", "TOPIC", "Topic name", true},
           {"p", "body", "BODY", "UTF-8 string format of the message body", true},
           {"k", "key", "KEYS", "Message keys"},
           {"c", "tags", "TAGS", "Message tags"},
           {"b", "broker", "BROKER_NAME", "Send message to target broker"},
           {"i", "qid", "QUEUE_ID", "Send message to target queue (needs -b)"},
           {"m", "msgTraceEnable", "BOOL", "Message Trace Enable (accepted, ignored)"}},
          Run,
          "Sends GET_ROUTEINFO_BY_TOPIC (105), then SEND_MESSAGE_V2 (310) to the master of the\n"
          "-b/-i queue or of a writable queue from a random start (2 retries on unreachable\n"
          "brokers). An unknown topic is an error (no auto-creation through TBW102)."};
}

}  // namespace tern::tools::admin
