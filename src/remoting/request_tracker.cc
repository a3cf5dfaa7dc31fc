#include "src/remoting/request_tracker.h"

#include <fmt/format.h>

#include <utility>

namespace tern::remoting {

RequestTracker::RequestTracker(net::EventLoop& loop, std::string name)
    : loop_(loop), name_(std::move(name)) {}

RequestTracker::~RequestTracker() {
  if (timer_ != 0) loop_.CancelTimer(timer_);
}

void RequestTracker::Add(int32_t opaque, ConnectionId connection, int32_t code, int64_t timeout_ms,
                         ResponseCallback callback) {
  PendingRequests::Entry entry;
  entry.connection = connection;
  entry.code = code;
  entry.timeout_ms = timeout_ms;
  entry.deadline_ms = loop_.NowMs() + std::max<int64_t>(0, timeout_ms);
  entry.callback = std::move(callback);
  ResponseCallback replaced = pending_.Add(opaque, std::move(entry));
  Arm();
  if (replaced)
    replaced(Status::Internal(fmt::format("{}: opaque {} reused while pending", name_, opaque)));
}

bool RequestTracker::Complete(ConnectionId connection, RemotingCommand response) {
  auto entry = pending_.Take(response.opaque, connection);
  if (!entry) return false;
  entry->callback(std::move(response));
  return true;
}

void RequestTracker::Fail(ConnectionId connection, int32_t opaque, const Status& status) {
  auto entry = pending_.Take(opaque, connection);
  if (entry) entry->callback(status);
}

void RequestTracker::FailConnection(ConnectionId connection, const Status& status) {
  for (auto& taken : pending_.TakeConnection(connection)) taken.entry.callback(status);
}

void RequestTracker::FailAll(const Status& status) {
  for (auto& taken : pending_.TakeAll()) taken.entry.callback(status);
}

void RequestTracker::Arm() {
  auto next = pending_.NextDeadline();
  if (!next) return;  // a stale timer fires once and finds nothing
  if (timer_ != 0 && armed_deadline_ <= *next) return;
  if (timer_ != 0) loop_.CancelTimer(timer_);
  armed_deadline_ = *next;
  timer_ = loop_.RunAfter(*next - loop_.NowMs(), [this] { OnTimer(); });
}

void RequestTracker::OnTimer() {
  timer_ = 0;
  // Deadlines are whole loop milliseconds; the timer may fire in the same
  // millisecond, which counts as reached.
  auto expired = pending_.TakeExpired(loop_.NowMs());
  Arm();
  // Messages are built first: a callback may destroy the tracker's owner.
  std::vector<std::pair<ResponseCallback, Status>> calls;
  calls.reserve(expired.size());
  for (auto& taken : expired) {
    calls.emplace_back(std::move(taken.entry.callback),
                       Status::Timeout(fmt::format(
                           "{}: request code {} (opaque {}) got no response within {} ms", name_,
                           taken.entry.code, taken.opaque, taken.entry.timeout_ms)));
  }
  for (auto& [callback, status] : calls) callback(status);
}

}  // namespace tern::remoting
