#include <doctest/doctest.h>

#include <cerrno>

#include "src/base/status.h"

namespace tern {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("odd");
  return v / 2;
}

Result<int> Quarter(int v) {
  TERN_ASSIGN_OR_RETURN(int h, Half(v));
  return Half(h);
}

TEST_CASE("status carries code and message and adds context") {
  Status st = Status::NotFound("topic T");
  CHECK_FALSE(st.ok());
  CHECK(st.code() == StatusCode::kNotFound);
  CHECK(st.ToString() == "NotFound: topic T");
  CHECK(st.WithContext("route").message() == "route: topic T");
  CHECK(Status::Ok().ToString() == "OK");
}

TEST_CASE("errno statuses map disk full to resource exhausted") {
  CHECK(Status::FromErrno("write x", ENOSPC).code() == StatusCode::kResourceExhausted);
  CHECK(Status::FromErrno("open x", ENOENT).code() == StatusCode::kNotFound);
  CHECK(Status::FromErrno("open x", EIO).message().find("open x: ") == 0);
}

TEST_CASE("result propagates the first error through assign-or-return") {
  CHECK(*Quarter(8) == 2);
  Result<int> r = Quarter(6);
  CHECK_FALSE(r.ok());
  CHECK(r.status().message() == "odd");
}

}  // namespace
}  // namespace tern
