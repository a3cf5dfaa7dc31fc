// PendingRequests: requests this side sent and still waits for, keyed by
// opaque, with their deadlines. Pure bookkeeping: the owner (RpcServer or
// RpcClient) drives it from its loop thread with the loop clock and invokes
// the callbacks it takes out.
//
// Threading: one thread (the owner's loop thread).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "src/base/strong_id.h"
#include "src/remoting/rpc_server.h"

namespace tern::remoting {

// Process-wide opaque source: an incrementing int32 with the sign bit masked
// off (0, 1, ..., 2^31-1, 0, ...). Any thread.
int32_t NextOpaque();

class PendingRequests {
 public:
  struct Entry {
    ConnectionId connection;
    int32_t code = 0;
    int64_t timeout_ms = 0;
    int64_t deadline_ms = 0;
    ResponseCallback callback;
  };
  // A callback taken out of the table together with what it was waiting for.
  struct Taken {
    int32_t opaque = 0;
    Entry entry;
  };

  // Registers `opaque`. An opaque already pending is replaced; the replaced
  // entry's callback is returned (empty when none) so that it can be failed.
  ResponseCallback Add(int32_t opaque, Entry entry);
  // Removes and returns the entry for a response with `opaque` that arrived on
  // `connection`; nullopt when unknown (late or foreign responses are dropped).
  std::optional<Entry> Take(int32_t opaque, ConnectionId connection);
  // Removes entries whose deadline is <= now_ms.
  std::vector<Taken> TakeExpired(int64_t now_ms);
  // Removes the entries waiting on `connection`.
  std::vector<Taken> TakeConnection(ConnectionId connection);
  std::vector<Taken> TakeAll();

  // Earliest deadline, if anything is pending.
  std::optional<int64_t> NextDeadline() const;
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  void Erase(int32_t opaque, const Entry& entry);

  std::unordered_map<int32_t, Entry> entries_;
  std::set<std::pair<int64_t, int32_t>> by_deadline_;
};

}  // namespace tern::remoting
