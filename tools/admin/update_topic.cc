// updateTopic -t TOPIC (-b BROKER_ADDR | -c CLUSTER) [-r N] [-w N] [-p PERM]
// [-o true|false] [-u ..] [-s ..] [-a ATTRS]: UPDATE_AND_CREATE_TOPIC (17) to
// the broker, or to every master of the cluster (GET_BROKER_CLUSTER_INFO
// first). With -o true the topic's ORDER_TOPIC_CONFIG entry is written to
// every nameserver with PUT_KV_CONFIG (100): for -c "brokerName:writeQueues"
// of every broker of the cluster, for -b this broker's entry merged into the
// existing value (GET_KV_CONFIG).
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "src/protocol/perm.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;
constexpr char kOrderNamespace[] = "ORDER_TOPIC_CONFIG";

std::string PermText(int32_t perm) {
  std::string s;
  s += protocol::IsReadable(perm) ? 'R' : '-';
  s += protocol::IsWriteable(perm) ? 'W' : '-';
  s += protocol::IsInherited(perm) ? 'X' : '-';
  return s;
}

struct TopicSettings {
  std::string topic;
  int32_t read_queue_nums = 8;
  int32_t write_queue_nums = 8;
  int32_t perm = protocol::kPermReadWrite;
  int32_t sys_flag = 0;
  bool order = false;
  std::string attributes;  // 5.x "+a=b,-c"; sent only when given
};

Result<TopicSettings> SettingsOf(CommandContext& ctx) {
  TopicSettings s;
  s.topic = ctx.Get("topic");
  if (s.topic.empty()) return Status::InvalidArgument("option -t (topic) is empty");
  TERN_ASSIGN_OR_RETURN(int64_t r, ctx.GetInt("readQueueNums", 8, 1, 65535));
  TERN_ASSIGN_OR_RETURN(int64_t w, ctx.GetInt("writeQueueNums", 8, 1, 65535));
  TERN_ASSIGN_OR_RETURN(int64_t p, ctx.GetInt("perm", protocol::kPermReadWrite, 0, 7));
  if (p != protocol::kPermWrite && p != protocol::kPermRead && p != protocol::kPermReadWrite) {
    return Status::InvalidArgument(fmt::format("option -p (perm) must be 2 (W), 4 (R) or 6 (RW), got {}", p));
  }
  TERN_ASSIGN_OR_RETURN(bool unit, ctx.GetBool("unit", false));
  TERN_ASSIGN_OR_RETURN(bool unit_sub, ctx.GetBool("hasUnitSub", false));
  TERN_ASSIGN_OR_RETURN(s.order, ctx.GetBool("order", false));
  s.read_queue_nums = static_cast<int32_t>(r);
  s.write_queue_nums = static_cast<int32_t>(w);
  s.perm = static_cast<int32_t>(p);
  s.sys_flag = (unit ? protocol::kTopicSysFlagUnit : 0) | (unit_sub ? protocol::kTopicSysFlagUnitSub : 0);
  s.attributes = ctx.Get("attributes");
  return s;
}

RemotingCommand CreateTopicRequest(const TopicSettings& s) {
  RemotingCommand req = RemotingCommand::Request(RC::kUpdateAndCreateTopic);
  req.SetField("topic", s.topic);
  req.SetField("defaultTopic", "TBW102");
  req.SetField("readQueueNums", int64_t{s.read_queue_nums});
  req.SetField("writeQueueNums", int64_t{s.write_queue_nums});
  req.SetField("perm", int64_t{s.perm});
  req.SetField("topicFilterType", "SINGLE_TAG");
  req.SetField("topicSysFlag", int64_t{s.sys_flag});
  req.SetField("order", s.order);
  if (!s.attributes.empty()) req.SetField("attributes", s.attributes);
  return req;
}

