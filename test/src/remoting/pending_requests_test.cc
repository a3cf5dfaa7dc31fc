#include "src/remoting/pending_requests.h"

#include <doctest/doctest.h>

namespace tern::remoting {
namespace {

PendingRequests::Entry MakeEntry(uint64_t conn, int64_t deadline, int* calls) {
  PendingRequests::Entry e;
  e.connection = ConnectionId(conn);
  e.deadline_ms = deadline;
  e.callback = [calls](Result<RemotingCommand>) { ++*calls; };
  return e;
}

TEST_CASE("opaques increase and are never negative") {
  int32_t a = NextOpaque();
  int32_t b = NextOpaque();
  CHECK(a >= 0);
  CHECK(b >= 0);
  CHECK(b != a);
}

TEST_CASE("a response is matched by opaque and connection once") {
  PendingRequests p;
  int calls = 0;
  CHECK_FALSE(p.Add(5, MakeEntry(1, 100, &calls)));
  CHECK_FALSE(p.Take(5, ConnectionId(2)).has_value());  // foreign connection
  auto e = p.Take(5, ConnectionId(1));
  REQUIRE(e.has_value());
  CHECK_FALSE(p.Take(5, ConnectionId(1)).has_value());  // duplicate
  CHECK(p.empty());
  CHECK_FALSE(p.NextDeadline().has_value());
}

TEST_CASE("expiry takes entries in deadline order up to now") {
  PendingRequests p;
  int calls = 0;
  p.Add(1, MakeEntry(1, 300, &calls));
  p.Add(2, MakeEntry(1, 100, &calls));
  p.Add(3, MakeEntry(2, 200, &calls));
  CHECK(p.NextDeadline() == 100);
  CHECK(p.TakeExpired(99).empty());
  auto expired = p.TakeExpired(200);
  REQUIRE(expired.size() == 2);
  CHECK(expired[0].opaque == 2);
  CHECK(expired[1].opaque == 3);
  CHECK(p.NextDeadline() == 300);
  CHECK(p.size() == 1);
}

TEST_CASE("closing a connection takes only its entries") {
  PendingRequests p;
  int calls = 0;
  p.Add(1, MakeEntry(1, 100, &calls));
  p.Add(2, MakeEntry(2, 100, &calls));
  p.Add(3, MakeEntry(1, 50, &calls));
  auto taken = p.TakeConnection(ConnectionId(1));
  CHECK(taken.size() == 2);
  CHECK(p.size() == 1);
  CHECK(p.NextDeadline() == 100);
  CHECK(p.TakeAll().size() == 1);
  CHECK(p.empty());
}

TEST_CASE("a reused opaque returns the replaced entry") {
  PendingRequests p;
  int calls = 0;
  p.Add(1, MakeEntry(1, 100, &calls));
  ResponseCallback old = p.Add(1, MakeEntry(1, 200, &calls));
  REQUIRE(old);
  old(Status::Internal("replaced"));
  CHECK(calls == 1);
  CHECK(p.size() == 1);
  CHECK(p.TakeExpired(150).empty());
}

}  // namespace
}  // namespace tern::remoting
