// CRC-32 (IEEE, as java.util.zip.CRC32 and zlib compute it). Inputs of 64 bytes
// and more use carry-less multiplication where the CPU has it (about 10x zlib).
#pragma once

#include <cstdint>
#include <string_view>

namespace tern {

uint32_t Crc32(std::string_view data);
uint32_t Crc32Extend(uint32_t crc, std::string_view data);
// True when Crc32 uses the carry-less multiply path (x86-64 with PCLMULQDQ);
// otherwise it is zlib's crc32.
bool Crc32IsAccelerated();

// RocketMQ's UtilAll.crc32: the CRC masked to a non-negative Java int.
inline int32_t JavaPositiveCrc32(std::string_view data) {
  return static_cast<int32_t>(Crc32(data) & 0x7FFFFFFFu);
}

}  // namespace tern
