// The store's file layer: every system call the store makes on files goes
// through FileIo so that tests can inject failures (fault_file_io.h).
//
// Errors come back as Status (errno converted here, once). Any thread; the
// default implementation is stateless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace tern::store {

class FileIo {
 public:
  virtual ~FileIo() = default;
  // The real POSIX implementation (process-wide, stateless).
  static FileIo& Default();

  // Creates `path` (must not exist) and allocates `size` bytes of zeros on disk
  // (fallocate), so later writes through a mapping cannot hit ENOSPC. Returns the fd.
  // Creates `path` (must not exist) at `size` bytes, allocated. Atomic against
  // a crash: the file appears under its name only once fully allocated.
  virtual Result<int> CreateFile(const std::string& path, int64_t size);
  // ListDir, after removing what an interrupted CreateFile left in `dir`
  // (names ending in kTempSuffix): the names of everything else.
  Result<std::vector<std::string>> ListDirRemovingTemp(const std::string& dir);
  static constexpr std::string_view kTempSuffix = ".tmp";
  // Opens an existing file read-write (or read-only) and returns the fd.
  virtual Result<int> OpenFile(const std::string& path, bool writable);
  // Opens or creates a regular file read-write (small files such as the checkpoint).
  virtual Result<int> OpenOrCreateFile(const std::string& path);
  virtual Result<int64_t> FileSize(int fd);
  virtual Status Close(int fd);

  // Maps [0, size) of fd shared; populate pre-faults the pages (MAP_POPULATE).
  virtual Result<char*> Map(int fd, int64_t size, bool writable, bool populate);
  virtual void Unmap(char* addr, int64_t size);
  // Drops [addr, addr+len) of a shared file mapping from this process's page
  // tables (madvise MADV_DONTNEED): the pages stay in the page cache (dirty ones
  // stay dirty), the next access maps them again. Only lowers resident memory.
  virtual void DropResident(char* addr, int64_t len);
  // Makes [addr+offset, addr+offset+len) durable (msync MS_SYNC == fdatasync of the range).
  virtual Status SyncMapped(int fd, char* addr, int64_t offset, int64_t len);
  // Called before the store copies `len` bytes into the mapping of `path` at
  // `offset`. The real one does nothing; the fault layer fails here to simulate a
  // failed write.
  virtual Status BeforeWrite(const std::string& path, int64_t offset, int64_t len);

  virtual Status PWrite(int fd, int64_t offset, std::string_view data);
  virtual Result<std::string> PRead(int fd, int64_t offset, int64_t len);
  virtual Status DataSync(int fd);

  virtual Status CreateDirs(const std::string& dir);
  virtual Status Remove(const std::string& path);
  virtual bool Exists(const std::string& path);
  // Names (not paths) of the entries of `dir`, unsorted, without "." and "..".
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir);
  virtual Result<int64_t> ModifiedTimeMs(const std::string& path);
  // Used fraction (0..1) of the filesystem holding `path` (statvfs: 1 - avail/total).
  virtual Result<double> DiskUsageRatio(const std::string& path);
};

}  // namespace tern::store
