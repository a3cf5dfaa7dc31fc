// Fuzzes the frame decoder and the header decoders.
//
// Input layout: byte 0 picks the decoder's maximum frame size, byte 1 seeds
// the chunk splitter; the rest is the byte stream. The stream is fed in
// pseudo-random chunks (each a short-lived heap copy), and every decoded command must re-encode
// (JSON always; binary when its code fits) and decode to the same fields. The raw bytes are also
// decoded directly as a JSON and as a binary header.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "src/remoting/command_codec.h"
#include "src/remoting/frame_decoder.h"

namespace {

using tern::remoting::DecodeBinaryHeader;
using tern::remoting::DecodeFrame;
using tern::remoting::DecodeJsonHeader;
using tern::remoting::EncodeFrame;
using tern::remoting::FrameDecoder;
using tern::remoting::RemotingCommand;
using tern::remoting::SerializeType;

void Require(bool cond) {
  if (!cond) std::abort();
}

void CheckRoundTrip(const RemotingCommand& cmd) {
  for (SerializeType type : {SerializeType::kJson, SerializeType::kRocketmq}) {
    RemotingCommand copy = cmd;
    copy.serialize_type = type;
    auto frame = EncodeFrame(copy);
    if (!frame.ok()) {
      Require(type == SerializeType::kRocketmq);  // JSON always encodes
      continue;
    }
    auto back = DecodeFrame(*frame);
    Require(back.ok());
    Require(back->code == cmd.code);
    Require(back->opaque == cmd.opaque);
    Require(back->flag == cmd.flag);
    Require(back->body == cmd.body);
    if (type == SerializeType::kRocketmq) continue;  // empty strings become absent there
    // JSON replaces invalid UTF-8, so only the number of fields is stable.
    Require(back->ext_fields.size() <= cmd.ext_fields.size());  // U+FFFD may merge keys
    Require(back->remark.has_value() == cmd.remark.has_value());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  size_t max_frame = 8 + static_cast<size_t>(data[0]) * 64;
  uint32_t seed = data[1];
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  FrameDecoder decoder(max_frame);
  size_t pos = 0;
  bool failed = false;
  while (pos < input.size() && !failed) {
    seed = seed * 1103515245u + 12345u;
    size_t n = 1 + (seed >> 16) % 97;
    // A heap copy that dies after the drain: ASan catches a decoder that
    // keeps a view of bytes it was fed past the documented point.
    auto chunk = std::make_unique<std::string>(input.substr(pos, n));
    pos += chunk->size();
    decoder.Feed(*chunk);
    while (true) {
      auto next = decoder.Next();
      if (!next.ok()) {
        failed = true;
        Require(decoder.failed());
        break;
      }
      if (!next->has_value()) break;
      CheckRoundTrip(**next);
    }
  }

  RemotingCommand cmd;
  if (DecodeJsonHeader(input, &cmd).ok()) CheckRoundTrip(cmd);
  if (DecodeBinaryHeader(input, &cmd).ok()) CheckRoundTrip(cmd);
  return 0;
}
