// updateOrderConf -t TOPIC -m put|get|delete [-v "broker-a:4;broker-b:4"]:
// the topic's entry in KV namespace ORDER_TOPIC_CONFIG. put: PUT_KV_CONFIG
// (100) to every nameserver; get: GET_KV_CONFIG (101) from the first that
// answers; delete: DELETE_KV_CONFIG (102) to every nameserver.
#include <fmt/format.h>

#include "src/protocol/codes.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

namespace RC = protocol::RequestCode;
constexpr char kOrderNamespace[] = "ORDER_TOPIC_CONFIG";

Status Run(CommandContext& ctx) {
  std::string topic = ctx.Get("topic");
  std::string method = ctx.Get("method");
  if (method != "put" && method != "get" && method != "delete") {
    return Status::InvalidArgument(
        fmt::format("option -m (method) must be put, get or delete, got '{}'", method));
  }
  std::string conf = ctx.Get("orderConf");
  if (method == "put" && conf.empty()) {
    return Status::InvalidArgument("missing required option -v (orderConf) for -m put");
  }
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  if (method == "get") {
    RemotingCommand req = RemotingCommand::Request(RC::kGetKvConfig);
    req.SetField("namespace", kOrderNamespace);
    req.SetField("key", topic);
    TERN_ASSIGN_OR_RETURN(RemotingCommand resp, client->CallNamesrvOk(req, "GET_KV_CONFIG"));
    std::string value(resp.Field("value").value_or(""));
    if (ctx.json()) ctx.PrintJson({{"topic", topic}, {"orderConf", value}});
    else ctx.Print(fmt::format("get orderConf success. topic=[{}], orderConf=[{}]\n", topic, value));
    return Status::Ok();
  }
  RemotingCommand req = RemotingCommand::Request(method == "put" ? RC::kPutKvConfig : RC::kDeleteKvConfig);
  req.SetField("namespace", kOrderNamespace);
  req.SetField("key", topic);
  if (method == "put") req.SetField("value", conf);
  TERN_RETURN_IF_ERROR(CombineFailures(
      client->CallEveryNamesrvOk(req, method == "put" ? "PUT_KV_CONFIG" : "DELETE_KV_CONFIG")));
  if (ctx.json()) {
    nlohmann::json j = {{"topic", topic}, {"method", method}};
    if (method == "put") j["orderConf"] = conf;
    ctx.PrintJson(j);
  } else if (method == "put") {
    ctx.Print(fmt::format("update orderConf success. topic=[{}], orderConf=[{}]\n", topic, conf));
  } else {
    ctx.Print(fmt::format("delete orderConf success. topic=[{}]\n", topic));
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseOrderConf(std::string_view conf) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!conf.empty()) {
    size_t semi = conf.find(';');
    std::string_view item = conf.substr(0, semi);
    if (size_t colon = item.find(':'); colon != std::string_view::npos) {
      out.emplace_back(std::string(item.substr(0, colon)), std::string(item.substr(colon + 1)));
    }
    if (semi == std::string_view::npos) break;
    conf.remove_prefix(semi + 1);
  }
  return out;
}

std::string FormatOrderConf(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out;
  for (const auto& [broker, nums] : entries) out += (out.empty() ? "" : ";") + broker + ":" + nums;
  return out;
}

AdminCommand UpdateOrderConfCommand() {
  return {"updateOrderConf",
          "Create or update or delete order conf.",
          {{"t", "topic", "TOPIC", "topic name", true},
           {"v", "orderConf", "CONF", "order conf, e.g. brokerName1:num;brokerName2:num (for put)"},
           {"m", "method", "METHOD", "put | get | delete", true}},
          Run,
          "KV namespace ORDER_TOPIC_CONFIG: put -> PUT_KV_CONFIG (100) and delete ->\n"
          "DELETE_KV_CONFIG (102) to every nameserver; get -> GET_KV_CONFIG (101)."};
}

}  // namespace tern::tools::admin
