// Encoding and decoding of remoting frames and headers
// (shared/spec/remoting.md §2-§4).
//
//   frame := int32 total (= 4 + H + B) | uint8 type | uint24 H | header[H] | body[B]
//
// type 0 = JSON header (§3), type 1 = ROCKETMQ binary header (§4). Every
// integer is big-endian. Decoders never trust a length: each one is checked
// against the bytes that remain, and bad input is a Corruption status (never
// an exception, never an abort).
//
// Threading: pure functions, any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/remoting/remoting_command.h"

namespace tern::remoting {

// Java's NettyDecoder limit, counted including the 4-byte length word.
inline constexpr size_t kDefaultMaxFrameBytes = 16 * 1024 * 1024;
// Length word + serialize-type/header-length word.
inline constexpr size_t kFramePrefixBytes = 8;
// Fixed part of a ROCKETMQ header: code, language, version, opaque, flag,
// remark length, extFields length.
inline constexpr size_t kMinBinaryHeaderBytes = 21;
inline constexpr uint32_t kMaxHeaderBytes = 0xFFFFFF;

// Header bytes in cmd.serialize_type. JSON: compact, alphabetical fields,
// extFields values as strings, remark omitted when null, control characters
// as \u00XX, invalid UTF-8 replaced by U+FFFD. ROCKETMQ: fails with
// InvalidArgument when code or version do not fit an int16.
Result<std::string> EncodeHeader(const RemotingCommand& cmd);
std::string EncodeJsonHeader(const RemotingCommand& cmd);
Result<std::string> EncodeBinaryHeader(const RemotingCommand& cmd);

// The frame up to the body: length word, type/length word, header. The body
// (cmd.body) follows on the wire as is, so it can be written from its own
// buffer without a copy.
Status EncodeFramePrefix(const RemotingCommand& cmd, std::string* out);
// The whole frame (prefix + body) in one string.
Result<std::string> EncodeFrame(const RemotingCommand& cmd);

// Decodes header bytes of the given serialize type byte into `cmd` (code,
// language, version, opaque, flag, remark, ext_fields, serialize_type).
Status DecodeHeader(uint8_t serialize_type, std::string_view header, RemotingCommand* cmd);
Status DecodeJsonHeader(std::string_view header, RemotingCommand* cmd);
// The general decoder behind DecodeJsonHeader, through a JSON DOM: what
// DecodeJsonHeader falls back to for shapes its single-pass scanner leaves
// alone (json_header_scan.h). Exposed so that tests can compare the two.
Status DecodeJsonHeaderWithDom(std::string_view header, RemotingCommand* cmd);
Status DecodeBinaryHeader(std::string_view header, RemotingCommand* cmd);

// Decodes one complete frame, length word included; `frame` must be exactly
// 4 + total length bytes.
Result<RemotingCommand> DecodeFrame(std::string_view frame);

}  // namespace tern::remoting
