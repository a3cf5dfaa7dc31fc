// RequestTracker: PendingRequests driven by the loop. Owns one loop timer
// armed at the earliest deadline, completes requests with their responses,
// and fails them with Timeout, or Unavailable when their connection closes.
// Used by RpcServer (server->client requests) and RpcClient.
//
// Threading: loop thread only. Callbacks are invoked on the loop thread,
// after the entry left the table (a callback may send new requests).
#pragma once

#include <cstdint>
#include <string>

#include "src/base/status.h"
#include "src/base/strong_id.h"
#include "src/net/event_loop.h"
#include "src/remoting/pending_requests.h"

namespace tern::remoting {

class RequestTracker {
 public:
  // `loop` must outlive the tracker; `name` prefixes messages.
  RequestTracker(net::EventLoop& loop, std::string name);
  ~RequestTracker();  // cancels the timer; pending callbacks are dropped uncalled
  RequestTracker(const RequestTracker&) = delete;
  RequestTracker& operator=(const RequestTracker&) = delete;

  // Tracks a request sent (or about to be sent) on `connection`.
  void Add(int32_t opaque, ConnectionId connection, int32_t code, int64_t timeout_ms,
           ResponseCallback callback);
  // Delivers a response; false when no request with its opaque is pending on
  // `connection` (late, duplicate or foreign responses).
  bool Complete(ConnectionId connection, RemotingCommand response);
  // Fails one request (e.g. its write failed).
  void Fail(ConnectionId connection, int32_t opaque, const Status& status);
  void FailConnection(ConnectionId connection, const Status& status);
  void FailAll(const Status& status);
  size_t size() const { return pending_.size(); }

 private:
  void Arm();
  void OnTimer();

  net::EventLoop& loop_;
  std::string name_;
  PendingRequests pending_;
  net::TimerId timer_ = 0;  // 0 = not armed
  int64_t armed_deadline_ = 0;
};

}  // namespace tern::remoting
