#include "broker/store/mapped_file.h"

#include <cstring>

#include <fmt/format.h>

#include "broker/store/store_format.h"

namespace tern::store {

MappedFile::MappedFile(FileIo& io, std::string path, int fd, char* addr, int64_t start,
                       int64_t size)
    : io_(io), path_(std::move(path)), fd_(fd), addr_(addr), start_offset_(start), size_(size) {}

MappedFile::~MappedFile() {
  io_.Unmap(addr_, size_);
  io_.Close(fd_).IgnoreError();
}

Result<std::shared_ptr<MappedFile>> MappedFile::Create(FileIo& io, const std::string& path,
                                                       int64_t start_offset, int64_t size,
                                                       bool prefault) {
  TERN_ASSIGN_OR_RETURN(int fd, io.CreateFile(path, size));
  auto addr = io.Map(fd, size, /*writable=*/true, prefault);
  if (!addr.ok()) {
    io.Close(fd).IgnoreError();
    io.Remove(path).IgnoreError();
    return addr.status();
  }
  return std::shared_ptr<MappedFile>(new MappedFile(io, path, fd, *addr, start_offset, size));
}

Result<std::shared_ptr<MappedFile>> MappedFile::Open(FileIo& io, const std::string& path,
                                                     int64_t start_offset, int64_t size) {
  TERN_ASSIGN_OR_RETURN(int fd, io.OpenFile(path, /*writable=*/true));
  auto actual = io.FileSize(fd);
  if (!actual.ok() || *actual != size) {
    io.Close(fd).IgnoreError();
    if (!actual.ok()) return actual.status();
    return Status::Corruption(
        fmt::format("{} is {} bytes, expected {}", path, *actual, size));
  }
  auto addr = io.Map(fd, size, /*writable=*/true, /*populate=*/false);
  if (!addr.ok()) {
    io.Close(fd).IgnoreError();
    return addr.status();
  }
  return std::shared_ptr<MappedFile>(new MappedFile(io, path, fd, *addr, start_offset, size));
}

Status MappedFile::Write(int64_t pos, std::string_view data) {
  TERN_CHECK(pos >= 0 && pos + static_cast<int64_t>(data.size()) <= size_)
      << "write past the end of " << path_;
  TERN_RETURN_IF_ERROR(io_.BeforeWrite(path_, pos, static_cast<int64_t>(data.size())));
  std::memcpy(addr_ + pos, data.data(), data.size());
  return Status::Ok();
}

Status MappedFile::PWrite(int64_t pos, std::string_view data) {
  TERN_CHECK(pos >= 0 && pos + static_cast<int64_t>(data.size()) <= size_)
      << "write past the end of " << path_;
  TERN_RETURN_IF_ERROR(io_.BeforeWrite(path_, pos, static_cast<int64_t>(data.size())));
  return io_.PWrite(fd_, pos, data).WithContext(path_);
}

void MappedFile::DropResident(int64_t begin, int64_t end) {
  int64_t b = (begin + kOsPageSize - 1) / kOsPageSize * kOsPageSize;
  int64_t e = std::min(size_, end) / kOsPageSize * kOsPageSize;
  if (e > b) io_.DropResident(addr_ + b, e - b);
}

Status MappedFile::DataSync() { return io_.DataSync(fd_).WithContext(path_); }

Status MappedFile::Sync(int64_t begin, int64_t end) {
  if (end <= begin) return Status::Ok();
  int64_t b = begin / kOsPageSize * kOsPageSize;
  int64_t e = std::min(size_, (end + kOsPageSize - 1) / kOsPageSize * kOsPageSize);
  return io_.SyncMapped(fd_, addr_, b, e - b).WithContext(path_);
}

Result<int64_t> MappedFile::ZeroFrom(int64_t pos) {
  // Only chunks that hold non-zero bytes are written, so zeroing the tail of a
  // mostly empty 1 GiB segment does not dirty (and write back) all of it.
  constexpr int64_t kChunk = 64 * 1024;
  static const char kZeros[kChunk] = {};
  int64_t first_dirty = -1, last_dirty = -1;
  for (int64_t at = pos; at < size_; at += kChunk) {
    int64_t n = std::min(kChunk, size_ - at);
    if (std::memcmp(addr_ + at, kZeros, static_cast<size_t>(n)) != 0) {
      std::memset(addr_ + at, 0, static_cast<size_t>(n));
      if (first_dirty < 0) first_dirty = at;
      last_dirty = at + n;
    }
  }
  if (first_dirty < 0) return int64_t{0};
  TERN_RETURN_IF_ERROR(Sync(first_dirty, last_dirty));
  return last_dirty - first_dirty;
}

Status MappedFile::MarkDeleted() {
  if (deleted_.exchange(true)) return Status::Ok();
  return io_.Remove(path_);
}

}  // namespace tern::store
