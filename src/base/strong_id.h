// Strong integer types: a CommitLog byte offset, a queue offset and a queue id
// cannot be mixed up by the compiler.
//
//   using PhysicalOffset = StrongInt<int64_t, struct PhysicalOffsetTag>;
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

#include <fmt/format.h>

namespace tern {

template <typename T, typename Tag>
class StrongInt {
 public:
  using ValueType = T;
  constexpr StrongInt() = default;
  constexpr explicit StrongInt(T v) : v_(v) {}
  constexpr T value() const { return v_; }
  constexpr auto operator<=>(const StrongInt&) const = default;
  constexpr StrongInt operator+(T d) const { return StrongInt(v_ + d); }
  constexpr StrongInt operator-(T d) const { return StrongInt(v_ - d); }
  constexpr T operator-(StrongInt o) const { return v_ - o.v_; }
  StrongInt& operator+=(T d) { v_ += d; return *this; }
  StrongInt& operator++() { ++v_; return *this; }

 private:
  T v_{};
};

// Byte offset in the CommitLog's global address space.
using PhysicalOffset = StrongInt<int64_t, struct PhysicalOffsetTag>;
// Logical offset (index) of an entry in one consume queue.
using QueueOffset = StrongInt<int64_t, struct QueueOffsetTag>;
// Queue number within a topic.
using QueueId = StrongInt<int32_t, struct QueueIdTag>;
// Identifies one TCP connection within a process; never reused.
using ConnectionId = StrongInt<uint64_t, struct ConnectionIdTag>;

}  // namespace tern

template <typename T, typename Tag>
struct std::hash<tern::StrongInt<T, Tag>> {
  size_t operator()(const tern::StrongInt<T, Tag>& v) const { return std::hash<T>()(v.value()); }
};

template <typename T, typename Tag>
struct fmt::formatter<tern::StrongInt<T, Tag>> : fmt::formatter<T> {
  template <typename Ctx>
  auto format(const tern::StrongInt<T, Tag>& v, Ctx& ctx) const {
    return fmt::formatter<T>::format(v.value(), ctx);
  }
};
