#include "broker/processor/offset_flush_service.h"

#include <chrono>

#include "src/base/logging.h"

namespace tern::processor {

OffsetFlushService::OffsetFlushService(meta::ConsumerOffsetTable& offsets, int64_t interval_ms)
    : offsets_(offsets), interval_ms_(interval_ms) {}

OffsetFlushService::~OffsetFlushService() { Stop().IgnoreError(); }

void OffsetFlushService::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { Loop(); });
}

Status OffsetFlushService::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  return RunOnce();
}

Status OffsetFlushService::RunOnce() {
  if (offsets_.dirty_count() == 0) return Status::Ok();
  return offsets_.Flush();
}

void OffsetFlushService::Loop() {
  log::SetThreadName("offset-flush");
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    Status s = RunOnce();
    if (!s.ok()) TERN_LOG_ERROR("flushing consumer offsets failed: {}", s.ToString());
    lock.lock();
  }
}

}  // namespace tern::processor
