// Injected clocks. Background services take a Clock& so that tests drive time
// with ManualClock instead of sleeping.
#pragma once

#include <atomic>
#include <cstdint>

namespace tern {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch (store timestamps, expiry).
  virtual int64_t NowMs() const = 0;
  // Monotonic milliseconds (timeouts, intervals); unrelated to the epoch.
  virtual int64_t MonotonicMs() const = 0;
};

// The real clocks. Any thread.
class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  int64_t MonotonicMs() const override;
  static SystemClock& Instance();
};

// A clock that moves only when told to. Any thread; internally synchronized.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  int64_t NowMs() const override { return now_.load(); }
  int64_t MonotonicMs() const override { return now_.load(); }
  void AdvanceMs(int64_t ms) { now_.fetch_add(ms); }
  void SetMs(int64_t ms) { now_.store(ms); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace tern
