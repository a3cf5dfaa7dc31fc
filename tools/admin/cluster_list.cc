// clusterList [-m] [-c CLUSTER]: GET_BROKER_CLUSTER_INFO (106), then
// GET_BROKER_RUNTIME_INFO (28) to every broker address for the figures.
// A broker that does not answer keeps its row with blank figures and the
// reason in a trailing #Note column; the command still succeeds.
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "src/base/properties.h"
#include "src/protocol/codes.h"
#include "src/protocol/topic_list.h"
#include "tools/admin/verbs.h"

namespace tern::tools::admin {
namespace {

namespace RC = protocol::RequestCode;

struct BrokerRow {
  std::string cluster;
  std::string broker_name;
  int64_t broker_id = 0;
  std::string addr;
  std::optional<protocol::KvTable> runtime;  // absent: the broker did not answer
  std::string error;
};

std::string Value(const protocol::KvTable& kv, const std::string& key,
                  const std::string& fallback = "") {
  auto it = kv.table.find(key);
  return it == kv.table.end() ? fallback : it->second;
}

// The first of the space-separated averages ("12.50 10.00 9.87").
double FirstTps(const std::string& text) { return text.empty() ? 0.0 : std::strtod(text.c_str(), nullptr); }

int64_t Int(const protocol::KvTable& kv, const std::string& key) {
  auto v = ParseInt64(Value(kv, key, "0"));
  return v.ok() ? *v : 0;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Figures {
  std::string version;
  double in_tps = 0, out_tps = 0;
  std::string in_load, out_load;
  std::string pc_wait;
  std::optional<double> hours;
  std::optional<double> space;
};

Figures FiguresOf(const protocol::KvTable& kv) {
  Figures f;
  f.version = Value(kv, "brokerVersionDesc");
  f.in_tps = FirstTps(Value(kv, "putTps"));
  std::string out = Value(kv, "getTransferredTps");
  if (out.empty()) out = Value(kv, "getTransferedTps");  // 4.9 spelling
  f.out_tps = FirstTps(out);
  f.in_load = fmt::format("{:.2f}({},{}ms)", f.in_tps, Value(kv, "sendThreadPoolQueueSize"),
                          Value(kv, "sendThreadPoolQueueHeadWaitTimeMills"));
  f.out_load = fmt::format("{:.2f}({},{}ms)", f.out_tps, Value(kv, "pullThreadPoolQueueSize"),
                           Value(kv, "pullThreadPoolQueueHeadWaitTimeMills"));
  f.pc_wait = Value(kv, "pageCacheLockTimeMills");
  if (auto e = ParseInt64(Value(kv, "earliestMessageTimeStamp")); e.ok() && *e > 0) {
    f.hours = static_cast<double>(NowMs() - *e) / 3600000.0;
  }
  std::string ratio = Value(kv, "commitLogDiskRatio");
  if (!ratio.empty()) f.space = std::strtod(ratio.c_str(), nullptr);
  return f;
}

nlohmann::json Opt(const std::optional<double>& v, const char* format) {
  if (!v) return nullptr;
  return fmt::format(fmt::runtime(format), *v);
}

Status Run(CommandContext& ctx) {
  TERN_ASSIGN_OR_RETURN(AdminClient * client, ctx.Client());
  TERN_ASSIGN_OR_RETURN(protocol::ClusterInfo info, client->GetClusterInfo());
  std::vector<std::string> clusters;
  if (ctx.Has("clusterName")) {
    std::string c = ctx.Get("clusterName");
    if (info.cluster_addr_table.count(c) == 0) {
      return Status::NotFound(fmt::format("cluster '{}' is not known to the nameserver", c));
    }
    clusters.push_back(c);
  } else {
    for (const auto& [name, brokers] : info.cluster_addr_table) clusters.push_back(name);
  }

  std::vector<BrokerRow> rows;
  bool any_error = false;
  for (const auto& cluster : clusters) {
    for (const auto& name : info.cluster_addr_table.at(cluster)) {
      auto b = info.broker_addr_table.find(name);
      if (b == info.broker_addr_table.end()) continue;
      for (const auto& [id, addr] : b->second.broker_addrs) {
        BrokerRow row{cluster, name, id, addr, std::nullopt, ""};
        auto resp = client->CallBrokerOk(addr, RemotingCommand::Request(RC::kGetBrokerRuntimeInfo),
                                         "GET_BROKER_RUNTIME_INFO");
        if (resp.ok()) {
          auto kv = protocol::KvTable::Decode(resp->body);
          if (kv.ok()) row.runtime = std::move(kv).value();
          else row.error = "bad runtime info: " + kv.status().message();
        } else {
          row.error = resp.status().message();
        }
        any_error |= !row.runtime.has_value();
        rows.push_back(std::move(row));
      }
    }
  }

  if (ctx.json()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json o = {{"cluster", r.cluster},
                          {"brokerName", r.broker_name},
                          {"brokerId", r.broker_id},
                          {"addr", r.addr}};
      if (r.runtime) {
        Figures f = FiguresOf(*r.runtime);
        o["version"] = f.version;
        o["inTps"] = f.in_tps;
        o["outTps"] = f.out_tps;
        o["runtimeInfo"] = r.runtime->table;
      } else {
        o["error"] = r.error;
      }
      out.push_back(std::move(o));
    }
    ctx.PrintJson(out);
    return Status::Ok();
  }

  bool more = ctx.Has("moreStats");
  std::vector<Column> cols = {{"#Cluster Name", "cluster"},
                              {"#Broker Name", "brokerName"},
                              {"#BID", "brokerId", Align::kRight},
                              {"#Addr", "addr"}};
  if (more) {
    cols.push_back({"#InTotalYest", "inTotalYest", Align::kRight});
    cols.push_back({"#OutTotalYest", "outTotalYest", Align::kRight});
    cols.push_back({"#InTotalToday", "inTotalToday", Align::kRight});
    cols.push_back({"#OutTotalToday", "outTotalToday", Align::kRight});
  } else {
    cols.push_back({"#Version", "version"});
    cols.push_back({"#InTPS(LOAD)", "inTps", Align::kRight});
    cols.push_back({"#OutTPS(LOAD)", "outTps", Align::kRight});
    cols.push_back({"#PCWait(ms)", "pcWait", Align::kRight});
    cols.push_back({"#Hour", "hour", Align::kRight});
    cols.push_back({"#SPACE", "space", Align::kRight});
  }
  if (any_error) cols.push_back({"#Note", "note"});
  Table t(cols);
  for (const auto& r : rows) {
    std::vector<nlohmann::json> cells = {r.cluster, r.broker_name, r.broker_id, r.addr};
    if (!r.runtime) {
      for (size_t i = cells.size(); i + 1 < cols.size(); ++i) cells.push_back(nullptr);
      cells.push_back("no answer: " + r.error);
    } else if (more) {
      const auto& kv = *r.runtime;
      cells.push_back(Int(kv, "msgPutTotalTodayMorning") - Int(kv, "msgPutTotalYesterdayMorning"));
      cells.push_back(Int(kv, "msgGetTotalTodayMorning") - Int(kv, "msgGetTotalYesterdayMorning"));
      cells.push_back(Int(kv, "msgPutTotalTodayNow") - Int(kv, "msgPutTotalTodayMorning"));
      cells.push_back(Int(kv, "msgGetTotalTodayNow") - Int(kv, "msgGetTotalTodayMorning"));
    } else {
      Figures f = FiguresOf(*r.runtime);
      cells.push_back(f.version);
      cells.push_back(f.in_load);
      cells.push_back(f.out_load);
      cells.push_back(f.pc_wait);
      cells.push_back(Opt(f.hours, "{:.2f}"));
      cells.push_back(Opt(f.space, "{:.4f}"));
    }
    if (r.runtime && any_error) cells.push_back("");
    t.AddRow(std::move(cells));
  }
  ctx.PrintTable(t);
  return Status::Ok();
}

}  // namespace

AdminCommand ClusterListCommand() {
  return {"clusterList",
          "List cluster infos.",
          {{"m", "moreStats", "", "print message totals (yesterday, today) instead of rates"},
           {"c", "clusterName", "CLUSTER", "only this cluster"}},
          Run,
          "Sends GET_BROKER_CLUSTER_INFO (106) to the nameserver, then GET_BROKER_RUNTIME_INFO (28)\n"
          "to every broker; brokers that do not answer are listed with blank figures and a note."};
}

}  // namespace tern::tools::admin
