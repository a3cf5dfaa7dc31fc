#include "broker/processor/broker_stats.h"

#include <fmt/format.h>

#include <ctime>

namespace tern::processor {
namespace {

constexpr int64_t kLongestWindowMs = 600'000;
constexpr int64_t kGroupWindowMs = 60'000;
constexpr int64_t kMinSampleGapMs = 500;

// The local calendar day of a wall-clock time, as year * 1000 + day of year.
int64_t LocalDay(int64_t now_ms) {
  std::time_t secs = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return static_cast<int64_t>(tm.tm_year) * 1000 + tm.tm_yday;
}

std::string TopicAtGroup(std::string_view topic, std::string_view group) {
  std::string key;
  key.reserve(topic.size() + 1 + group.size());
  key.append(topic).append("@").append(group);
  return key;
}

// Index of the newest sample at least `window_ms` older than the newest one,
// or 0 (the oldest) when the history is shorter.
template <typename Deque>
size_t WindowStart(const Deque& samples, int64_t window_ms) {
  const int64_t boundary = samples.back().ms - window_ms;
  size_t i = samples.size() - 1;
  while (i > 0 && samples[i].ms > boundary) --i;
  return i;
}

}  // namespace

BrokerStats::BrokerStats(int64_t boot_ms) : boot_ms_(boot_ms) {}

void BrokerStats::OnPut(int64_t messages, int64_t bytes) {
  put_messages_.fetch_add(messages, std::memory_order_relaxed);
  put_bytes_.fetch_add(bytes, std::memory_order_relaxed);
}

void BrokerStats::OnPutFailed() { put_failed_.fetch_add(1, std::memory_order_relaxed); }

void BrokerStats::OnGet(std::string_view group, std::string_view topic, int64_t messages,
                        int64_t bytes) {
  get_found_.fetch_add(1, std::memory_order_relaxed);
  get_transferred_.fetch_add(messages, std::memory_order_relaxed);
  get_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  std::string key = TopicAtGroup(topic, group);
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = groups_.try_emplace(std::move(key));
  if (inserted && !samples_.empty()) {
    // The counter was zero at the last sample: its first messages count.
    it->second.samples.push_back({samples_.back().ms, 0});
  }
  it->second.total += messages;
}

void BrokerStats::OnGetMiss() { get_miss_.fetch_add(1, std::memory_order_relaxed); }

BrokerStats::Totals BrokerStats::totals() const {
  Totals t;
  t.put_messages = put_messages_.load(std::memory_order_relaxed);
  t.put_bytes = put_bytes_.load(std::memory_order_relaxed);
  t.put_failed = put_failed_.load(std::memory_order_relaxed);
  t.get_found = get_found_.load(std::memory_order_relaxed);
  t.get_miss = get_miss_.load(std::memory_order_relaxed);
  t.get_transferred = get_transferred_.load(std::memory_order_relaxed);
  t.get_bytes = get_bytes_.load(std::memory_order_relaxed);
  return t;
}

void BrokerStats::Sample(int64_t now_ms) {
  const Totals now = totals();
  std::lock_guard<std::mutex> lock(mu_);
  if (!samples_.empty() && now_ms - samples_.back().ms < kMinSampleGapMs) return;

  const int64_t day = LocalDay(now_ms);
  if (day_ >= 0 && day != day_) {
    yesterday_morning_ = today_morning_;
    today_morning_ = now;
  }
  day_ = day;

  samples_.push_back({now_ms, now});
  while (samples_.size() >= 2 && samples_[1].ms <= now_ms - kLongestWindowMs) {
    samples_.pop_front();
  }

  for (auto it = groups_.begin(); it != groups_.end();) {
    KeyedCounter& c = it->second;
    c.samples.push_back({now_ms, c.total});
    while (c.samples.size() >= 2 && c.samples[1].ms <= now_ms - kGroupWindowMs) {
      c.samples.pop_front();
    }
    // Idle for a whole window: its rate is 0 whether it is kept or not.
    const bool idle =
        c.samples.front().ms <= now_ms - kGroupWindowMs && c.samples.front().total == c.total;
    it = idle ? groups_.erase(it) : std::next(it);
  }
}

template <typename F>
double BrokerStats::RateLocked(int64_t window_ms, F pick) const {
  if (samples_.size() < 2) return 0;
  const Point& last = samples_.back();
  const Point& first = samples_[WindowStart(samples_, window_ms)];
  if (last.ms <= first.ms) return 0;
  return static_cast<double>(pick(last.t) - pick(first.t)) * 1000.0 /
         static_cast<double>(last.ms - first.ms);
}

template <typename F>
std::string BrokerStats::RatesText(F pick) const {
  std::lock_guard<std::mutex> lock(mu_);
  return fmt::format("{:.2f} {:.2f} {:.2f}", RateLocked(10'000, pick), RateLocked(60'000, pick),
                     RateLocked(600'000, pick));
}

std::string BrokerStats::PutTpsText() const {
  return RatesText([](const Totals& t) { return t.put_messages; });
}
std::string BrokerStats::GetTransferredTpsText() const {
  return RatesText([](const Totals& t) { return t.get_transferred; });
}
std::string BrokerStats::GetFoundTpsText() const {
  return RatesText([](const Totals& t) { return t.get_found; });
}
std::string BrokerStats::GetMissTpsText() const {
  return RatesText([](const Totals& t) { return t.get_miss; });
}
std::string BrokerStats::GetTotalTpsText() const {
  return RatesText([](const Totals& t) { return t.get_found + t.get_miss; });
}

double BrokerStats::GroupGetTps(std::string_view group, std::string_view topic) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(TopicAtGroup(topic, group));
  if (it == groups_.end() || it->second.samples.size() < 2) return 0;
  const auto& samples = it->second.samples;
  const KeyedPoint& last = samples.back();
  const KeyedPoint& first = samples[WindowStart(samples, kGroupWindowMs)];
  if (last.ms <= first.ms) return 0;
  return static_cast<double>(last.total - first.total) * 1000.0 /
         static_cast<double>(last.ms - first.ms);
}

int64_t BrokerStats::msg_put_total_today_morning() const {
  std::lock_guard<std::mutex> lock(mu_);
  return today_morning_.put_messages;
}
int64_t BrokerStats::msg_get_total_today_morning() const {
  std::lock_guard<std::mutex> lock(mu_);
  return today_morning_.get_transferred;
}
int64_t BrokerStats::msg_put_total_yesterday_morning() const {
  std::lock_guard<std::mutex> lock(mu_);
  return yesterday_morning_.put_messages;
}
int64_t BrokerStats::msg_get_total_yesterday_morning() const {
  std::lock_guard<std::mutex> lock(mu_);
  return yesterday_morning_.get_transferred;
}

}  // namespace tern::processor
