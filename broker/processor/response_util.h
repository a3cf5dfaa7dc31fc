// Small helpers shared by the message-path processors. Any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "broker/store/commit_log.h"
#include "src/remoting/remoting_command.h"

namespace tern::processor {

// A response to `request` with `code` and `remark` (null remark when empty).
inline remoting::RemotingCommand MakeResponse(const remoting::RemotingCommand& request,
                                              int32_t code, std::string remark = {}) {
  return remoting::RemotingCommand::ResponseTo(
      request, code, remark.empty() ? std::nullopt : std::optional<std::string>(std::move(remark)));
}

// The stored records back to back (PULL / QUERY_MESSAGE bodies). One copy out
// of the mapped log: RemotingCommand::body is a std::string, and the remoting
// layer writes that string as the frame body without copying it again.
inline std::string ConcatRecords(const std::vector<store::LogView>& views, int64_t total_bytes = 0) {
  std::string body;
  if (total_bytes <= 0) {
    for (const auto& v : views) total_bytes += static_cast<int64_t>(v.size());
  }
  body.reserve(static_cast<size_t>(total_bytes));
  for (const auto& v : views) body.append(v.data());
  return body;
}

}  // namespace tern::processor
