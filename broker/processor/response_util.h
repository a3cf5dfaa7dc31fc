// Small helpers shared by the message-path processors. Any thread.
#pragma once

#include <cstdint>
#include <memory>
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

// The stored records back to back, copied into one string (QUERY_MESSAGE
// bodies, tests). Pulls use RecordSlices below instead.
inline std::string ConcatRecords(const std::vector<store::LogView>& views, int64_t total_bytes = 0) {
  std::string body;
  if (total_bytes <= 0) {
    for (const auto& v : views) total_bytes += static_cast<int64_t>(v.size());
  }
  body.reserve(static_cast<size_t>(total_bytes));
  for (const auto& v : views) body.append(v.data());
  return body;
}

// The stored records as zero-copy body slices (PULL_MESSAGE): the views are
// moved into one shared holder that every slice keeps alive, so the mapped
// segments stay pinned until the connection has written the response (the
// write callback releases the holder, on the loop thread). Records that are
// adjacent in the mapped memory share one slice (one iovec).
inline std::vector<remoting::BodySlice> RecordSlices(std::vector<store::LogView> views) {
  auto holder = std::make_shared<const std::vector<store::LogView>>(std::move(views));
  std::vector<remoting::BodySlice> slices;
  for (const store::LogView& v : *holder) {
    std::string_view d = v.data();
    if (d.empty()) continue;
    if (!slices.empty()) {
      std::string_view& last = slices.back().data;
      if (last.data() + last.size() == d.data()) {
        last = std::string_view(last.data(), last.size() + d.size());
        continue;
      }
    }
    slices.push_back(remoting::BodySlice{d, holder});
  }
  return slices;
}

}  // namespace tern::processor
