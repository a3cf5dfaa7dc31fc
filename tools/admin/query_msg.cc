// queryMsgById -i OFFSET_MSGID [-t TOPIC], queryMsgByKey -t TOPIC -k KEY,
// queryMsgByUniqueKey -t TOPIC -i UNIQ_KEY.
//   byId:        decode the offset msgId (store host + commit-log offset) and
//                send VIEW_MESSAGE_BY_ID (33) to that host; when that fails
//                and -t is given, fall back to the unique-key query.
//   byKey:       GET_ROUTEINFO_BY_TOPIC (105), QUERY_MESSAGE (12) to every
//                master; records filtered by KEYS (space separated).
//   byUniqueKey: as byKey with extField _UNIQUE_KEY_QUERY=true, filtered by
//                UNIQ_KEY.
// Bodies are stored records concatenated (message-format.md §1), decoded and
// printed by message_print.h.
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_id.h"
#include "tools/admin/message_print.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;

// QUERY_MESSAGE to every master of the topic; keeps records that `match`.
template <typename Match>
Result<std::vector<FoundMessage>> QueryMessages(AdminClient* client, const std::string& topic,
                                                const std::string& key, bool unique, int64_t max,
                                                Match match) {
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client->GetTopicRoute(topic));
  std::vector<FoundMessage> found;
  for (const auto& b : route.broker_datas) {
    std::optional<std::string> addr = MasterAddr(b);
    if (!addr) continue;
    RemotingCommand req = RemotingCommand::Request(RC::kQueryMessage);
    req.SetField("topic", topic);
    req.SetField("key", key);
    req.SetField("maxNum", std::to_string(max));
    req.SetField("beginTimestamp", "0");
    req.SetField("endTimestamp", std::to_string(INT64_MAX));
    if (unique) req.SetField("_UNIQUE_KEY_QUERY", "true");
    TERN_ASSIGN_OR_RETURN(RemotingCommand resp, client->CallBroker(*addr, std::move(req)));
    if (resp.code == Code::kQueryNotFound) continue;
    if (resp.code != Code::kSuccess) {
      return Status::Internal(fmt::format("broker {} refused QUERY_MESSAGE: {} ({})", *addr,
                                          FirstLineOfRemark(resp), ResponseCodeName(resp.code)));
    }
    std::vector<FoundMessage> batch;
    Status st = DecodeRecords(resp.body, &batch);
    if (!st.ok()) return BadBody(st, "query result", "broker " + *addr);
    for (auto& m : batch) {
      if (match(m)) found.push_back(std::move(m));
    }
  }
  return found;
}

Result<std::vector<FoundMessage>> ByUniqueKey(AdminClient* client, const std::string& topic,
                                              const std::string& id) {
  return QueryMessages(client, topic, id, true, 32,
                       [&](const FoundMessage& m) { return MessageId(m) == id; });
}

Status PrintAll(CommandContext& ctx, const std::vector<FoundMessage>& found) {
  PrintMessages(ctx, found);
  return Status::Ok();
}

Status RunById(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  const std::string id = ctx.Get("msgId");
  const std::string topic = ctx.Get("topic");
  Status failure = Status::Ok();
  Result<protocol::OffsetMessageId> decoded = protocol::DecodeOffsetMessageId(id);
  if (!decoded.ok()) {
    failure = Status::InvalidArgument(fmt::format("'{}' is not an offset message id", id));
  } else {
    RemotingCommand req = RemotingCommand::Request(RC::kViewMessageById);
    req.SetField("offset", std::to_string(decoded->offset.value()));
    Result<RemotingCommand> resp = client->CallBrokerOk(decoded->store_host.ToString(),
                                                        std::move(req), "VIEW_MESSAGE_BY_ID");
    if (resp.ok()) {
      std::vector<FoundMessage> found;
      Status st = DecodeRecords(resp->body, &found);
      if (!st.ok()) return BadBody(st, "message", "broker " + decoded->store_host.ToString());
      return PrintAll(ctx, found);
    }
    failure = resp.status();
  }
  if (topic.empty()) return failure;
  TERN_ASSIGN_OR_RETURN(std::vector<FoundMessage> found, ByUniqueKey(client, topic, id));
  if (found.empty()) {
    return Status::NotFound(fmt::format("message '{}' not found ({}; no message of topic '{}' "
                                        "has that unique key)",
                                        id, failure.message(), topic));
  }
  return PrintAll(ctx, found);
}

