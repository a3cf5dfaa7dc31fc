// BrokerStats: the broker's message counters and rates, as GET_BROKER_RUNTIME_INFO
// (requests.md §B.19) and GET_CONSUME_STATS (§B.21) report them — the part of
// Java's StoreStatsService / BrokerStats / BrokerStatsManager that mqadmin
// reads (putTps, getTransferedTps, msgPutTotalTodayNow, consumeTps, ...).
//
// Feeding it (the send and pull paths):
//   stats.OnPut(messages, bytes);                 // a put stored (batch: its size)
//   stats.OnPutFailed();                          // a put refused by the store
//   stats.OnGet(group, topic, messages, bytes);   // a pull answered with messages
//   stats.OnGetMiss();                            // a pull answered without any
// and once a second, from a timer:
//   loop.RunEvery(1000, [&] { stats.Sample(clock.NowMs()); });
//
// Rates are averages between the newest sample and the one taken `window`
// earlier (10 s, 60 s, 600 s like Java); with less history, over what there
// is. Per (group, topic) get rates cover the last minute (Java's
// tpsGroupGetNums). "Today morning" totals roll over at the first sample of a
// new local day.
//
// Threads: any thread; internally synchronized. OnPut / OnPutFailed /
// OnGetMiss are lock-free (atomics); OnGet takes a mutex for the per-group
// counter (one map lookup); Sample and the readers take the same mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace tern::processor {

class BrokerStats {
 public:
  // `boot_ms`: wall-clock start of the broker (bootTimestamp, runtime).
  explicit BrokerStats(int64_t boot_ms);
  BrokerStats(const BrokerStats&) = delete;
  BrokerStats& operator=(const BrokerStats&) = delete;

  // ---- hooks ----
  void OnPut(int64_t messages, int64_t bytes);
  void OnPutFailed();
  void OnGet(std::string_view group, std::string_view topic, int64_t messages, int64_t bytes);
  void OnGetMiss();

  // ---- sampling ----
  // Records the counters at `now_ms` (wall clock). Call about once a second;
  // calls closer than 500 ms to the previous sample are ignored.
  void Sample(int64_t now_ms);

  // ---- figures ----
  struct Totals {
    int64_t put_messages = 0;
    int64_t put_bytes = 0;
    int64_t put_failed = 0;
    int64_t get_found = 0;        // pulls that returned messages
    int64_t get_miss = 0;         // pulls that returned none
    int64_t get_transferred = 0;  // messages returned by pulls
    int64_t get_bytes = 0;
  };
  Totals totals() const;

  // "a b c": the 10 s, 60 s and 600 s averages with two decimals.
  std::string PutTpsText() const;
  std::string GetTransferredTpsText() const;
  std::string GetFoundTpsText() const;
  std::string GetMissTpsText() const;
  std::string GetTotalTpsText() const;
  // Messages per second pulled by `group` from `topic` over the last minute.
  double GroupGetTps(std::string_view group, std::string_view topic) const;

  // Java BrokerStats: totals now and at the start of today / yesterday.
  int64_t msg_put_total_today_now() const { return totals().put_messages; }
  int64_t msg_get_total_today_now() const { return totals().get_transferred; }
  int64_t msg_put_total_today_morning() const;
  int64_t msg_get_total_today_morning() const;
  int64_t msg_put_total_yesterday_morning() const;
  int64_t msg_get_total_yesterday_morning() const;

  int64_t boot_ms() const { return boot_ms_; }

 private:
  struct Point {
    int64_t ms;
    Totals t;
  };
  struct KeyedPoint {
    int64_t ms;
    int64_t total;
  };
  struct KeyedCounter {
    int64_t total = 0;
    std::deque<KeyedPoint> samples;  // the last minute
  };
  // Rate of the field selected by `pick` over `window_ms`. REQUIRES: mu_ held.
  template <typename F>
  double RateLocked(int64_t window_ms, F pick) const;
  template <typename F>
  std::string RatesText(F pick) const;

  const int64_t boot_ms_;
  std::atomic<int64_t> put_messages_{0};
  std::atomic<int64_t> put_bytes_{0};
  std::atomic<int64_t> put_failed_{0};
  std::atomic<int64_t> get_found_{0};
  std::atomic<int64_t> get_miss_{0};
  std::atomic<int64_t> get_transferred_{0};
  std::atomic<int64_t> get_bytes_{0};

  mutable std::mutex mu_;
  std::deque<Point> samples_;                                // GUARDED_BY(mu_), 600 s
  std::map<std::string, KeyedCounter, std::less<>> groups_;  // GUARDED_BY(mu_) "topic@group"
  int64_t day_ = -1;                                         // GUARDED_BY(mu_) local day
  Totals today_morning_;                                     // GUARDED_BY(mu_)
  Totals yesterday_morning_;                                 // GUARDED_BY(mu_)
};

}  // namespace tern::processor
