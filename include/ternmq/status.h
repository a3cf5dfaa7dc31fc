// ternmq::Status and ternmq::Result<T>: how every SDK call reports failure.
//
// No exception crosses the SDK API. A call that can fail returns a Status, or
// a Result<T> that holds either a value or the Status saying why there is
// none. A Status carries a code (what kind of failure; decide on this), a
// message (for humans and logs; do not parse it) and, for failures the broker
// or nameserver reported, the remoting response code it answered with.
//
// Thread-safety: plain values; a const object may be read from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ternmq {

enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,  // bad options or message, rejected before anything was sent
  kIllegalState,     // the object is not started, or already shut down
  kNotFound,         // no route for the topic (not even through the auto-create template)
  kTimeout,          // no answer within the call's timeout
  kNetworkError,     // connection refused, closed or failed
  kBrokerError,      // a broker or nameserver answered with an error; see response_code()
  kInternal,         // an SDK bug or an impossible state
};

// "OK", "InvalidArgument", ...
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, int32_t response_code = 0)
      : code_(code), response_code_(response_code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The remoting response code (e.g. 1 SYSTEM_ERROR, 17 TOPIC_NOT_EXIST) when
  // code() is kBrokerError; 0 otherwise.
  int32_t response_code() const { return response_code_; }
  // "BrokerError(1): ..." / "Timeout: ..." / "OK".
  std::string ToString() const;

  // Explicitly discards this status (greppable).
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  int32_t response_code_ = 0;
  std::string message_;
};

namespace internal {
// Aborts the process: value() was called on a Result holding an error.
[[noreturn]] void DieOnErrorResult(const Status& status);
}  // namespace internal

// A value, or the Status explaining why there is none. Calling value() on an
// error Result is a programmer error and aborts with the status in the message.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    // An OK status carries no value: a caller bug, reported rather than aborting.
    if (std::get<Status>(v_).ok()) {
      v_ = Status(StatusCode::kInternal, "Result constructed from an OK status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // OK when a value is held.
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & {
    if (!ok()) internal::DieOnErrorResult(status());
    return std::get<T>(v_);
  }
  const T& value() const& {
    if (!ok()) internal::DieOnErrorResult(status());
    return std::get<T>(v_);
  }
  T&& value() && {
    if (!ok()) internal::DieOnErrorResult(status());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ternmq
