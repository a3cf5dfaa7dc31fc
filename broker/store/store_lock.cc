#include "broker/store/store_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "broker/store/file_io.h"
#include "broker/store/store_format.h"

namespace tern::store {

namespace {
Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open " + dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno("fsync " + dir, err);
  return Status::Ok();
}
}  // namespace

Result<std::unique_ptr<StoreLock>> StoreLock::Acquire(const std::string& root_dir) {
  TERN_RETURN_IF_ERROR(FileIo::Default().CreateDirs(root_dir));
  std::string lock_path = root_dir + "/" + std::string(kLockFile);
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("open " + lock_path, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Status::Unavailable("store " + root_dir + " is locked by another process");
    }
    return Status::FromErrno("flock " + lock_path, err);
  }
  bool crashed = ::access((root_dir + "/" + std::string(kAbortFile)).c_str(), F_OK) == 0;
  return std::unique_ptr<StoreLock>(new StoreLock(root_dir, fd, crashed));
}

StoreLock::~StoreLock() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

Status StoreLock::CreateAbortMarker() {
  std::string path = root_ + "/" + std::string(kAbortFile);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("create " + path, errno);
  ::close(fd);
  return SyncDir(root_);
}

Status StoreLock::RemoveAbortMarker() {
  std::string path = root_ + "/" + std::string(kAbortFile);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Status::FromErrno("unlink " + path, errno);
  }
  return SyncDir(root_);
}

}  // namespace tern::store
