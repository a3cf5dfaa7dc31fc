#include "src/base/crc32.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstddef>

#if defined(__x86_64__)
#include <immintrin.h>
#define TERN_CRC32_CLMUL 1
#endif

namespace tern {
namespace {

// zlib's table/braid CRC for what the vector path does not take (short inputs,
// tails, CPUs without carry-less multiply). `crc` is the finished CRC so far.
uint32_t ZlibCrc32(uint32_t crc, const unsigned char* p, size_t left) {
  uLong value = crc;
  while (left > 0) {
    auto chunk = static_cast<uInt>(std::min<size_t>(left, UINT_MAX));
    value = ::crc32(value, p, chunk);
    p += chunk;
    left -= chunk;
  }
  return static_cast<uint32_t>(value);
}

#if TERN_CRC32_CLMUL
// One fold step: `lane` times x^(distance) mod P (both halves), xor the next data.
__attribute__((target("pclmul,sse4.1"))) inline __m128i Fold(__m128i lane, __m128i k,
                                                             __m128i next) {
  __m128i lo = _mm_clmulepi64_si128(lane, k, 0x00);
  __m128i hi = _mm_clmulepi64_si128(lane, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(lo, hi), next);
}

// CRC-32 (reflected polynomial 0xEDB88320) by carry-less multiplication: four
// 128-bit lanes fold 64 bytes per step, then fold into one lane, reduce 128 -> 64
// -> 32 bits with a Barrett reduction (Gopal et al., "Fast CRC Computation for
// Generic Polynomials Using PCLMULQDQ", Intel 2009). The folding constants are
// x^k mod P for the distances used, bit-reflected; `state` is the raw register
// (the complement of a finished CRC). REQUIRES: n >= 64 and n % 16 == 0.
__attribute__((target("pclmul,sse4.1"))) uint32_t ClmulCrc32(uint32_t state,
                                                             const unsigned char* p,
                                                             size_t n) {
  const __m128i fold512 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
  const __m128i fold128 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
  const __m128i fold64 = _mm_set_epi64x(0, 0x0163cd6124);
  const __m128i barrett = _mm_set_epi64x(0x01f7011641, 0x01db710641);
  const __m128i low32 = _mm_setr_epi32(~0, 0, ~0, 0);
  auto load = [](const unsigned char* at) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
  };

  __m128i a = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(state)));
  __m128i b = load(p + 16);
  __m128i c = load(p + 32);
  __m128i d = load(p + 48);
  p += 64;
  n -= 64;
  while (n >= 64) {
    a = Fold(a, fold512, load(p));
    b = Fold(b, fold512, load(p + 16));
    c = Fold(c, fold512, load(p + 32));
    d = Fold(d, fold512, load(p + 48));
    p += 64;
    n -= 64;
  }
  a = Fold(a, fold128, b);
  a = Fold(a, fold128, c);
  a = Fold(a, fold128, d);
  while (n >= 16) {
    a = Fold(a, fold128, load(p));
    p += 16;
    n -= 16;
  }
  // 128 -> 64 bits.
  __m128i t = _mm_clmulepi64_si128(a, fold128, 0x10);
  a = _mm_xor_si128(_mm_srli_si128(a, 8), t);
  t = _mm_srli_si128(a, 4);
  a = _mm_clmulepi64_si128(_mm_and_si128(a, low32), fold64, 0x00);
  a = _mm_xor_si128(a, t);
  // Barrett reduction 64 -> 32 bits.
  t = _mm_and_si128(a, low32);
  t = _mm_clmulepi64_si128(t, barrett, 0x10);
  t = _mm_and_si128(t, low32);
  t = _mm_clmulepi64_si128(t, barrett, 0x00);
  a = _mm_xor_si128(a, t);
  return static_cast<uint32_t>(_mm_extract_epi32(a, 1));
}

bool HaveClmul() {
  static const bool have = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return have;
}
#endif

}  // namespace

uint32_t Crc32Extend(uint32_t crc, std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t left = data.size();
#if TERN_CRC32_CLMUL
  if (left >= 64 && HaveClmul()) {
    const size_t bulk = left & ~size_t{15};
    crc = ~ClmulCrc32(~crc, p, bulk);
    p += bulk;
    left -= bulk;
  }
#endif
  return ZlibCrc32(crc, p, left);
}

uint32_t Crc32(std::string_view data) { return Crc32Extend(0, data); }

bool Crc32IsAccelerated() {
#if TERN_CRC32_CLMUL
  return HaveClmul();
#else
  return false;
#endif
}

}  // namespace tern
