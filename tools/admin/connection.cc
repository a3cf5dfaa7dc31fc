// consumerConnection -g GROUP and producerConnection -g GROUP -t TOPIC: the
// clients a broker knows for a group (GET_CONSUMER_CONNECTION_LIST 203 /
// GET_PRODUCER_CONNECTION_LIST 204). The consumer's broker comes from the
// route of %RETRY%GROUP, the producer's from the -t topic's route; the masters
// are asked in order until one answers. Bodies: protocol/connection_body.h.
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "src/protocol/connection_body.h"
#include "src/protocol/heartbeat_data.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

namespace RC = protocol::RequestCode;

// Sends `make()` to each master of `route` until one answers SUCCESS; the last
// refusal (or transport failure) when none does.
template <typename MakeRequest>
Result<RemotingCommand> AskMasters(AdminClient* client, const protocol::TopicRouteData& route,
                                   MakeRequest make, std::string_view what) {
  Status last = Status::NotFound("the route has no master broker");
  for (const auto& b : route.broker_datas) {
    std::optional<std::string> addr = MasterAddr(b);
    if (!addr) continue;
    Result<RemotingCommand> r = client->CallBrokerOk(*addr, make(), what);
    if (r.ok()) return r;
    last = r.status();
  }
  return last;
}

Table ConnectionTable(const std::vector<protocol::Connection>& connections) {
  Table t({{"#ClientId", "clientId"},
           {"#ClientAddr", "clientAddr"},
           {"#Language", "language"},
           {"#Version", "version", Align::kRight}});
  for (const auto& c : connections) t.AddRow({c.client_id, c.client_addr, c.language, c.version});
  return t;
}

Status RunConsumer(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  const std::string group = ctx.Get("consumerGroup");
  const std::string retry_topic = "%RETRY%" + group;
  Result<protocol::TopicRouteData> route = client->GetTopicRoute(retry_topic);
  if (!route.ok() && route.status().code() == StatusCode::kNotFound) {
    return Status::NotFound(fmt::format(
        "consumer group '{}' is not online: no route for its retry topic {}", group, retry_topic));
  }
  if (!route.ok()) return route.status();
  auto make = [&] {
    RemotingCommand req = RemotingCommand::Request(RC::kGetConsumerConnectionList);
    req.SetField("consumerGroup", group);
    return req;
  };
  TERN_ASSIGN_OR_RETURN(RemotingCommand resp,
                        AskMasters(client, *route, make, "GET_CONSUMER_CONNECTION_LIST"));
  Result<protocol::ConsumerConnection> cc = protocol::ConsumerConnection::Decode(resp.body);
  if (!cc.ok()) return BadBody(cc.status(), "consumer connection", "the broker");

  Table conns = ConnectionTable(cc->connection_set);
  Table subs({{"#Topic", "topic"}, {"#SubExpression", "subExpression"}});
  for (const auto& [topic, sd] : cc->subscription_table) subs.AddRow({sd.topic, sd.sub_string});
  const std::string consume_type(protocol::ConsumeTypeName(cc->consume_type));
  const std::string model(protocol::MessageModelName(cc->message_model));
  const std::string from(protocol::ConsumeFromWhereName(cc->consume_from_where));
  if (ctx.json()) {
    ctx.PrintJson({{"group", group},
                   {"connections", conns.ToJson()},
                   {"subscriptions", subs.ToJson()},
                   {"consumeType", consume_type},
                   {"messageModel", model},
                   {"consumeFromWhere", from}});
    return Status::Ok();
  }
  ctx.Print(conns.Render());
  ctx.Print("\nBelow is subscription:\n");
  ctx.Print(subs.Render());
  ctx.Print(fmt::format("\nConsumeType: {}\nMessageModel: {}\nConsumeFromWhere: {}\n",
                        consume_type, model, from));
  return Status::Ok();
}

Status RunProducer(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  const std::string group = ctx.Get("producerGroup");
  TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client->GetTopicRoute(ctx.Get("topic")));
  auto make = [&] {
    RemotingCommand req = RemotingCommand::Request(RC::kGetProducerConnectionList);
    req.SetField("producerGroup", group);
    return req;
  };
  TERN_ASSIGN_OR_RETURN(RemotingCommand resp,
                        AskMasters(client, route, make, "GET_PRODUCER_CONNECTION_LIST"));
  Result<protocol::ProducerConnection> pc = protocol::ProducerConnection::Decode(resp.body);
  if (!pc.ok()) return BadBody(pc.status(), "producer connection", "the broker");
  Table conns = ConnectionTable(pc->connection_set);
  if (ctx.json()) {
    ctx.PrintJson({{"group", group}, {"connections", conns.ToJson()}});
    return Status::Ok();
  }
  ctx.Print(conns.Render());
  return Status::Ok();
}

}  // namespace

AdminCommand ConsumerConnectionCommand() {
  return {"consumerConnection",
          "Query consumer's socket connection, client version and subscription.",
          {{"g", "consumerGroup", "GROUP", "consumer group name", true}},
          RunConsumer,
          "Sends GET_ROUTEINFO_BY_TOPIC (105) for %RETRY%<group>, then\n"
          "GET_CONSUMER_CONNECTION_LIST (203) to its masters until one answers. #Version is\n"
          "the client's numeric version (RocketMQ prints its enum name)."};
}

AdminCommand ProducerConnectionCommand() {
  return {"producerConnection",
          "Query producer's socket connection and client version.",
          {{"g", "producerGroup", "GROUP", "producer group name", true},
           {"t", "topic", "TOPIC", "topic name", true}},
          RunProducer,
          "Sends GET_ROUTEINFO_BY_TOPIC (105) for -t, then GET_PRODUCER_CONNECTION_LIST (204)\n"
          "to its masters until one answers."};
}

}  // namespace tern::tools::admin
