#include "tools/admin/admin_client.h"

#include <algorithm>

#include <fmt/format.h>

#include "src/net/event_loop.h"
#include "src/protocol/codes.h"
#include "src/protocol/perm.h"
#include "src/remoting/rpc_client.h"

namespace tern::tools::admin {

namespace RC = protocol::RequestCode;
namespace Code = protocol::ResponseCode;

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<std::string> SplitNamesrvList(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    size_t semi = list.find(';');
    std::string_view part = Trim(list.substr(0, semi));
    if (!part.empty()) out.emplace_back(part);
    if (semi == std::string_view::npos) break;
    list.remove_prefix(semi + 1);
  }
  return out;
}

std::string DescribeTransportError(const Status& status) {
  const std::string& m = status.message();
  if (status.code() == StatusCode::kTimeout) {
    if (auto p = m.find("no answer"); p != std::string::npos) {
      auto within = m.find(" within ", p);
      return within == std::string::npos ? "no answer" : "no answer" + m.substr(within);
    }
    if (m.find("timed out") != std::string::npos) return "connect timed out";
    return m;
  }
  if (m.rfind("connect to ", 0) == 0) {
    if (auto f = m.find(" failed: "); f != std::string::npos) return m.substr(f + 9);
    if (m.find("timed out") != std::string::npos) return "connect timed out";
  }
  if (m.find("closed by peer") != std::string::npos) return "connection closed by the peer";
  if (m.rfind("resolve ", 0) == 0) return "cannot " + m;
  return m;
}

std::string ResponseCodeName(int32_t code) {
  switch (code) {
    case Code::kSuccess: return "SUCCESS";
    case Code::kSystemError: return "SYSTEM_ERROR";
    case Code::kSystemBusy: return "SYSTEM_BUSY";
    case Code::kRequestCodeNotSupported: return "REQUEST_CODE_NOT_SUPPORTED";
    case Code::kServiceNotAvailable: return "SERVICE_NOT_AVAILABLE";
    case Code::kNoPermission: return "NO_PERMISSION";
    case Code::kTopicNotExist: return "TOPIC_NOT_EXIST";
    case Code::kTopicExistAlready: return "TOPIC_EXIST_ALREADY";
    case Code::kQueryNotFound: return "QUERY_NOT_FOUND";
    case Code::kSubscriptionGroupNotExist: return "SUBSCRIPTION_GROUP_NOT_EXIST";
    case Code::kInvalidParameter: return "INVALID_PARAMETER";
    case Code::kConsumerNotOnline: return "CONSUMER_NOT_ONLINE";
    default: return fmt::format("code {}", code);
  }
}

std::string FirstLineOfRemark(const RemotingCommand& response) {
  if (!response.remark) return "";
  std::string_view r = *response.remark;
  return std::string(Trim(r.substr(0, r.find('\n'))));
}

AdminClient::AdminClient(std::vector<std::string> namesrv_addrs, int64_t timeout_ms)
    : namesrv_addrs_(std::move(namesrv_addrs)), timeout_ms_(timeout_ms) {}

Result<std::unique_ptr<AdminClient>> AdminClient::Create(std::vector<std::string> namesrv_addrs,
                                                         int64_t timeout_ms) {
  if (namesrv_addrs.empty()) return Status::InvalidArgument("no nameserver address given (-n)");
  std::unique_ptr<AdminClient> client(new AdminClient(std::move(namesrv_addrs), timeout_ms));
  client->loop_ = std::make_unique<net::EventLoop>("admin-io");
  TERN_RETURN_IF_ERROR(client->loop_->Start());
  remoting::RpcClientOptions options;
  options.name = "mqadmin";
  options.connect_timeout_ms = std::min<int64_t>(timeout_ms, 3000);
  client->rpc_ = std::make_unique<remoting::RpcClient>(*client->loop_, options);
  return client;
}

AdminClient::~AdminClient() {
  if (rpc_) rpc_->Shutdown();
  rpc_.reset();
  if (loop_) loop_->Stop();
}

Result<RemotingCommand> AdminClient::Call(std::string_view role, const std::string& addr,
                                          RemotingCommand request) {
  auto r = rpc_->InvokeSync(addr, std::move(request), timeout_ms_);
  if (!r.ok()) {
    return Status::Unavailable(
        fmt::format("cannot reach {} {}: {}", role, addr, DescribeTransportError(r.status())));
  }
  return r;
}

Result<RemotingCommand> AdminClient::CallNamesrv(RemotingCommand request) {
  std::vector<std::string> failures;
  for (const auto& addr : namesrv_addrs_) {
    auto r = Call("nameserver", addr, request);
    if (r.ok()) return r;
    failures.push_back(r.status().message());
  }
  std::string joined;
  for (const auto& f : failures) joined += (joined.empty() ? "" : "; ") + f;
  return Status::Unavailable(joined);
}

Result<RemotingCommand> AdminClient::CallNamesrvAt(const std::string& addr,
                                                   RemotingCommand request) {
  return Call("nameserver", addr, std::move(request));
}

Result<RemotingCommand> AdminClient::CallBroker(const std::string& addr, RemotingCommand request) {
  return Call("broker", addr, std::move(request));
}

namespace {

Result<RemotingCommand> RequireSuccess(Result<RemotingCommand> r, std::string_view role,
                                       std::string_view addr, std::string_view what) {
  if (!r.ok()) return r;
  if (r->code == Code::kSuccess) return r;
  std::string remark = FirstLineOfRemark(*r);
  return Status::Internal(fmt::format("{} {} refused {}: {}({})", role, addr, what,
                                      remark.empty() ? "" : remark + " ",
                                      ResponseCodeName(r->code)));
}

}  // namespace

