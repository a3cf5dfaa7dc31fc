// AdminClient: the connection side of `ternmq admin`. One event loop thread
// and one RpcClient; the command runs on the main thread and blocks on each
// call (InvokeSync), which is all an operator tool needs.
//
// Errors are converted here, once, into one-line Statuses that name the peer:
//   transport  "cannot reach nameserver 127.0.0.1:9999: connection refused"
//              "cannot reach broker 127.0.0.1:10911: no answer within 5000 ms"
//   refusal    "broker 127.0.0.1:10911 refused UPDATE_AND_CREATE_TOPIC: <remark> (SYSTEM_ERROR)"
// Remarks are cut at their first line (the nameserver appends a FAQ URL).
//
// Threading: main thread only (the loop thread is internal).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/protocol/route_data.h"
#include "src/remoting/remoting_command.h"

namespace tern::net {
class EventLoop;
}
namespace tern::remoting {
class RpcClient;
}

namespace tern::tools::admin {

using remoting::RemotingCommand;

inline constexpr int64_t kDefaultTimeoutMs = 5000;
inline constexpr char kDefaultNamesrvAddr[] = "127.0.0.1:9876";

// "a:9876; b:9876" -> {"a:9876", "b:9876"} (blanks trimmed, empty parts dropped).
std::vector<std::string> SplitNamesrvList(std::string_view list);

// The one-line description of a transport failure: "connection refused",
// "no answer within 5000 ms", "connection closed by the peer".
std::string DescribeTransportError(const Status& status);

// "SYSTEM_ERROR", "TOPIC_NOT_EXIST", ... or "code <n>".
std::string ResponseCodeName(int32_t code);

// The first line of a response's remark ("" when absent).
std::string FirstLineOfRemark(const RemotingCommand& response);

class AdminClient {
 public:
  // Starts the loop thread. `namesrv_addrs` must not be empty.
  static Result<std::unique_ptr<AdminClient>> Create(std::vector<std::string> namesrv_addrs,
                                                     int64_t timeout_ms = kDefaultTimeoutMs);
  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  const std::vector<std::string>& namesrv_addrs() const { return namesrv_addrs_; }

  // Sends to the nameservers in order until one answers (with any code) and
  // returns that answer; fails only when none could be reached.
  Result<RemotingCommand> CallNamesrv(RemotingCommand request);
  // Sends to one nameserver / one broker. Any code comes back as a response;
  // only transport failures are errors.
  Result<RemotingCommand> CallNamesrvAt(const std::string& addr, RemotingCommand request);
  Result<RemotingCommand> CallBroker(const std::string& addr, RemotingCommand request);

  // As the calls above, and a response code other than SUCCESS becomes an
  // error naming the peer, `what` (the request's name) and the remark.
  Result<RemotingCommand> CallNamesrvOk(RemotingCommand request, std::string_view what);
  Result<RemotingCommand> CallNamesrvAtOk(const std::string& addr, RemotingCommand request,
                                          std::string_view what);
  Result<RemotingCommand> CallBrokerOk(const std::string& addr, RemotingCommand request,
                                       std::string_view what);

  // Sends `request` to every nameserver of the list, in order, requiring
  // SUCCESS from each; one outcome per address.
  struct NamesrvOutcome {
    std::string addr;
    Result<RemotingCommand> response;
  };
  std::vector<NamesrvOutcome> CallEveryNamesrvOk(const RemotingCommand& request,
                                                 std::string_view what);

  // GET_ROUTEINFO_BY_TOPIC; TOPIC_NOT_EXIST becomes NotFound
  // "topic 'T' does not exist: No topic route info in name server for the topic: T".
  Result<protocol::TopicRouteData> GetTopicRoute(const std::string& topic);
  // GET_BROKER_CLUSTER_INFO.
  Result<protocol::ClusterInfo> GetClusterInfo();

 private:
  AdminClient(std::vector<std::string> namesrv_addrs, int64_t timeout_ms);
  Result<RemotingCommand> Call(std::string_view role, const std::string& addr,
                               RemotingCommand request);

  std::vector<std::string> namesrv_addrs_;
  int64_t timeout_ms_;
  std::unique_ptr<net::EventLoop> loop_;
  std::unique_ptr<remoting::RpcClient> rpc_;
};

// A response body that could not be decoded. Corruption (exit 1, not a usage
// error): "bad <what> from <peer>: <reason>".
Status BadBody(const Status& decode_error, std::string_view what, std::string_view peer);

// OK when every outcome succeeded, else the failures joined by "; ".
Status CombineFailures(const std::vector<AdminClient::NamesrvOutcome>& outcomes);

// Masters (brokerId 0) of every broker of `cluster`, sorted; NotFound naming
// the cluster when the nameserver does not know it.
Result<std::vector<std::string>> MasterAddrsOfCluster(const protocol::ClusterInfo& info,
                                                      const std::string& cluster);
// Every address (masters and slaves) of `cluster`, sorted.
Result<std::vector<std::string>> AllAddrsOfCluster(const protocol::ClusterInfo& info,
                                                   const std::string& cluster);
// The broker name that has `addr` among its addresses, if any.
std::optional<std::string> BrokerNameOfAddr(const protocol::ClusterInfo& info,
                                            const std::string& addr);
// The master address of a BrokerData, if it has one.
std::optional<std::string> MasterAddr(const protocol::BrokerData& data);

}  // namespace tern::tools::admin
