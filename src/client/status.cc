// ternmq::Status (include/ternmq/status.h) and the tern::Status conversion.
#include <cstdio>
#include <cstdlib>

#include "src/client/status_convert.h"
#include "ternmq/producer.h"
#include "ternmq/status.h"

namespace ternmq {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kIllegalState: return "IllegalState";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kTimeout: return "Timeout";
    case StatusCode::kNetworkError: return "NetworkError";
    case StatusCode::kBrokerError: return "BrokerError";
    case StatusCode::kInternal: return "Internal";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code_));
  if (code_ == StatusCode::kBrokerError) out += "(" + std::to_string(response_code_) + ")";
  out += ": ";
  out += message_;
  return out;
}

std::string_view SendStatusName(SendStatus status) {
  switch (status) {
    case SendStatus::kSendOk: return "SEND_OK";
    case SendStatus::kFlushDiskTimeout: return "FLUSH_DISK_TIMEOUT";
    case SendStatus::kFlushSlaveTimeout: return "FLUSH_SLAVE_TIMEOUT";
    case SendStatus::kSlaveNotAvailable: return "SLAVE_NOT_AVAILABLE";
  }
  return "UNKNOWN";
}

namespace internal {
void DieOnErrorResult(const Status& status) {
  std::fprintf(stderr, "ternmq: Result::value() called on an error: %s\n",
               status.ToString().c_str());
  std::abort();
}
}  // namespace internal

}  // namespace ternmq

namespace tern::client {

ternmq::Status FromTern(const tern::Status& status) {
  using ternmq::StatusCode;
  StatusCode code = StatusCode::kInternal;
  switch (status.code()) {
    case tern::StatusCode::kOk: return ternmq::Status::Ok();
    case tern::StatusCode::kInvalidArgument: code = StatusCode::kInvalidArgument; break;
    case tern::StatusCode::kNotFound: code = StatusCode::kNotFound; break;
    case tern::StatusCode::kTimeout: code = StatusCode::kTimeout; break;
    case tern::StatusCode::kUnavailable:
    case tern::StatusCode::kIoError: code = StatusCode::kNetworkError; break;
    default: code = StatusCode::kInternal; break;
  }
  return ternmq::Status(code, status.message());
}

ternmq::Status BrokerError(int32_t response_code, const std::optional<std::string>& remark,
                           std::string_view who) {
  std::string msg(who);
  msg += " answered code " + std::to_string(response_code);
  if (remark && !remark->empty()) msg += ": " + *remark;
  return ternmq::Status(ternmq::StatusCode::kBrokerError, std::move(msg), response_code);
}

bool IsNetworkFailure(const ternmq::Status& status) {
  return status.code() == ternmq::StatusCode::kNetworkError ||
         status.code() == ternmq::StatusCode::kTimeout;
}

}  // namespace tern::client
