// queryTransPending [-g GROUP] [-t TOPIC] [-m MAX] [-b BROKER_ADDR]: the
// pending (undecided) transactions of a producer group, from
// QUERY_TRANSACTION_PENDING (TernMQ code 5002; broker/transaction/README.md)
// sent to the -b broker, else to the masters of the topic's route (-t), else
// to every master of every cluster. RocketMQ's mqadmin has no such command.
// Prints one row per transaction, oldest first per broker, then the number
// pending on those brokers (every group); --json prints the raw rows.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "src/protocol/codes.h"
#include "src/protocol/lenient_json.h"
#include "tools/admin/message_print.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

// Which masters to ask.
Result<std::vector<std::string>> Brokers(CommandContext& ctx, AdminClient* client) {
  if (ctx.Has("brokerAddr")) return std::vector<std::string>{ctx.Get("brokerAddr")};
  std::vector<std::string> out;
  if (ctx.Has("topic")) {
    TERN_ASSIGN_OR_RETURN(protocol::TopicRouteData route, client->GetTopicRoute(ctx.Get("topic")));
    for (const auto& b : route.broker_datas) {
      if (auto m = MasterAddr(b)) out.push_back(*m);
    }
  } else {
    TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, client->GetClusterInfo());
    for (const auto& [name, data] : info.broker_addr_table) {
      if (auto m = MasterAddr(data)) out.push_back(*m);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

int64_t IntOf(const nlohmann::json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}
std::string StringOf(const nlohmann::json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : "";
}

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(int64_t max, ctx.GetInt("maxCount", 1000, 1, 10'000));
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(std::vector<std::string> brokers, Brokers(ctx, client));
  nlohmann::json rows = nlohmann::json::array();
  int64_t total = 0;
  for (const std::string& addr : brokers) {
    RemotingCommand req = RemotingCommand::Request(protocol::RequestCode::kQueryTransactionPending);
    if (ctx.Has("producerGroup")) req.SetField("producerGroup", ctx.Get("producerGroup"));
    if (ctx.Has("topic")) req.SetField("topic", ctx.Get("topic"));
    req.SetField("maxCount", max);
    TERN_ASSIGN_OR_RETURN(RemotingCommand resp,
                          client->CallBrokerOk(addr, std::move(req), "QUERY_TRANSACTION_PENDING"));
    auto list = protocol::ParseLenientJson(resp.body, "pending transactions");
    if (!list.ok()) return BadBody(list.status(), "pending transactions", "broker " + addr);
    if (!list->is_array()) {
      return BadBody(Status::InvalidArgument("not a JSON array"), "pending transactions",
                     "broker " + addr);
    }
    std::string_view pending = resp.Field("pendingTotal").value_or("0");
    int64_t n = 0;
    std::from_chars(pending.data(), pending.data() + pending.size(), n);
    total += n;
    for (nlohmann::json& row : *list) {
      if (static_cast<int64_t>(rows.size()) >= max) break;
      row["brokerAddr"] = addr;
      rows.push_back(std::move(row));
    }
  }
  if (ctx.json()) {
    ctx.PrintJson(rows);
    return Status::Ok();
  }
  Table t({{"#Broker", "brokerAddr"},
           {"#MsgId", "msgId"},
           {"#Topic", "topic"},
           {"#QID", "queueId", Align::kRight},
           {"#CommitLogOffset", "commitLogOffset", Align::kRight},
           {"#ProducerGroup", "producerGroup"},
           {"#BornTime", "bornTime"},
           {"#Checks", "checkTimes", Align::kRight},
           {"#NextCheck", "nextCheck"}});
  for (const nlohmann::json& row : rows) {
    t.AddRow({StringOf(row, "brokerAddr"), StringOf(row, "msgId"), StringOf(row, "topic"),
              IntOf(row, "queueId"), IntOf(row, "commitLogOffset"), StringOf(row, "producerGroup"),
              HumanTime(IntOf(row, "bornTimestamp")), IntOf(row, "checkTimes"),
              HumanTime(IntOf(row, "nextCheckTimestamp"))});
  }
  ctx.PrintTable(t);
  ctx.Print(fmt::format("{} listed; {} pending on {} broker(s) in all (every group)\n", rows.size(),
                        total, brokers.size()));
  return Status::Ok();
}

}  // namespace

AdminCommand QueryTransPendingCommand() {
  return {"queryTransPending",
          "List the pending (undecided) transactions of a producer group (TernMQ).",
          {{"g", "producerGroup", "GROUP", "producer group (default: every group)"},
           {"t", "topic", "TOPIC", "only transactions of this topic (and its route's brokers)"},
           {"m", "maxCount", "MAX", "most rows to print, 1..10000 (default 1000)"},
           {"b", "brokerAddr", "BROKER_ADDR", "ask this broker only"}},
          Run,
          "Sends QUERY_TRANSACTION_PENDING (5002) to the -b broker, the masters of the -t\n"
          "topic's route, or every master; oldest first per broker. Columns: the transaction's\n"
          "msgId (UNIQ_KEY), real topic and queue, half record offset, group, born time,\n"
          "checks sent so far and the next check time. Needs a TernMQ broker."};
}

}  // namespace tern::tools::admin