// The ORDER_TOPIC_CONFIG value to write, per RocketMQ's updateTopic.
Result<std::string> OrderConf(CommandContext& ctx, AdminClient& client, const TopicSettings& s) {
  TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, client.GetClusterInfo());
  std::string nums = std::to_string(s.write_queue_nums);
  if (ctx.Has("clusterName")) {
    auto it = info.cluster_addr_table.find(ctx.Get("clusterName"));
    if (it == info.cluster_addr_table.end()) {
      return Status::NotFound(
          fmt::format("cluster '{}' is not known to the nameserver", ctx.Get("clusterName")));
    }
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& name : it->second) entries.emplace_back(name, nums);
    return FormatOrderConf(entries);
  }
  std::string addr = ctx.Get("brokerAddr");
  std::optional<std::string> name = BrokerNameOfAddr(info, addr);
  if (!name) {
    return Status::NotFound(fmt::format("broker address {} is not known to the nameserver", addr));
  }
  RemotingCommand get = RemotingCommand::Request(RC::kGetKvConfig);
  get.SetField("namespace", kOrderNamespace);
  get.SetField("key", s.topic);
  TERN_ASSIGN_OR_RETURN(RemotingCommand resp, client.CallNamesrv(get));
  std::vector<std::pair<std::string, std::string>> entries;
  if (resp.code == Code::kSuccess) entries = ParseOrderConf(resp.Field("value").value_or(""));
  bool replaced = false;
  for (auto& [broker, n] : entries) {
    if (broker == *name) {
      n = nums;
      replaced = true;
    }
  }
  if (!replaced) entries.emplace_back(*name, nums);
  return FormatOrderConf(entries);
}

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(TopicSettings s, SettingsOf(ctx));
  TERN_ASSIGN_OR_RETURN(std::vector<std::string> brokers, TargetBrokers(ctx));
  if (brokers.empty()) {
    return Status::NotFound(fmt::format("cluster '{}' has no master broker", ctx.Get("clusterName")));
  }
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  std::string text;
  std::string failures;
  nlohmann::json done = nlohmann::json::array();
  for (const auto& addr : brokers) {
    auto r = client->CallBrokerOk(addr, CreateTopicRequest(s), "UPDATE_AND_CREATE_TOPIC");
    if (r.ok()) {
      text += fmt::format("create topic to {} success.\n", addr);
      done.push_back(addr);
    } else {
      failures += (failures.empty() ? "" : "; ") + r.status().message();
    }
  }
  nlohmann::json out = {{"topicConfig",
                         {{"topicName", s.topic},
                          {"readQueueNums", s.read_queue_nums},
                          {"writeQueueNums", s.write_queue_nums},
                          {"perm", s.perm},
                          {"topicFilterType", "SINGLE_TAG"},
                          {"topicSysFlag", s.sys_flag},
                          {"order", s.order}}},
                        {"brokers", done}};
  if (failures.empty() && s.order) {
    TERN_ASSIGN_OR_RETURN(std::string conf, OrderConf(ctx, *client, s));
    RemotingCommand put = RemotingCommand::Request(RC::kPutKvConfig);
    put.SetField("namespace", kOrderNamespace);
    put.SetField("key", s.topic);
    put.SetField("value", conf);
    TERN_RETURN_IF_ERROR(CombineFailures(client->CallEveryNamesrvOk(put, "PUT_KV_CONFIG")));
    text += fmt::format("set {} orderConf. isOrder=true, orderConf=[{}]\n",
                        ctx.Has("clusterName") ? "cluster" : "broker", conf);
    out["orderConf"] = conf;
  }
  text += fmt::format(
      "TopicConfig [topicName={}, readQueueNums={}, writeQueueNums={}, perm={}, "
      "topicFilterType=SINGLE_TAG, topicSysFlag={}, order={}]\n",
      s.topic, s.read_queue_nums, s.write_queue_nums, PermText(s.perm), s.sys_flag, s.order);
  if (ctx.json()) ctx.PrintJson(out);
  else ctx.Print(text);
  if (!failures.empty()) return Status::Internal(failures);
  return Status::Ok();
}

}  // namespace

AdminCommand UpdateTopicCommand() {
  return {"updateTopic",
          "Update or create topic.",
          {{"b", "brokerAddr", "ADDR", "create topic to which broker", false, 1},
           {"c", "clusterName", "CLUSTER", "create topic to which cluster (every master)", false, 1},
           {"t", "topic", "TOPIC", "topic name", true},
           {"r", "readQueueNums", "N", "set read queue nums (default 8)"},
           {"w", "writeQueueNums", "N", "set write queue nums (default 8)"},
           {"p", "perm", "PERM", "set topic's permission (2|4|6), intro[2:W 4:R; 6:RW] (default 6)"},
           {"o", "order", "BOOL", "set topic's order (true|false)"},
           {"u", "unit", "BOOL", "is unit topic (true|false)"},
           {"s", "hasUnitSub", "BOOL", "has unit sub (true|false)"},
           {"a", "attributes", "ATTRS", "attributes (+a=b,+c=d,-e), 5.x brokers"}},
          Run,
          "Sends UPDATE_AND_CREATE_TOPIC (17) to the broker or to every master of the cluster\n"
          "(found with GET_BROKER_CLUSTER_INFO, 106); with -o true also PUT_KV_CONFIG (100)\n"
          "ORDER_TOPIC_CONFIG to every nameserver. Needs a running broker."};
}

}  // namespace tern::tools::admin
