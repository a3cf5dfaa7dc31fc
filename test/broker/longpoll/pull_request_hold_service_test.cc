#include "broker/longpoll/pull_request_hold_service.h"

#include <doctest/doctest.h>

#include <map>
#include <vector>

#include "src/protocol/message_id.h"

namespace tern::longpoll {
namespace {

// Pure logic: no loop is started, so the test thread is "the loop thread".
struct Harness {
  ManualClock clock{1'000'000};
  std::map<std::string, int64_t> max_offsets;  // "topic@q" -> max
  std::vector<int64_t> woken;                  // pull_from_offset of each re-executed pull
  HoldOptions options;
  std::unique_ptr<PullRequestHoldService> service;

  explicit Harness(HoldOptions o = {}) : options(o) {
    service = std::make_unique<PullRequestHoldService>(
        clock, options,
        [this](std::string_view topic, QueueId q) {
          auto it = max_offsets.find(std::string(topic) + "@" + std::to_string(q.value()));
          return QueueOffset(it == max_offsets.end() ? 0 : it->second);
        },
        [this](ParkedPull p) { woken.push_back(p.pull_from_offset.value()); });
  }
  void Park(int64_t from, int64_t timeout_ms, std::vector<std::string> tags = {}) {
    ParkedPull p;
    p.topic = "T";
    p.queue_id = QueueId(0);
    p.pull_from_offset = QueueOffset(from);
    p.timeout_ms = timeout_ms;
    if (!tags.empty()) p.filter = std::make_unique<store::TagFilter>(std::move(tags));
    service->Park(std::move(p));
  }
};

TEST_CASE("a parked pull wakes when a message past its offset arrives") {
  Harness h;
  h.Park(3, 15000);
  CHECK(h.service->parked_count() == 1);
  h.service->NotifyMessageArriving("T", QueueId(1), QueueOffset(4), 0);  // other queue
  h.service->NotifyMessageArriving("T", QueueId(0), QueueOffset(3), 0);  // not past it
  CHECK(h.woken.empty());
  h.service->NotifyMessageArriving("T", QueueId(0), QueueOffset(4), 0);
  CHECK(h.woken == std::vector<int64_t>{3});
  CHECK(h.service->parked_count() == 0);
}

TEST_CASE("the arrival's tagsCode must match the pull's filter; the sweep wakes it anyway") {
  Harness h;
  h.Park(0, 15000, {"A"});
  h.service->NotifyMessageArriving("T", QueueId(0), QueueOffset(1),
                                   protocol::TagsHashCode("B"));
  CHECK(h.woken.empty());
  h.service->NotifyMessageArriving("T", QueueId(0), QueueOffset(2),
                                   protocol::TagsHashCode("A"));
  CHECK(h.woken.size() == 1);

  h.Park(2, 15000, {"A"});
  h.max_offsets["T@0"] = 3;  // a "B" message arrived: the sweep re-runs the pull
  h.service->RunOnce();
  CHECK(h.woken.size() == 2);
}

TEST_CASE("a parked pull is re-executed when its suspend time has passed") {
  Harness h;
  h.Park(5, 15000);
  h.clock.AdvanceMs(14999);
  h.service->RunOnce();
  CHECK(h.woken.empty());
  h.clock.AdvanceMs(1);
  h.service->RunOnce();
  CHECK(h.woken == std::vector<int64_t>{5});
}

TEST_CASE("suspend time is capped below the clients' 30 s timeout; short polling uses 1 s") {
  Harness h;
  h.Park(0, 60000);
  h.clock.AdvanceMs(25000);
  h.service->RunOnce();
  CHECK(h.woken.size() == 1);

  HoldOptions shortp;
  shortp.long_polling_enable = false;
  Harness s(shortp);
  s.Park(0, 15000);
  s.clock.AdvanceMs(999);
  s.service->RunOnce();
  CHECK(s.woken.empty());
  s.clock.AdvanceMs(1);
  s.service->RunOnce();
  CHECK(s.woken.size() == 1);
}

TEST_CASE("parking a pull whose queue already grew re-executes it at once") {
  Harness h;
  h.max_offsets["T@0"] = 8;
  h.Park(7, 15000);
  CHECK(h.woken == std::vector<int64_t>{7});
  CHECK(h.service->parked_count() == 0);
}

TEST_CASE("Stop answers every parked pull") {
  Harness h;
  h.Park(1, 15000);
  h.Park(2, 15000);
  h.service->Stop();
  CHECK(h.woken.size() == 2);
  CHECK(h.service->parked_count() == 0);
}

TEST_CASE("the arrival listener does nothing while no pull is parked or the loop is absent") {
  Harness h;
  store::MessageArrivalListener listener = h.service->ArrivalListener();
  store::MessageArrival a;
  a.topic = "T";
  a.queue_id = QueueId(0);
  a.max_offset = QueueOffset(1);
  listener(a);  // nothing parked: returns at once
  h.Park(5, 15000);
  listener(a);  // parked, but no loop started: dropped (no crash)
  CHECK(h.woken.empty());
}

}  // namespace
}  // namespace tern::longpoll
