#include "broker/store/store_format.h"

#include <fmt/format.h>

namespace tern::store {

std::string SegmentFileName(int64_t start_offset) { return fmt::format("{:020d}", start_offset); }

bool ParseSegmentFileName(std::string_view name, int64_t* start_offset) {
  if (name.size() != static_cast<size_t>(kSegmentNameDigits)) return false;
  int64_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return false;
    if (v > (INT64_MAX - 9) / 10) return false;
    v = v * 10 + (c - '0');
  }
  *start_offset = v;
  return true;
}

}  // namespace tern::store
