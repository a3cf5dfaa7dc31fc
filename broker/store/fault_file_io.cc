#include "broker/store/fault_file_io.h"

#include <chrono>

namespace tern::store {

void FaultInjectingFileIo::FailCreates(Status s) {
  std::lock_guard<std::mutex> l(mu_);
  create_error_ = std::move(s);
}

void FaultInjectingFileIo::FailWrites(Status s) {
  std::lock_guard<std::mutex> l(mu_);
  write_error_ = std::move(s);
}

void FaultInjectingFileIo::FailSyncs(Status s, int after) {
  std::lock_guard<std::mutex> l(mu_);
  sync_error_ = std::move(s);
  syncs_before_failure_ = after;
}

void FaultInjectingFileIo::SetDiskUsageRatio(std::optional<double> ratio) {
  std::lock_guard<std::mutex> l(mu_);
  usage_ratio_ = ratio;
}

void FaultInjectingFileIo::HoldSyncs() {
  std::lock_guard<std::mutex> l(mu_);
  hold_syncs_ = true;
}

void FaultInjectingFileIo::ReleaseSyncs() {
  {
    std::lock_guard<std::mutex> l(mu_);
    hold_syncs_ = false;
  }
  cv_.notify_all();
}

bool FaultInjectingFileIo::WaitForHeldSync(int timeout_ms) {
  std::unique_lock<std::mutex> l(mu_);
  return cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return held_syncs_ > 0; });
}

int FaultInjectingFileIo::sync_count() const {
  std::lock_guard<std::mutex> l(mu_);
  return sync_count_;
}

Status FaultInjectingFileIo::GateSync() {
  std::unique_lock<std::mutex> l(mu_);
  ++sync_count_;
  if (hold_syncs_) {
    ++held_syncs_;
    cv_.notify_all();
    cv_.wait(l, [&] { return !hold_syncs_; });
    --held_syncs_;
  }
  if (!sync_error_.ok()) {
    if (syncs_before_failure_ > 0) {
      --syncs_before_failure_;
    } else {
      return sync_error_;
    }
  }
  return Status::Ok();
}

Result<int> FaultInjectingFileIo::CreateFile(const std::string& path, int64_t size) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!create_error_.ok()) return create_error_;
  }
  return base_.CreateFile(path, size);
}

Status FaultInjectingFileIo::SyncMapped(int fd, char* addr, int64_t offset, int64_t len) {
  TERN_RETURN_IF_ERROR(GateSync());
  return base_.SyncMapped(fd, addr, offset, len);
}

Status FaultInjectingFileIo::DataSync(int fd) {
  TERN_RETURN_IF_ERROR(GateSync());
  return base_.DataSync(fd);
}

Status FaultInjectingFileIo::BeforeWrite(const std::string& path, int64_t offset, int64_t len) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!write_error_.ok()) return write_error_;
  }
  return base_.BeforeWrite(path, offset, len);
}

Result<double> FaultInjectingFileIo::DiskUsageRatio(const std::string& path) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (usage_ratio_.has_value()) return *usage_ratio_;
  }
  return base_.DiskUsageRatio(path);
}

}  // namespace tern::store
