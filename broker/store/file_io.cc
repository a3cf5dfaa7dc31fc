#include "broker/store/file_io.h"

#include <dirent.h>
#include <stdio.h>  // renameat2
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace tern::store {

FileIo& FileIo::Default() {
  static FileIo* io = new FileIo();
  return *io;
}

Result<int> FileIo::CreateFile(const std::string& path, int64_t size) {
  // Built under a temporary name and linked into place only at full size: a
  // process killed half-way leaves a ".tmp" file (removed at the next start,
  // ListDirRemovingTemp), never a short file under the real name.
  const std::string tmp = path + std::string(kTempSuffix);
  int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("create " + tmp, errno);
  int rc = ::posix_fallocate(fd, 0, size);
  if (rc != 0) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::FromErrno("fallocate " + path, rc);
  }
  // Renamed, not linked: the open file then carries the segment's name (as
  // /proc/<pid>/maps shows it). NOREPLACE fails if `path` exists, like O_EXCL;
  // a file system without it gets link + unlink, which does the same.
  int moved = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
  if (moved != 0 && (errno == EINVAL || errno == ENOSYS)) {
    moved = ::link(tmp.c_str(), path.c_str());
    if (moved == 0) ::unlink(tmp.c_str());
  }
  if (moved != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::FromErrno("create " + path, err);
  }
  return fd;
}

Result<std::vector<std::string>> FileIo::ListDirRemovingTemp(const std::string& dir) {
  TERN_ASSIGN_OR_RETURN(auto names, ListDir(dir));
  std::vector<std::string> kept;
  kept.reserve(names.size());
  for (std::string& name : names) {
    if (name.size() > kTempSuffix.size() &&
        name.compare(name.size() - kTempSuffix.size(), kTempSuffix.size(), kTempSuffix) == 0) {
      TERN_RETURN_IF_ERROR(Remove(dir + "/" + name));
    } else {
      kept.push_back(std::move(name));
    }
  }
  return kept;
}

Result<int> FileIo::OpenFile(const std::string& path, bool writable) {
  int fd = ::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open " + path, errno);
  return fd;
}

Result<int> FileIo::OpenOrCreateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("open " + path, errno);
  return fd;
}

Result<int64_t> FileIo::FileSize(int fd) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) return Status::FromErrno("fstat", errno);
  return static_cast<int64_t>(st.st_size);
}

Status FileIo::Close(int fd) {
  if (::close(fd) != 0) return Status::FromErrno("close", errno);
  return Status::Ok();
}

Result<char*> FileIo::Map(int fd, int64_t size, bool writable, bool populate) {
  int prot = PROT_READ | (writable ? PROT_WRITE : 0);
  int flags = MAP_SHARED | (populate ? MAP_POPULATE : 0);
  void* p = ::mmap(nullptr, static_cast<size_t>(size), prot, flags, fd, 0);
  if (p == MAP_FAILED) return Status::FromErrno("mmap", errno);
  return static_cast<char*>(p);
}

void FileIo::Unmap(char* addr, int64_t size) { ::munmap(addr, static_cast<size_t>(size)); }

void FileIo::DropResident(char* addr, int64_t len) {
  if (len > 0) ::madvise(addr, static_cast<size_t>(len), MADV_DONTNEED);
}

Status FileIo::SyncMapped(int /*fd*/, char* addr, int64_t offset, int64_t len) {
  if (len <= 0) return Status::Ok();
  if (::msync(addr + offset, static_cast<size_t>(len), MS_SYNC) != 0) {
    return Status::FromErrno("msync", errno);
  }
  return Status::Ok();
}

Status FileIo::BeforeWrite(const std::string&, int64_t, int64_t) { return Status::Ok(); }

Status FileIo::PWrite(int fd, int64_t offset, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd, data.data(), data.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("pwrite", errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += n;
  }
  return Status::Ok();
}

Result<std::string> FileIo::PRead(int fd, int64_t offset, int64_t len) {
  std::string out(static_cast<size_t>(len), '\0');
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::pread(fd, out.data() + got, out.size() - got, offset + static_cast<int64_t>(got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("pread", errno);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

Status FileIo::DataSync(int fd) {
  if (::fdatasync(fd) != 0) return Status::FromErrno("fdatasync", errno);
  return Status::Ok();
}

Status FileIo::CreateDirs(const std::string& dir) {
  std::string cur;
  size_t pos = 0;
  while (pos <= dir.size()) {
    size_t next = dir.find('/', pos);
    if (next == std::string::npos) next = dir.size();
    cur = dir.substr(0, next);
    if (!cur.empty() && ::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::FromErrno("mkdir " + cur, errno);
    }
    pos = next + 1;
  }
  return Status::Ok();
}

Status FileIo::Remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return Status::FromErrno("unlink " + path, errno);
  return Status::Ok();
}

bool FileIo::Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

Result<std::vector<std::string>> FileIo::ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Status::FromErrno("opendir " + dir, errno);
  std::vector<std::string> out;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(std::move(name));
  }
  ::closedir(d);
  return out;
}

Result<int64_t> FileIo::ModifiedTimeMs(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return Status::FromErrno("stat " + path, errno);
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

Result<double> FileIo::DiskUsageRatio(const std::string& path) {
  struct statvfs st{};
  if (::statvfs(path.c_str(), &st) != 0) return Status::FromErrno("statvfs " + path, errno);
  if (st.f_blocks == 0) return 0.0;
  return 1.0 - static_cast<double>(st.f_bavail) / static_cast<double>(st.f_blocks);
}

}  // namespace tern::store
