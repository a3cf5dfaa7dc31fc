#include "src/net/event_loop.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "test/src/net/wait_util.h"

namespace tern::net {
namespace {

using tern::testing::Counter;

TEST_CASE("posted tasks run on the loop thread in posting order") {
  EventLoop loop("t-loop");
  REQUIRE(loop.Start().ok());
  CHECK_FALSE(loop.InLoopThread());
  std::vector<int> seen;  // loop thread only
  Counter done;
  std::atomic<bool> on_loop{true};
  for (int i = 0; i < 100; ++i) {
    loop.Post([&, i] {
      if (!loop.InLoopThread()) on_loop = false;
      seen.push_back(i);
      done.Add();
    });
  }
  REQUIRE(done.WaitFor(100));
  CHECK(on_loop.load());
  loop.Stop();
  REQUIRE(seen.size() == 100);
  for (int i = 0; i < 100; ++i) CHECK(seen[i] == i);
}

TEST_CASE("posts from many threads all run") {
  EventLoop loop("t-loop");
  REQUIRE(loop.Start().ok());
  Counter done;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) loop.Post([&] { done.Add(); });
    });
  }
  for (auto& t : threads) t.join();
  CHECK(done.WaitFor(4000));
}

TEST_CASE("timers fire once or repeatedly and cancelled timers do not fire") {
  EventLoop loop("t-loop");
  REQUIRE(loop.Start().ok());
  Counter once, every, cancelled;
  TimerId repeating = 0;
  loop.Post([&] {
    loop.RunAfter(5, [&] { once.Add(); });
    TimerId dead = loop.RunAfter(5, [&] { cancelled.Add(); });
    loop.CancelTimer(dead);
    repeating = loop.RunEvery(2, [&] {
      every.Add();
      if (every.value() == 3) loop.CancelTimer(repeating);  // cancels itself
    });
  });
  CHECK(once.WaitFor(1));
  CHECK(every.WaitFor(3));
  // A one-shot fired after the cancelled one's deadline proves it never ran.
  Counter later;
  loop.Post([&] { loop.RunAfter(20, [&] { later.Add(); }); });
  CHECK(later.WaitFor(1));
  CHECK(cancelled.value() == 0);
  CHECK(every.value() == 3);
  CHECK(once.value() == 1);
}

TEST_CASE("stop runs stop hooks on the loop thread and drops later posts") {
  EventLoop loop("t-loop");
  REQUIRE(loop.Start().ok());
  std::atomic<int> hook_runs{0};
  std::atomic<bool> hook_on_loop{false};
  HookId removed = 0;
  RunInLoopAndWait(loop, [&] {
    loop.AddStopHook([&] {
      hook_on_loop = loop.InLoopThread();
      hook_runs++;
    });
    removed = loop.AddStopHook([&] { hook_runs += 100; });
    loop.RunEvery(1000, [] {});  // closed by Stop
  });
  RunInLoopAndWait(loop, [&] { loop.RemoveStopHook(removed); });
  loop.Stop();
  CHECK(hook_runs.load() == 1);
  CHECK(hook_on_loop.load());
  CHECK_FALSE(loop.TryPost([] {}));
  CHECK_FALSE(loop.running());
  loop.Stop();  // idempotent
}

TEST_CASE("a loop that never started stops cleanly and runs its hooks") {
  int hook = 0;
  {
    EventLoop loop("t-loop");
    CHECK(loop.InLoopThread());
    loop.AddStopHook([&] { hook++; });
    loop.RunAfter(1000, [] {});
  }
  CHECK(hook == 1);
}

TEST_CASE("before-poll tasks run after the current callback, chained ones before the loop waits") {
  EventLoop loop("t-loop");
  REQUIRE(loop.Start().ok());
  Counter done;
  std::vector<int> order;  // loop thread only until `done`
  loop.Post([&] {
    loop.BeforePoll([&] {
      order.push_back(2);
      // Added while before-poll tasks run: still runs before the loop blocks
      // in poll (nothing else would wake it here).
      loop.BeforePoll([&] {
        order.push_back(3);
        done.Add();
      });
    });
    order.push_back(1);
  });
  REQUIRE(done.WaitFor(1));
  CHECK(order == std::vector<int>{1, 2, 3});

  // Pending at Stop(): run during shutdown; added after it: run at once.
  std::atomic<int> at_stop{0};
  RunInLoopAndWait(loop, [&] {
    loop.AddStopHook([&] { loop.BeforePoll([&] { at_stop++; }); });
  });
  loop.Stop();
  CHECK(at_stop.load() == 1);
  loop.BeforePoll([&] { at_stop++; });
  CHECK(at_stop.load() == 2);
}

TEST_CASE("a coalesced call runs once per iteration that requested it, and not after Cancel") {
  EventLoop loop("t-loop");
  REQUIRE(loop.Start().ok());
  Counter runs;
  int seen_in_task = -1;  // loop thread only until checked
  CoalescedCall call(loop, [&] { runs.Add(); });
  CHECK_FALSE(call.Request());  // off the loop thread: the caller acts itself
  REQUIRE(RunInLoopAndWait(loop, [&] {
    CHECK(call.Request());
    CHECK(call.Request());
    seen_in_task = runs.value();  // not yet: it runs before the loop polls
  }));
  REQUIRE(runs.WaitFor(1));
  CHECK(seen_in_task == 0);
  REQUIRE(RunInLoopAndWait(loop, [&] { CHECK(call.Request()); }));
  REQUIRE(runs.WaitFor(2));

  call.Cancel();
  REQUIRE(RunInLoopAndWait(loop, [&] { CHECK_FALSE(call.Request()); }));
  loop.Stop();  // would run a call still pending
  CHECK(runs.value() == 2);
}

TEST_CASE("run in loop and wait runs inline on the loop thread") {
  EventLoop loop("t-loop");
  REQUIRE(loop.Start().ok());
  std::atomic<bool> nested_inline{false};
  CHECK(RunInLoopAndWait(loop, [&] {
    bool ran = false;
    RunInLoopAndWait(loop, [&] { ran = true; });
    nested_inline = ran;
  }));
  CHECK(nested_inline.load());
  loop.Stop();
  bool after = false;
  CHECK(RunInLoopAndWait(loop, [&] { after = true; }));  // not running: inline
  CHECK(after);
}

}  // namespace
}  // namespace tern::net
