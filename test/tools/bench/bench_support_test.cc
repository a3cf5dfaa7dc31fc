// The measuring parts of `ternmq bench producer/consumer`.
#include "tools/bench/bench_support.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace tern::bench {
namespace {

TEST_CASE("latency histogram reports exact percentiles below 65 ms and the exact max") {
  LatencyHistogram h;
  for (int i = 1; i <= 100; ++i) h.Record(i);
  h.Record(250'000);  // coarse range
  LatencyHistogram::Summary s = h.TakeInterval();
  CHECK(s.count == 101);
  CHECK(s.p50 == 51);
  CHECK(s.p99 == 100);
  CHECK(s.max == 250'000);
  // The interval was reset, the total was not.
  CHECK(h.TakeInterval().count == 0);
  LatencyHistogram::Summary t = h.Total();
  CHECK(t.count == 101);
  CHECK(t.p50 == 51);
}

TEST_CASE("latency histogram clamps to the coarse range and never reports above the max") {
  LatencyHistogram h;
  h.Record(70'400);  // 1 ms buckets from 65,536 us
  LatencyHistogram::Summary s = h.Total();
  CHECK(s.p50 <= 70'400);
  CHECK(s.p50 >= 69'400);
  h.Record(-5);  // a clock step backwards counts as 0
  CHECK(h.Total().count == 2);
}

TEST_CASE("latency histogram intervals taken while threads record lose and repeat nothing") {
  LatencyHistogram h;
  constexpr int kThreads = 3;
  constexpr int kPerThread = 200'000;
  std::atomic<int> done{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&h, &done, t] {
      for (int i = 0; i < kPerThread; ++i) h.Record(t * 1000 + i % 1000);
      done.fetch_add(1);
    });
  }
  int64_t taken = 0;
  int takes = 0;
  while (done.load() < kThreads) {
    taken += h.TakeInterval().count;
    ++takes;
  }
  for (auto& w : writers) w.join();
  taken += h.TakeInterval().count;
  CHECK(taken == int64_t{kThreads} * kPerThread);
  CHECK(h.Total().count == int64_t{kThreads} * kPerThread);
  CHECK(h.Total().max == (kThreads - 1) * 1000 + 999);
  CHECK(h.TakeInterval().count == 0);
  MESSAGE("intervals taken while recording: " << takes);
}

TEST_CASE("ping-pong baseline measures round trips over loopback") {
  auto r = MeasurePingPong(1024, 0.2);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->round_trips_per_s > 100);
  CHECK(r->p50_us > 0);
}

TEST_CASE("raw ping-pong baseline measures blocking-socket round trips over loopback") {
  auto r = MeasureRawPingPong(1024, 0.2);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->round_trips_per_s > 100);
  CHECK(r->p50_us > 0);
  auto odd = MeasureRawPingPong(70'000, 0.05);  // larger than one socket read
  REQUIRE_MESSAGE(odd.ok(), odd.status().ToString());
  CHECK(odd->round_trips_per_s > 0);
}

TEST_CASE("the broker's boot line gives the broker and nameserver addresses") {
  std::string broker;
  std::string namesrv;
  CHECK(ParseBrokerBootLine(
      "2026-11-22 10:00:00.000 INFO  [main] broker.cc:1 The broker[broker-a, 127.0.0.1:41234] "
      "boot success. serializeType=JSON and name server is 127.0.0.1:9876",
      &broker, &namesrv));
  CHECK(broker == "127.0.0.1:41234");
  CHECK(namesrv == "127.0.0.1:9876");
  broker = "unchanged";
  CHECK_FALSE(
      ParseBrokerBootLine("The broker[broker-a, 127.0.0.1:41234] is starting", &broker, &namesrv));
  CHECK_FALSE(
      ParseBrokerBootLine("The broker[broker-a, host:x] boot success. serializeType=JSON "
                          "and name server is 127.0.0.1:9876",
                          &broker, &namesrv));
  CHECK_FALSE(ParseBrokerBootLine("The broker[broker-a, 127.0.0.1:1] boot success. no nameserver",
                                  &broker, &namesrv));
  CHECK(broker == "unchanged");
}

TEST_CASE("thousands separators") {
  CHECK(WithCommas(0) == "0");
  CHECK(WithCommas(999) == "999");
  CHECK(WithCommas(1000) == "1,000");
  CHECK(WithCommas(-1234567) == "-1,234,567");
}

}  // namespace
}  // namespace tern::bench
