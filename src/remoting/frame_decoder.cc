#include "src/remoting/frame_decoder.h"

#include <fmt/format.h>

#include <algorithm>

#include "src/base/byte_coding.h"

namespace tern::remoting {
namespace {
// A buffer that held a large frame is released rather than kept for the
// connection's lifetime.
constexpr size_t kKeepBufferCapacity = 256 * 1024;
}  // namespace

FrameDecoder::FrameDecoder(size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

void FrameDecoder::Feed(std::string_view data) {
  if (!error_.ok()) return;
  // Anything left in input_ was already moved to buffer_ by Next().
  input_ = data;
}

Result<size_t> FrameDecoder::FrameSize(std::string_view prefix) {
  uint32_t total = GetBE32(prefix.data());
  if (total < 4) {
    return Status::Corruption(
        fmt::format("frame length {} is shorter than the header length word", total));
  }
  uint64_t frame = uint64_t{total} + 4;
  if (frame > max_frame_bytes_) {
    return Status::Corruption(
        fmt::format("frame of {} bytes exceeds the {} byte limit", frame, max_frame_bytes_));
  }
  return static_cast<size_t>(frame);
}

Result<std::optional<RemotingCommand>> FrameDecoder::Fail(Status status) {
  error_ = status;
  input_ = {};
  buffer_.clear();
  return status;
}

Result<std::optional<RemotingCommand>> FrameDecoder::Next() {
  if (!error_.ok()) return error_;
  if (!buffer_.empty()) {
    // Complete the frame in buffer_, taking no more bytes than it needs.
    if (buffer_.size() < 4) {
      size_t take = std::min(4 - buffer_.size(), input_.size());
      buffer_.append(input_.substr(0, take));
      input_.remove_prefix(take);
      if (buffer_.size() < 4) return std::optional<RemotingCommand>();
    }
    auto size = FrameSize(buffer_);
    if (!size.ok()) return Fail(size.status());
    if (buffer_.capacity() < *size) buffer_.reserve(*size);
    size_t take = std::min(*size - buffer_.size(), input_.size());
    buffer_.append(input_.substr(0, take));
    input_.remove_prefix(take);
    if (buffer_.size() < *size) return std::optional<RemotingCommand>();
    auto cmd = DecodeFrame(buffer_);
    buffer_.clear();
    if (buffer_.capacity() > kKeepBufferCapacity) std::string().swap(buffer_);
    if (!cmd.ok()) return Fail(cmd.status());
    return std::optional<RemotingCommand>(std::move(cmd).value());
  }
  if (input_.size() >= 4) {
    auto size = FrameSize(input_);
    if (!size.ok()) return Fail(size.status());
    if (input_.size() >= *size) {
      auto cmd = DecodeFrame(input_.substr(0, *size));
      input_.remove_prefix(*size);
      if (!cmd.ok()) return Fail(cmd.status());
      return std::optional<RemotingCommand>(std::move(cmd).value());
    }
    buffer_.reserve(*size);
  }
  // An incomplete frame: keep its bytes, the caller's buffer goes away.
  buffer_.append(input_);
  input_ = {};
  return std::optional<RemotingCommand>();
}

}  // namespace tern::remoting
