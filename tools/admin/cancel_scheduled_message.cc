// cancelScheduledMessage -t TOPIC -i UNIQ_KEY: CANCEL_SCHEDULED_MESSAGE (5001,
// header topic + uniqKey; broker/delay/README.md) to the master of every
// broker in the topic's route until one answers CANCELLED or
// ALREADY_DELIVERED. Prints "<result>: <broker remark>" (NOT_FOUND when no
// broker knows the key). A broker that cannot be reached or refuses fails the
// command only when no other broker gave a definite answer.
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

constexpr int32_t kCancelScheduledMessage = 5001;

Status Run(CommandContext& ctx) {
  std::string topic = ctx.Get("topic");
  std::string key = ctx.Get("msgId");
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client->GetTopicRoute(topic));
  std::string result = "NOT_FOUND";
  std::string broker_addr;
  std::string remark;
  Status last_error = Status::Ok();
  for (const auto& broker : route.broker_datas) {
    auto master = MasterAddr(broker);
    if (!master) continue;
    RemotingCommand req = RemotingCommand::Request(kCancelScheduledMessage);
    req.SetField("topic", topic);
    req.SetField("uniqKey", key);
    auto response = client->CallBrokerOk(*master, std::move(req), "CANCEL_SCHEDULED_MESSAGE");
    if (!response.ok()) {
      last_error = response.status();
      continue;
    }
    std::string answer(response->Field("result").value_or(""));
    if (answer == "CANCELLED" || answer == "ALREADY_DELIVERED" || broker_addr.empty()) {
      result = answer.empty() ? "NOT_FOUND" : answer;
      broker_addr = *master;
      remark = FirstLineOfRemark(*response);
    }
    if (answer == "CANCELLED" || answer == "ALREADY_DELIVERED") break;
  }
  if (result == "NOT_FOUND" && !last_error.ok()) return last_error;
  if (ctx.json()) {
    ctx.PrintJson({{"topic", topic}, {"msgId", key}, {"result", result},
                   {"brokerAddr", broker_addr}, {"remark", remark}});
  } else {
    ctx.Print(fmt::format("{}: topic={} msgId={} broker={}{}\n", result, topic, key, broker_addr,
                          remark.empty() ? "" : " (" + remark + ")"));
  }
  return Status::Ok();
}

}  // namespace

AdminCommand CancelScheduledMessageCommand() {
  return {"cancelScheduledMessage",
          "Cancel a delayed or scheduled message by its unique key before it is due.",
          {{"t", "topic", "TOPIC", "topic the message was sent to", true},
           {"i", "msgId", "UNIQ_KEY", "the message's unique key (msgId of the send result)", true}},
          Run,
          "Sends CANCEL_SCHEDULED_MESSAGE (5001) to the master of every broker of the topic's\n"
          "route until one answers CANCELLED or ALREADY_DELIVERED; prints CANCELLED,\n"
          "ALREADY_DELIVERED or NOT_FOUND. Needs a TernMQ broker (messageIndexEnable=true)."};
}

}  // namespace tern::tools::admin