Result<RemotingCommand> AdminClient::CallNamesrvOk(RemotingCommand request,
                                                   std::string_view what) {
  // The answering nameserver is not known after the fact; try them in order
  // here so that a refusal can name its sender.
  std::vector<std::string> failures;
  for (const auto& addr : namesrv_addrs_) {
    auto r = Call("nameserver", addr, request);
    if (r.ok()) return RequireSuccess(std::move(r), "nameserver", addr, what);
    failures.push_back(r.status().message());
  }
  std::string joined;
  for (const auto& f : failures) joined += (joined.empty() ? "" : "; ") + f;
  return Status::Unavailable(joined);
}

Result<RemotingCommand> AdminClient::CallNamesrvAtOk(const std::string& addr,
                                                     RemotingCommand request,
                                                     std::string_view what) {
  return RequireSuccess(CallNamesrvAt(addr, std::move(request)), "nameserver", addr, what);
}

Result<RemotingCommand> AdminClient::CallBrokerOk(const std::string& addr, RemotingCommand request,
                                                  std::string_view what) {
  return RequireSuccess(CallBroker(addr, std::move(request)), "broker", addr, what);
}

std::vector<AdminClient::NamesrvOutcome> AdminClient::CallEveryNamesrvOk(
    const RemotingCommand& request, std::string_view what) {
  std::vector<NamesrvOutcome> out;
  for (const auto& addr : namesrv_addrs_) {
    out.push_back({addr, CallNamesrvAtOk(addr, request, what)});
  }
  return out;
}

Status BadBody(const Status& decode_error, std::string_view what, std::string_view peer) {
  return Status::Corruption(fmt::format("bad {} from {}: {}", what, peer, decode_error.message()));
}

Status CombineFailures(const std::vector<AdminClient::NamesrvOutcome>& outcomes) {
  std::string joined;
  StatusCode code = StatusCode::kOk;
  for (const auto& o : outcomes) {
    if (o.response.ok()) continue;
    if (code == StatusCode::kOk) code = o.response.status().code();
    joined += (joined.empty() ? "" : "; ") + o.response.status().message();
  }
  if (code == StatusCode::kOk) return Status::Ok();
  return code == StatusCode::kUnavailable ? Status::Unavailable(joined) : Status::Internal(joined);
}

Result<protocol::TopicRouteData> AdminClient::GetTopicRoute(const std::string& topic) {
  RemotingCommand req = RemotingCommand::Request(RC::kGetRouteinfoByTopic);
  req.SetField("topic", topic);
  TERN_ASSIGN_OR_RETURN(RemotingCommand resp, CallNamesrv(std::move(req)));
  if (resp.code == Code::kTopicNotExist) {
    return Status::NotFound(
        fmt::format("topic '{}' does not exist: {}", topic, FirstLineOfRemark(resp)));
  }
  if (resp.code != Code::kSuccess) {
    return Status::Internal(fmt::format("nameserver refused GET_ROUTEINFO_BY_TOPIC: {} ({})",
                                        FirstLineOfRemark(resp), ResponseCodeName(resp.code)));
  }
  auto route = protocol::TopicRouteData::Decode(resp.body);
  if (!route.ok()) return BadBody(route.status(), "route", "the nameserver");
  return route;
}

Result<protocol::ClusterInfo> AdminClient::GetClusterInfo() {
  TERN_ASSIGN_OR_RETURN(
      RemotingCommand resp,
      CallNamesrvOk(RemotingCommand::Request(RC::kGetBrokerClusterInfo), "GET_BROKER_CLUSTER_INFO"));
  auto info = protocol::ClusterInfo::Decode(resp.body);
  if (!info.ok()) return BadBody(info.status(), "cluster info", "the nameserver");
  return info;
}

namespace {

Result<std::vector<std::string>> AddrsOfCluster(const protocol::ClusterInfo& info,
                                                const std::string& cluster, bool masters_only) {
  auto it = info.cluster_addr_table.find(cluster);
  if (it == info.cluster_addr_table.end()) {
    return Status::NotFound(fmt::format("cluster '{}' is not known to the nameserver", cluster));
  }
  std::vector<std::string> out;
  for (const auto& name : it->second) {
    auto b = info.broker_addr_table.find(name);
    if (b == info.broker_addr_table.end()) continue;
    for (const auto& [id, addr] : b->second.broker_addrs) {
      if (!masters_only || id == protocol::kMasterId) out.push_back(addr);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

Result<std::vector<std::string>> MasterAddrsOfCluster(const protocol::ClusterInfo& info,
                                                      const std::string& cluster) {
  return AddrsOfCluster(info, cluster, true);
}

Result<std::vector<std::string>> AllAddrsOfCluster(const protocol::ClusterInfo& info,
                                                   const std::string& cluster) {
  return AddrsOfCluster(info, cluster, false);
}

std::optional<std::string> BrokerNameOfAddr(const protocol::ClusterInfo& info,
                                            const std::string& addr) {
  for (const auto& [name, data] : info.broker_addr_table) {
    for (const auto& [id, a] : data.broker_addrs) {
      if (a == addr) return name;
    }
  }
  return std::nullopt;
}

std::optional<std::string> MasterAddr(const protocol::BrokerData& data) {
  auto it = data.broker_addrs.find(protocol::kMasterId);
  if (it == data.broker_addrs.end()) return std::nullopt;
  return it->second;
}

}  // namespace tern::tools::admin
