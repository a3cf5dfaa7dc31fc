// A FileIo that forwards to another one and injects failures on command:
// failed segment creation, failed writes, failed syncs, a chosen disk usage
// ratio, and syncs held at a gate until the test releases them (to force a
// flush timeout without sleeping). For tests and the crash test writer.
//
// Any thread; internally synchronized.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>

#include "broker/store/file_io.h"

namespace tern::store {

class FaultInjectingFileIo final : public FileIo {
 public:
  // `base` must outlive this object.
  explicit FaultInjectingFileIo(FileIo& base = FileIo::Default()) : base_(base) {}

  // Every later CreateFile fails with `s` (ok() clears).
  void FailCreates(Status s);
  // Every later BeforeWrite fails with `s` (ok() clears).
  void FailWrites(Status s);
  // Syncs succeed `after` more times, then fail with `s` (ok() clears).
  void FailSyncs(Status s, int after = 0);
  // DiskUsageRatio returns `ratio` instead of the real value (nullopt: real).
  void SetDiskUsageRatio(std::optional<double> ratio);
  // While held, SyncMapped/DataSync block at a gate until ReleaseSyncs().
  void HoldSyncs();
  void ReleaseSyncs();
  // Waits (up to timeout_ms) until a sync is blocked at the gate; false on timeout.
  bool WaitForHeldSync(int timeout_ms);
  int sync_count() const;

  Result<int> CreateFile(const std::string& path, int64_t size) override;
  Status SyncMapped(int fd, char* addr, int64_t offset, int64_t len) override;
  Status BeforeWrite(const std::string& path, int64_t offset, int64_t len) override;
  Status DataSync(int fd) override;
  Result<double> DiskUsageRatio(const std::string& path) override;

  // Forwarded unchanged.
  Result<int> OpenFile(const std::string& path, bool writable) override {
    return base_.OpenFile(path, writable);
  }
  Result<int> OpenOrCreateFile(const std::string& path) override {
    return base_.OpenOrCreateFile(path);
  }
  Result<int64_t> FileSize(int fd) override { return base_.FileSize(fd); }
  Status Close(int fd) override { return base_.Close(fd); }
  Result<char*> Map(int fd, int64_t size, bool writable, bool populate) override {
    return base_.Map(fd, size, writable, populate);
  }
  void Unmap(char* addr, int64_t size) override { base_.Unmap(addr, size); }
  void DropResident(char* addr, int64_t len) override { base_.DropResident(addr, len); }
  Status PWrite(int fd, int64_t offset, std::string_view data) override {
    return base_.PWrite(fd, offset, data);
  }
  Result<std::string> PRead(int fd, int64_t offset, int64_t len) override {
    return base_.PRead(fd, offset, len);
  }
  Status CreateDirs(const std::string& dir) override { return base_.CreateDirs(dir); }
  Status Remove(const std::string& path) override { return base_.Remove(path); }
  bool Exists(const std::string& path) override { return base_.Exists(path); }
  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    return base_.ListDir(dir);
  }
  Result<int64_t> ModifiedTimeMs(const std::string& path) override {
    return base_.ModifiedTimeMs(path);
  }

 private:
  Status GateSync();  // applies hold/failure rules to one sync

  FileIo& base_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  Status create_error_;
  Status write_error_;
  Status sync_error_;
  int syncs_before_failure_ = 0;
  std::optional<double> usage_ratio_;
  bool hold_syncs_ = false;
  int held_syncs_ = 0;
  int sync_count_ = 0;
};

}  // namespace tern::store
