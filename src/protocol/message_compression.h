// Body compression flags and zlib (shared/spec/message-format.md §5).
// The broker stores bodies as received; these helpers are for tools, retry
// re-encoding checks and the SDK. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/base/status.h"

namespace tern::protocol {

// Values of sysFlag bits 8-10. kLegacyZlib (0) and kZlib (3) are both zlib.
enum class CompressionType : int32_t { kLegacyZlib = 0, kLz4 = 1, kZstd = 2, kZlib = 3 };

inline bool IsCompressed(int32_t sys_flag) { return (sys_flag & 0x1) != 0; }
inline CompressionType GetCompressionType(int32_t sys_flag) {
  return static_cast<CompressionType>((sys_flag & 0x700) >> 8);
}
// Sets bit 0 and the type bits.
inline int32_t SetCompression(int32_t sys_flag, CompressionType type) {
  return (sys_flag & ~0x700) | 0x1 | (static_cast<int32_t>(type) << 8);
}
// Clears bit 0 and the type bits.
inline int32_t ClearCompression(int32_t sys_flag) { return sys_flag & ~0x701; }

// zlib format (with the zlib wrapper, as java.util.zip.Deflater), default level 5.
std::string ZlibCompress(std::string_view data, int level = 5);
// Fails (kCorruption) on bad data or when the output would exceed max_size.
Result<std::string> ZlibDecompress(std::string_view data, size_t max_size);

// The uncompressed body: a copy if sysFlag bit 0 is clear, zlib-inflated if set
// with type 0 or 3; kNotSupported for LZ4 / ZSTD.
Result<std::string> DecompressBody(std::string_view body, int32_t sys_flag,
                                   size_t max_size = 64u * 1024 * 1024);

}  // namespace tern::protocol
