// NameServerClient: requests to the nameserver list, with failover.
//
// One address is current (a random one at first, as Java picks). A request
// that fails with a network error or a timeout is tried on the next address,
// and so on around the list once, within the caller's time budget; the address
// that answered becomes current.
//
// Threading: any thread; internally synchronized (the current index is
// atomic). Sync calls must not run on the loop thread; async callbacks run on
// the loop thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "src/protocol/route_data.h"
#include "src/remoting/rpc_client.h"
#include "ternmq/status.h"

namespace tern::client {

using RouteCallback = std::function<void(ternmq::Result<protocol::TopicRouteData>)>;

class NameServerClient {
 public:
  // `rpc` must outlive this object. REQUIRES: `addrs` not empty.
  NameServerClient(remoting::RpcClient& rpc, std::vector<std::string> addrs);

  // GET_ROUTEINFO_BY_TOPIC. kNotFound when the nameserver answers
  // TOPIC_NOT_EXIST; kBrokerError for other codes; network errors after every
  // nameserver failed.
  ternmq::Result<protocol::TopicRouteData> GetRoute(const std::string& topic, int64_t timeout_ms);
  void GetRouteAsync(const std::string& topic, int64_t timeout_ms, RouteCallback callback);

  // Any request, with failover. A response of any code is a success here.
  ternmq::Result<remoting::RemotingCommand> Invoke(const remoting::RemotingCommand& request,
                                                   int64_t timeout_ms);

  // The address requests go to first.
  std::string current() const;
  const std::vector<std::string>& addrs() const { return addrs_; }

 private:
  struct AsyncCall;
  using Callback = std::function<void(ternmq::Result<remoting::RemotingCommand>)>;
  void InvokeAsync(const remoting::RemotingCommand& request, int64_t timeout_ms,
                   Callback callback);
  static void TryNext(std::shared_ptr<AsyncCall> call);

  remoting::RpcClient& rpc_;
  const std::vector<std::string> addrs_;
  std::atomic<size_t> current_;
};

// Turns a GET_ROUTEINFO_BY_TOPIC response into a route (or the error above).
ternmq::Result<protocol::TopicRouteData> ParseRouteResponse(const std::string& topic,
                                                            const remoting::RemotingCommand& r);

}  // namespace tern::client
