// Big-endian integer coding, the byte order of every RocketMQ frame, header
// and stored record.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tern {

inline void PutBE16(char* p, uint16_t v) {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
}
inline void PutBE32(char* p, uint32_t v) {
  for (int i = 3; i >= 0; --i) { p[i] = static_cast<char>(v); v >>= 8; }
}
inline void PutBE64(char* p, uint64_t v) {
  for (int i = 7; i >= 0; --i) { p[i] = static_cast<char>(v); v >>= 8; }
}
inline uint16_t GetBE16(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}
inline uint32_t GetBE32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}
inline uint64_t GetBE64(const char* p) {
  return (uint64_t{GetBE32(p)} << 32) | GetBE32(p + 4);
}

// Appends big-endian values to a string buffer.
inline void AppendBE16(std::string* out, uint16_t v) { char b[2]; PutBE16(b, v); out->append(b, 2); }
inline void AppendBE32(std::string* out, uint32_t v) { char b[4]; PutBE32(b, v); out->append(b, 4); }
inline void AppendBE64(std::string* out, uint64_t v) { char b[8]; PutBE64(b, v); out->append(b, 8); }

// Reads big-endian values from a bounded buffer. Every Read* fails (returns
// false and leaves the reader unusable) rather than read past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool ReadU8(uint8_t* v) {
    if (remaining() < 1) return Fail();
    *v = static_cast<uint8_t>(data_[pos_++]);
    return true;
  }
  bool ReadBE16(uint16_t* v) {
    if (remaining() < 2) return Fail();
    *v = GetBE16(data_.data() + pos_);
    pos_ += 2;
    return true;
  }
  bool ReadBE32(uint32_t* v) {
    if (remaining() < 4) return Fail();
    *v = GetBE32(data_.data() + pos_);
    pos_ += 4;
    return true;
  }
  bool ReadBE64(uint64_t* v) {
    if (remaining() < 8) return Fail();
    *v = GetBE64(data_.data() + pos_);
    pos_ += 8;
    return true;
  }
  bool ReadBytes(size_t n, std::string_view* v) {
    if (remaining() < n) return Fail();
    *v = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool Skip(size_t n) {
    if (remaining() < n) return Fail();
    pos_ += n;
    return true;
  }

 private:
  bool Fail() {
    pos_ = data_.size();
    return false;
  }
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace tern
