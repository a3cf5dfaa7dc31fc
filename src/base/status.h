// Status and Result<T>: the error currency of TernMQ.
//
// No exception crosses a module boundary. A function that can fail returns a
// Status (or a Result<T> carrying a value on success). Expected outcomes such as
// "no new message" are not errors: they are enum values in result structs.
//
// Ignoring a Status must be spelled out with IgnoreError() so that it can be
// found with grep.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "src/base/check.h"

namespace tern {

enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,   // bad input from a caller or a peer
  kNotFound,          // the thing asked for does not exist
  kAlreadyExists,
  kCorruption,        // on-disk or on-wire data violates its format
  kIoError,           // the OS refused a read, write, sync or mapping
  kTimeout,
  kUnavailable,       // not ready, shutting down, or disconnected
  kResourceExhausted, // disk full, queue full, over a limit
  kPermissionDenied,
  kNotSupported,
  kInternal,          // a bug or an impossible state observed at run time
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status Timeout(std::string msg) { return {StatusCode::kTimeout, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) { return {StatusCode::kResourceExhausted, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {StatusCode::kPermissionDenied, std::move(msg)}; }
  static Status NotSupported(std::string msg) { return {StatusCode::kNotSupported, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }
  // errno-style OS error: "<what>: <strerror(err)>".
  static Status FromErrno(std::string_view what, int err);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "IoError: open /x: No such file or directory"; "OK" when ok().
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(std::string_view context) const;

  // Explicitly discards this status (greppable).
  void IgnoreError() const {}

  bool operator==(const Status& o) const { return code_ == o.code_ && message_ == o.message_; }

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    TERN_CHECK(!std::get<Status>(v_).ok()) << "Result constructed from an OK status";
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & {
    TERN_CHECK(ok()) << "Result::value() on error: " << status().ToString();
    return std::get<T>(v_);
  }
  const T& value() const& {
    TERN_CHECK(ok()) << "Result::value() on error: " << status().ToString();
    return std::get<T>(v_);
  }
  T&& value() && {
    TERN_CHECK(ok()) << "Result::value() on error: " << status().ToString();
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace tern

// Propagates a non-OK Status from an expression returning Status.
#define TERN_RETURN_IF_ERROR(expr)              \
  do {                                          \
    ::tern::Status _tern_st = (expr);           \
    if (!_tern_st.ok()) return _tern_st;        \
  } while (0)

#define TERN_CONCAT_INNER(a, b) a##b
#define TERN_CONCAT(a, b) TERN_CONCAT_INNER(a, b)

// TERN_ASSIGN_OR_RETURN(auto x, MakeX()); declares x or returns the error.
#define TERN_ASSIGN_OR_RETURN(decl, expr) \
  TERN_ASSIGN_OR_RETURN_IMPL(TERN_CONCAT(_tern_res_, __LINE__), decl, expr)
#define TERN_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  decl = std::move(tmp).value()
