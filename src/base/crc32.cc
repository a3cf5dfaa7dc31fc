#include "src/base/crc32.h"

#include <zlib.h>

#include <algorithm>
#include <climits>

namespace tern {

uint32_t Crc32Extend(uint32_t crc, std::string_view data) {
  const auto* p = reinterpret_cast<const Bytef*>(data.data());
  size_t left = data.size();
  uLong value = crc;
  while (left > 0) {
    auto chunk = static_cast<uInt>(std::min<size_t>(left, UINT_MAX));
    value = ::crc32(value, p, chunk);
    p += chunk;
    left -= chunk;
  }
  return static_cast<uint32_t>(value);
}

uint32_t Crc32(std::string_view data) { return Crc32Extend(0, data); }

}  // namespace tern
