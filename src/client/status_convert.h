// The conversion from tern::Status (the lower layers) to ternmq::Status (the
// SDK API). Code in src/client works in ternmq::Status, because send failures
// carry the broker's response code; lower-layer results are converted once,
// where they come in. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/base/status.h"
#include "ternmq/status.h"

namespace tern::client {

// kUnavailable and kIoError become kNetworkError; kTimeout, kInvalidArgument,
// kNotFound keep their meaning; everything else is kInternal.
ternmq::Status FromTern(const tern::Status& status);

template <typename T>
ternmq::Result<T> FromTern(tern::Result<T> result) {
  if (!result.ok()) return FromTern(result.status());
  return std::move(result).value();
}

// kBrokerError "<who> answered code <code>: <remark>".
ternmq::Status BrokerError(int32_t response_code, const std::optional<std::string>& remark,
                           std::string_view who);

// Timeouts and connection failures: the peer may be down, try another.
bool IsNetworkFailure(const ternmq::Status& status);

}  // namespace tern::client
