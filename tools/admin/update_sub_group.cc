// updateSubGroup -g GROUP (-b BROKER_ADDR | -c CLUSTER) [-s -m -d -o -q -r -i -w -a]:
// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200) with a SubscriptionGroupConfig
// JSON body (requests.md §C.8) to the broker, or to every master of the
// cluster. Defaults as RocketMQ's command: consume enabled, not from min,
// not broadcast, 1 retry queue, 16 retries, broker 0, slow-consumer broker 1,
// notify on consumer id change.
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "src/protocol/json_writer.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

struct GroupConfig {
  std::string group_name;
  bool consume_enable = true;
  bool consume_from_min_enable = false;
  bool consume_broadcast_enable = false;
  std::optional<bool> consume_message_orderly;  // 5.x field; sent only when given
  int32_t retry_queue_nums = 1;
  int32_t retry_max_times = 16;
  int64_t broker_id = 0;
  int64_t which_broker_when_consume_slowly = 1;
  bool notify_consumer_ids_changed_enable = true;

  // fastjson's form: fields in alphabetical order, compact.
  std::string Encode() const {
    protocol::JsonWriter w;
    w.BeginObject();
    w.Key("brokerId").Int(broker_id);
    w.Key("consumeBroadcastEnable").Bool(consume_broadcast_enable);
    w.Key("consumeEnable").Bool(consume_enable);
    w.Key("consumeFromMinEnable").Bool(consume_from_min_enable);
    if (consume_message_orderly) w.Key("consumeMessageOrderly").Bool(*consume_message_orderly);
    w.Key("groupName").String(group_name);
    w.Key("notifyConsumerIdsChangedEnable").Bool(notify_consumer_ids_changed_enable);
    w.Key("retryMaxTimes").Int(retry_max_times);
    w.Key("retryQueueNums").Int(retry_queue_nums);
    w.Key("whichBrokerWhenConsumeSlowly").Int(which_broker_when_consume_slowly);
    w.EndObject();
    return w.Take();
  }
};

Result<GroupConfig> ConfigOf(CommandContext& ctx) {
  GroupConfig c;
  c.group_name = ctx.Get("groupName");
  if (c.group_name.empty()) return Status::InvalidArgument("option -g (groupName) is empty");
  TERN_ASSIGN_OR_RETURN(c.consume_enable, ctx.GetBool("consumeEnable", true));
  TERN_ASSIGN_OR_RETURN(c.consume_from_min_enable, ctx.GetBool("consumeFromMinEnable", false));
  TERN_ASSIGN_OR_RETURN(c.consume_broadcast_enable, ctx.GetBool("consumeBroadcastEnable", false));
  if (ctx.Has("consumeMessageOrderly")) {
    TERN_ASSIGN_OR_RETURN(c.consume_message_orderly, ctx.GetBool("consumeMessageOrderly", false));
  }
  TERN_ASSIGN_OR_RETURN(int64_t q, ctx.GetInt("retryQueueNums", 1, 0, 65535));
  TERN_ASSIGN_OR_RETURN(int64_t r, ctx.GetInt("retryMaxTimes", 16, -1, INT32_MAX));
  TERN_ASSIGN_OR_RETURN(c.broker_id, ctx.GetInt("brokerId", 0, 0, INT64_MAX));
  TERN_ASSIGN_OR_RETURN(c.which_broker_when_consume_slowly,
                        ctx.GetInt("whichBrokerWhenConsumeSlowly", 1, 0, INT64_MAX));
  TERN_ASSIGN_OR_RETURN(c.notify_consumer_ids_changed_enable,
                        ctx.GetBool("notifyConsumerIdsChanged", true));
  c.retry_queue_nums = static_cast<int32_t>(q);
  c.retry_max_times = static_cast<int32_t>(r);
  return c;
}

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(GroupConfig config, ConfigOf(ctx));
  TERN_ASSIGN_OR_RETURN(std::vector<std::string> brokers, TargetBrokers(ctx));
  if (brokers.empty()) {
    return Status::NotFound(fmt::format("cluster '{}' has no master broker", ctx.Get("clusterName")));
  }
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  std::string body = config.Encode();
  std::string failures;
  nlohmann::json done = nlohmann::json::array();
  for (const auto& addr : brokers) {
    RemotingCommand req =
        RemotingCommand::Request(protocol::RequestCode::kUpdateAndCreateSubscriptionGroup);
    req.body = body;
    auto r = client->CallBrokerOk(addr, std::move(req), "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP");
    if (!r.ok()) {
      failures += (failures.empty() ? "" : "; ") + r.status().message();
      continue;
    }
    done.push_back(addr);
    if (!ctx.json()) ctx.Print(fmt::format("create subscription group to {} success.\n", addr));
  }
  if (ctx.json()) {
    ctx.PrintJson({{"subscriptionGroupConfig", nlohmann::json::parse(body)}, {"brokers", done}});
  } else {
    ctx.Print(fmt::format("SubscriptionGroupConfig {}\n", body));
  }
  if (!failures.empty()) return Status::Unavailable(failures);
  return Status::Ok();
}

}  // namespace

AdminCommand UpdateSubGroupCommand() {
  return {"updateSubGroup",
          "Update or create subscription group.",
          {{"b", "brokerAddr", "ADDR", "create subscription group to which broker", false, 1},
           {"c", "clusterName", "CLUSTER", "create subscription group to which cluster", false, 1},
           {"g", "groupName", "GROUP", "consumer group name", true},
           {"s", "consumeEnable", "BOOL", "consume enable (default true)"},
           {"m", "consumeFromMinEnable", "BOOL", "from min offset (default false)"},
           {"d", "consumeBroadcastEnable", "BOOL", "broadcast (default false)"},
           {"o", "consumeMessageOrderly", "BOOL", "consume message orderly (5.x brokers)"},
           {"q", "retryQueueNums", "N", "retry queue nums (default 1)"},
           {"r", "retryMaxTimes", "N", "retry max times (default 16)"},
           {"i", "brokerId", "ID", "consumer from which broker id (default 0)"},
           {"w", "whichBrokerWhenConsumeSlowly", "ID", "which broker id when consume slowly (default 1)"},
           {"a", "notifyConsumerIdsChanged", "BOOL", "notify consumerId changed (default true)"}},
          Run,
          "Sends UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200) with a SubscriptionGroupConfig body to\n"
          "the broker or to every master of the cluster. Needs a running broker."};
}

}  // namespace tern::tools::admin
