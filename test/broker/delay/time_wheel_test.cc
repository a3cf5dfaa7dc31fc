#include "broker/delay/time_wheel.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace tern::delay {
namespace {

std::vector<int64_t> Offsets(std::vector<WheelEntry> v) {
  std::sort(v.begin(), v.end(), [](const WheelEntry& a, const WheelEntry& b) {
    return a.fire_ms != b.fire_ms ? a.fire_ms < b.fire_ms : a.offset < b.offset;
  });
  std::vector<int64_t> out;
  for (const auto& e : v) out.push_back(e.offset);
  return out;
}

TEST_CASE("wheel pops an entry at its fire millisecond, never earlier") {
  TimeWheel wheel(10, 16, 1000);
  wheel.Add({1234, 1, 0});
  std::vector<WheelEntry> out;
  wheel.PopDue(1233, 100, &out);
  CHECK(out.empty());
  wheel.PopDue(1234, 100, &out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].offset == 1);
  CHECK(wheel.empty());
}

TEST_CASE("wheel keeps far entries in the second level and cascades them") {
  TimeWheel wheel(10, 16, 0);  // near window 160 ms
  wheel.Add({5'000, 1, 0});
  wheel.Add({100'000'000, 2, 0});  // ~28 hours away
  wheel.Add({170, 3, 0});
  std::vector<WheelEntry> out;
  wheel.PopDue(169, 100, &out);
  CHECK(out.empty());
  wheel.PopDue(4'999, 100, &out);
  CHECK(Offsets(out) == std::vector<int64_t>{3});
  out.clear();
  wheel.PopDue(99'999'999, 100, &out);
  CHECK(Offsets(out) == std::vector<int64_t>{1});
  out.clear();
  wheel.PopDue(100'000'000, 100, &out);
  CHECK(Offsets(out) == std::vector<int64_t>{2});
  CHECK(wheel.empty());
}

TEST_CASE("wheel entries in the past are due at once") {
  TimeWheel wheel(10, 16, 10'000);
  wheel.Add({5, 1, 0});
  std::vector<WheelEntry> out;
  wheel.PopDue(10'000, 100, &out);
  CHECK(Offsets(out) == std::vector<int64_t>{1});
}

TEST_CASE("wheel removes an entry by fire time and offset, near or far") {
  TimeWheel wheel(10, 16, 0);
  wheel.Add({50, 1, 0});
  wheel.Add({50, 2, 0});
  wheel.Add({9'000, 3, 0});
  CHECK(wheel.Remove(50, 2));
  CHECK_FALSE(wheel.Remove(50, 2));
  CHECK(wheel.Remove(9'000, 3));
  CHECK_FALSE(wheel.Remove(60, 1));  // wrong fire time
  std::vector<WheelEntry> out;
  wheel.PopDue(10'000, 100, &out);
  CHECK(Offsets(out) == std::vector<int64_t>{1});
}

TEST_CASE("wheel removes an entry of a block that overlaps the near window") {
  TimeWheel wheel(10, 16, 0);
  wheel.Add({200, 1, 0});  // tick 20: block 1 (far) while the cursor is at 0
  std::vector<WheelEntry> out;
  wheel.PopDue(50, 100, &out);  // cursor 5: tick 20 is inside the window, block not cascaded
  CHECK(out.empty());
  CHECK(wheel.Remove(200, 1));
  CHECK(wheel.empty());
}

TEST_CASE("wheel delivers random fire times exactly once, in order, with a batch cap") {
  std::mt19937_64 rng(42);
  TimeWheel wheel(10, 64, 0);
  std::vector<int64_t> fires;
  for (int i = 0; i < 20000; ++i) {
    int64_t f = static_cast<int64_t>(rng() % 5'000'000);
    fires.push_back(f);
    wheel.Add({f, i, 0});
  }
  std::vector<int> seen(20000, 0);
  int64_t now = 0;
  while (!wheel.empty()) {
    now += static_cast<int64_t>(rng() % 20'000);
    std::vector<WheelEntry> out;
    wheel.PopDue(now, 500, &out);
    for (const auto& e : out) {
      REQUIRE(e.fire_ms <= now);  // never early
      ++seen[static_cast<size_t>(e.offset)];
    }
  }
  CHECK(std::all_of(seen.begin(), seen.end(), [](int n) { return n == 1; }));
}

TEST_CASE("wheel with many pending entries stays near 24 bytes each") {
  TimeWheel wheel(10, 8192, 0);
  for (int i = 0; i < 1'000'000; ++i) wheel.Add({static_cast<int64_t>(i) * 3'000, i, 0});
  CHECK(wheel.size() == 1'000'000);
  // 24 MB of entries plus vector growth slack and bucket overhead.
  CHECK(wheel.MemoryBytes() < 64u * 1024 * 1024);
}

}  // namespace
}  // namespace tern::delay
