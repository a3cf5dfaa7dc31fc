// TERN_CHECK: programmer errors abort with a message.
//
//   TERN_CHECK(fd >= 0) << "bad fd " << fd;
//
// Used for broken invariants only; bad input from peers, files or users is
// reported through Status, never through TERN_CHECK.
#pragma once

#include <sstream>

namespace tern::internal {

class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* expr);
  [[noreturn]] ~CheckFailure();
  template <typename T>
  CheckFailure& operator<<(const T& v) {
    stream_ << v;
    return *this;
  }

 private:
  std::ostringstream stream_;
};

// Makes `cond || Voidify() & CheckFailure(...) << ...` type-check as void.
struct Voidify {
  void operator&(const CheckFailure&) {}
};

}  // namespace tern::internal

#define TERN_CHECK(cond)                \
  (cond) ? (void)0                      \
         : ::tern::internal::Voidify() & \
               ::tern::internal::CheckFailure(__FILE__, __LINE__, #cond)
