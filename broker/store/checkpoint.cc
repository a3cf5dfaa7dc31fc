#include "broker/store/checkpoint.h"

#include <algorithm>
#include <cstring>

#include "broker/store/store_format.h"
#include "src/base/byte_coding.h"
#include "src/base/crc32.h"
#include "src/base/logging.h"

namespace tern::store {

Checkpoint::Checkpoint(FileIo& io, std::string path, int fd)
    : io_(io), path_(std::move(path)), fd_(fd) {}

Checkpoint::~Checkpoint() { io_.Close(fd_).IgnoreError(); }

Result<std::unique_ptr<Checkpoint>> Checkpoint::Open(FileIo& io, const std::string& path) {
  TERN_ASSIGN_OR_RETURN(int fd, io.OpenOrCreateFile(path));
  std::unique_ptr<Checkpoint> cp(new Checkpoint(io, path, fd));
  auto page = io.PRead(fd, 0, kCheckpointFileSize);
  if (!page.ok()) return page.status();
  cp->Load(*page);
  return cp;
}

void Checkpoint::Load(const std::string& page) {
  if (page.size() != static_cast<size_t>(kCheckpointFileSize)) {
    if (!page.empty()) TERN_LOG_WARN("checkpoint {} has {} bytes; ignored", path_, page.size());
    return;
  }
  const char* p = page.data();
  if (GetBE32(p + kCkMagicPos) != kCheckpointMagic ||
      GetBE32(p + kCkCrcPos) != Crc32(std::string_view(p, kCkCrcPos))) {
    TERN_LOG_WARN("checkpoint {} has a bad magic or CRC; ignored", path_);
    return;
  }
  physic_ts_ = static_cast<int64_t>(GetBE64(p + kCkPhysicMsgTimestampPos));
  logics_ts_ = static_cast<int64_t>(GetBE64(p + kCkLogicsMsgTimestampPos));
  index_ts_ = static_cast<int64_t>(GetBE64(p + kCkIndexMsgTimestampPos));
  cl_offset_ = static_cast<int64_t>(GetBE64(p + kCkCommitLogFlushedPos));
  cq_offset_ = static_cast<int64_t>(GetBE64(p + kCkConsumeQueueOffsetPos));
  index_offset_ = static_cast<int64_t>(GetBE64(p + kCkIndexOffsetPos));
  valid_ = true;
}

void Checkpoint::SetCommitLogFlushed(PhysicalOffset offset, int64_t store_timestamp) {
  cl_offset_.store(offset.value());
  if (store_timestamp > 0) physic_ts_.store(store_timestamp);
}

void Checkpoint::SetConsumeQueueProgress(PhysicalOffset offset, int64_t store_timestamp) {
  cq_offset_.store(offset.value());
  if (store_timestamp > 0) logics_ts_.store(store_timestamp);
}

void Checkpoint::SetIndexProgress(PhysicalOffset offset, int64_t store_timestamp) {
  index_offset_.store(offset.value());
  if (store_timestamp > 0) index_ts_.store(store_timestamp);
}

int64_t Checkpoint::MinTimestamp() const {
  int64_t m = std::min(physic_ts_.load(), logics_ts_.load()) - 3000;
  return m < 0 ? 0 : m;
}

Status Checkpoint::Flush() {
  std::lock_guard<std::mutex> l(flush_mu_);
  char page[kCheckpointFileSize] = {};
  PutBE64(page + kCkPhysicMsgTimestampPos, static_cast<uint64_t>(physic_ts_.load()));
  PutBE64(page + kCkLogicsMsgTimestampPos, static_cast<uint64_t>(logics_ts_.load()));
  PutBE64(page + kCkIndexMsgTimestampPos, static_cast<uint64_t>(index_ts_.load()));
  PutBE32(page + kCkMagicPos, kCheckpointMagic);
  PutBE32(page + kCkVersionPos, kCheckpointVersion);
  PutBE64(page + kCkCommitLogFlushedPos, static_cast<uint64_t>(cl_offset_.load()));
  PutBE64(page + kCkConsumeQueueOffsetPos, static_cast<uint64_t>(cq_offset_.load()));
  PutBE64(page + kCkIndexOffsetPos, static_cast<uint64_t>(index_offset_.load()));
  PutBE32(page + kCkCrcPos, Crc32(std::string_view(page, kCkCrcPos)));
  TERN_RETURN_IF_ERROR(io_.PWrite(fd_, 0, std::string_view(page, sizeof(page))));
  return io_.DataSync(fd_).WithContext(path_);
}

}  // namespace tern::store