Status RunByUniqueKey(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  const std::string id = ctx.Get("msgId");
  const std::string topic = ctx.Get("topic");
  TERN_ASSIGN_OR_RETURN(std::vector<FoundMessage> found, ByUniqueKey(client, topic, id));
  if (found.empty()) {
    return Status::NotFound(fmt::format("no message of topic '{}' has unique key '{}'", topic, id));
  }
  return PrintAll(ctx, found);
}

bool HasKey(const FoundMessage& m, std::string_view key) {
  std::string keys = PropertyOr(m, protocol::PropertyKey::kKeys, "");
  size_t pos = 0;
  while (pos <= keys.size()) {
    size_t sp = keys.find(' ', pos);
    if (sp == std::string::npos) sp = keys.size();
    if (std::string_view(keys).substr(pos, sp - pos) == key) return true;
    pos = sp + 1;
  }
  return false;
}

Status RunByKey(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  const std::string key = ctx.Get("msgKey");
  const std::string topic = ctx.Get("topic");
  TERN_ASSIGN_OR_RETURN(int64_t max, ctx.GetInt("maxNum", 64, 1, 64));
  TERN_ASSIGN_OR_RETURN(
      std::vector<FoundMessage> found,
      QueryMessages(client, topic, key, false, max,
                    [&](const FoundMessage& m) { return HasKey(m, key); }));
  Table t({{"#Message ID", "msgId"},
           {"#QID", "queueId", Align::kRight},
           {"#Offset", "queueOffset", Align::kRight}});
  for (const auto& m : found) {
    t.AddRow({MessageId(m), m.fields.queue_id.value(), m.fields.queue_offset.value()});
  }
  ctx.PrintTable(t);
  return Status::Ok();
}

}  // namespace

AdminCommand QueryMsgByIdCommand() {
  return {"queryMsgById",
          "Query Message by Id.",
          {{"i", "msgId", "MSGID", "offset message id", true},
           {"t", "topic", "TOPIC", "topic name (enables the unique-key fallback)"}},
          RunById,
          "Decodes the offset msgId and sends VIEW_MESSAGE_BY_ID (33) to its store host; on\n"
          "failure, with -t, QUERY_MESSAGE (12) with _UNIQUE_KEY_QUERY=true to each master."};
}

AdminCommand QueryMsgByKeyCommand() {
  return {"queryMsgByKey",
          "Query Message by Key.",
          {{"t", "topic", "TOPIC", "topic name", true},
           {"k", "msgKey", "KEY", "message key", true},
           {"m", "maxNum", "N", "most messages per broker (default 64)"}},
          RunByKey,
          "Sends GET_ROUTEINFO_BY_TOPIC (105), then QUERY_MESSAGE (12) to each master."};
}

AdminCommand QueryMsgByUniqueKeyCommand() {
  return {"queryMsgByUniqueKey",
          "Query Message by Unique key.",
          {{"i", "msgId", "UNIQ_KEY", "message unique key (the send's msgId)", true},
           {"t", "topic", "TOPIC", "topic name", true}},
          RunByUniqueKey,
          "Sends GET_ROUTEINFO_BY_TOPIC (105), then QUERY_MESSAGE (12) with\n"
          "_UNIQUE_KEY_QUERY=true to each master."};
}

}  // namespace tern::tools::admin
