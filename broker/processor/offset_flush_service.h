// OffsetFlushService: makes committed consumer offsets durable every
// `interval_ms` (Java flushConsumerOffsetInterval / persistConsumerOffsetInterval,
// 5 s) and once more at Stop() (requests.md §B.9). The flush (a RocksDB batch
// plus WAL fsync) runs on this service's own thread, never on the loop.
//
// Threads: Start/Stop from the owner's thread; RunOnce from any thread but an
// I/O loop (tests call it directly instead of starting the thread).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "broker/meta/consumer_offset_table.h"
#include "src/base/status.h"

namespace tern::processor {

class OffsetFlushService {
 public:
  // `offsets` must outlive the service.
  explicit OffsetFlushService(meta::ConsumerOffsetTable& offsets, int64_t interval_ms = 5000);
  ~OffsetFlushService();  // Stop()s
  OffsetFlushService(const OffsetFlushService&) = delete;
  OffsetFlushService& operator=(const OffsetFlushService&) = delete;

  void Start();
  // Stops the thread, then flushes what is left. Idempotent.
  Status Stop();
  // One flush (no-op when nothing is dirty). Failures are logged by the thread.
  Status RunOnce();

 private:
  void Loop();

  meta::ConsumerOffsetTable& offsets_;
  const int64_t interval_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace tern::processor
