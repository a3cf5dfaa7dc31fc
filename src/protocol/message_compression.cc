#include "src/protocol/message_compression.h"

#include <zlib.h>

#include <fmt/format.h>

namespace tern::protocol {

std::string ZlibCompress(std::string_view data, int level) {
  uLongf cap = compressBound(static_cast<uLong>(data.size()));
  std::string out(cap, '\0');
  int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &cap,
                     reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()),
                     level);
  TERN_CHECK(rc == Z_OK) << "compress2 failed: " << rc;
  out.resize(cap);
  return out;
}

Result<std::string> ZlibDecompress(std::string_view data, size_t max_size) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Status::Internal("inflateInit failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status::Corruption(fmt::format("zlib inflate failed ({})", rc));
    }
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (out.size() > max_size) {
      inflateEnd(&zs);
      return Status::Corruption(fmt::format("inflated body exceeds {} bytes", max_size));
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Status::Corruption("zlib stream is truncated");
    }
  }
  inflateEnd(&zs);
  return out;
}

Result<std::string> DecompressBody(std::string_view body, int32_t sys_flag, size_t max_size) {
  if (!IsCompressed(sys_flag)) return std::string(body);
  switch (GetCompressionType(sys_flag)) {
    case CompressionType::kLegacyZlib:
    case CompressionType::kZlib:
      return ZlibDecompress(body, max_size);
    case CompressionType::kLz4:
      return Status::NotSupported("LZ4 compressed body");
    case CompressionType::kZstd:
      return Status::NotSupported("ZSTD compressed body");
  }
  return Status::NotSupported(fmt::format("compression type {}", (sys_flag >> 8) & 7));
}

}  // namespace tern::protocol
