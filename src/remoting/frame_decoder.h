// FrameDecoder: turns a byte stream into RemotingCommands, one frame at a time.
//
//   decoder.Feed(bytes);
//   while (true) {
//     auto next = decoder.Next();
//     if (!next.ok()) { /* close the connection */ break; }
//     if (!next->has_value()) break;  // needs more bytes
//     Handle(std::move(**next));
//   }
//
// Complete frames are decoded straight from the fed bytes; only a frame that
// straddles two Feed() calls is copied into an internal buffer (reserved once
// at its announced size). A length word that lies (total < 4, header length
// past the frame, frame above the maximum) or an undecodable header is a
// Corruption error, and the error is sticky.
//
// Threading: one thread at a time (the connection's loop thread).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/remoting/command_codec.h"
#include "src/remoting/remoting_command.h"

namespace tern::remoting {

class FrameDecoder {
 public:
  // `max_frame_bytes` counts the 4-byte length word, like Java's decoder.
  explicit FrameDecoder(size_t max_frame_bytes = kDefaultMaxFrameBytes);

  // Hands the decoder more bytes. The decoder keeps a view of `data` (no
  // copy) until Next() returned std::nullopt or an error, so call Next()
  // until then before `data` goes away or Feed() is called again.
  void Feed(std::string_view data);

  // The next complete command; std::nullopt when more bytes are needed.
  Result<std::optional<RemotingCommand>> Next();

  // Bytes of an incomplete frame held in the internal buffer.
  size_t buffered_bytes() const { return buffer_.size(); }
  bool failed() const { return !error_.ok(); }

 private:
  // Validates the length word at the start of `prefix` (at least 4 bytes) and
  // returns the size of the whole frame, length word included.
  Result<size_t> FrameSize(std::string_view prefix);
  Result<std::optional<RemotingCommand>> Fail(Status status);

  size_t max_frame_bytes_;
  std::string buffer_;      // start of a frame that arrived incomplete
  std::string_view input_;  // fed bytes not consumed yet
  Status error_;
};

}  // namespace tern::remoting
