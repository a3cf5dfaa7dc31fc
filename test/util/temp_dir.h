// A directory under $TMPDIR (or /tmp) removed with everything in it when the
// object dies. Tests own one each; nothing is shared between tests.
#pragma once

#include <string>

namespace tern::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes `content` to `path` (replacing it); aborts the test binary on failure.
void WriteFile(const std::string& path, const std::string& content);
std::string ReadFile(const std::string& path);

}  // namespace tern::testing
