// resumeCheckHalfMessage -t TOPIC -i MSG_ID: RESUME_CHECK_HALF_MESSAGE (323,
// header topic + msgId) for a transaction parked in TRANS_CHECK_MAX_TIME_TOPIC
// after transactionCheckMax checks, so that the broker checks it again.
// MSG_ID is the parked copy's offset msgId (sent to the broker it names, as
// RocketMQ 4.9 does) or, with a TernMQ broker, the transaction's UNIQ_KEY
// (msgId of the send result); then every master of the topic's route is
// asked until one resumes it.
#include <fmt/format.h>

#include <algorithm>

#include "src/protocol/codes.h"
#include "src/protocol/message_id.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

Status Run(CommandContext& ctx) {
  const std::string topic = ctx.Get("topic");
  const std::string id = ctx.Get("msgId");
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  std::vector<std::string> brokers;
  if (auto decoded = protocol::DecodeOffsetMessageId(id); decoded.ok()) {
    brokers.push_back(decoded->store_host.ToString());
  }
  auto route = client->GetTopicRoute(topic);
  if (route.ok()) {
    for (const auto& b : route->broker_datas) {
      if (auto m = MasterAddr(b);
          m && std::find(brokers.begin(), brokers.end(), *m) == brokers.end())
        brokers.push_back(*m);
    }
  }
  if (brokers.empty()) return route.status();
  Status last =
      Status::NotFound(fmt::format("no broker of topic '{}' could resume '{}'", topic, id));
  for (const std::string& addr : brokers) {
    RemotingCommand req = RemotingCommand::Request(protocol::RequestCode::kResumeCheckHalfMessage);
    req.SetField("topic", topic);
    req.SetField("msgId", id);
    auto resp = client->CallBrokerOk(addr, std::move(req), "RESUME_CHECK_HALF_MESSAGE");
    if (!resp.ok()) {
      last = resp.status();
      continue;
    }
    if (ctx.json()) {
      ctx.PrintJson({{"topic", topic}, {"msgId", id}, {"brokerAddr", addr}, {"result", "success"}});
    } else {
      ctx.Print(fmt::format("resume check half message success: topic={} msgId={} broker={}\n",
                            topic, id, addr));
    }
    return Status::Ok();
  }
  return last;
}

}  // namespace

AdminCommand ResumeCheckHalfMessageCommand() {
  return {"resumeCheckHalfMessage",
          "Resume checking a transaction parked after too many checks.",
          {{"t", "topic", "TOPIC", "the transaction's topic", true},
           {"i", "msgId", "MSG_ID",
            "offset msgId of the parked copy, or the transaction's UNIQ_KEY (TernMQ)", true}},
          Run,
          "Sends RESUME_CHECK_HALF_MESSAGE (323, header topic + msgId) to the broker an offset\n"
          "msgId names, then to the masters of the topic's route, until one answers SUCCESS.\n"
          "The broker appends the parked copy from TRANS_CHECK_MAX_TIME_TOPIC to the half\n"
          "queue again; it is checked from 0. A transaction decided meanwhile is refused."};
}

}  // namespace tern::tools::admin
