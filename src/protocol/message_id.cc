#include "src/protocol/message_id.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <random>

#include "src/base/byte_coding.h"

namespace tern::protocol {

namespace {
constexpr char kHexDigits[] = "0123456789ABCDEF";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void HexTo(const char* bytes, size_t n, char* out) {
  for (size_t i = 0; i < n; ++i) {
    auto b = static_cast<uint8_t>(bytes[i]);
    out[2 * i] = kHexDigits[b >> 4];
    out[2 * i + 1] = kHexDigits[b & 15];
  }
}
}  // namespace

std::string HexEncode(std::string_view bytes) {
  std::string out(bytes.size() * 2, '\0');
  HexTo(bytes.data(), bytes.size(), out.data());
  return out;
}

bool HexDecode(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->resize(hex.size() / 2);
  for (size_t i = 0; i < out->size(); ++i) {
    int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<char>((hi << 4) | lo);
  }
  return true;
}

void EncodeOffsetMessageIdTo(const HostAddress& store_host, PhysicalOffset offset, char* out) {
  char raw[28];
  int n = store_host.IpSize();
  std::memcpy(raw, store_host.ip.data(), n);
  PutBE32(raw + n, static_cast<uint32_t>(store_host.port));
  PutBE64(raw + n + 4, static_cast<uint64_t>(offset.value()));
  HexTo(raw, n + 12, out);
}

std::string EncodeOffsetMessageId(const HostAddress& store_host, PhysicalOffset offset) {
  std::string out(2 * (store_host.IpSize() + 12), '\0');
  EncodeOffsetMessageIdTo(store_host, offset, out.data());
  return out;
}

Result<OffsetMessageId> DecodeOffsetMessageId(std::string_view id) {
  if (id.size() != 32 && id.size() != 56) {
    return Status::InvalidArgument("offset msgId must be 32 or 56 hex chars");
  }
  std::string raw;
  if (!HexDecode(id, &raw)) return Status::InvalidArgument("offset msgId is not hex");
  OffsetMessageId out;
  int n = id.size() == 32 ? 4 : 16;
  out.store_host.v6 = n == 16;
  std::memcpy(out.store_host.ip.data(), raw.data(), n);
  out.store_host.port = static_cast<int32_t>(GetBE32(raw.data() + n));
  out.offset = PhysicalOffset(static_cast<int64_t>(GetBE64(raw.data() + n + 4)));
  return out;
}

// ---- UNIQ_KEY ----

int64_t LocalMonthStartMs(int64_t now_ms, int months) {
  time_t secs = static_cast<time_t>(now_ms / 1000);
  struct tm tm_local{};
  localtime_r(&secs, &tm_local);
  tm_local.tm_mon += months;  // mktime normalizes past December
  tm_local.tm_mday = 1;
  tm_local.tm_hour = 0;
  tm_local.tm_min = 0;
  tm_local.tm_sec = 0;
  tm_local.tm_isdst = -1;
  return static_cast<int64_t>(mktime(&tm_local)) * 1000;
}

int64_t MillisSinceMonthStart(int64_t now_ms) {
  // localtime_r + mktime cost a few microseconds per call (glibc re-checks
  // /etc/localtime with a stat each time), once per message sent; so each
  // thread remembers the month it last saw, as RocketMQ's MessageClientIDSetter
  // does. A change of the process's time zone after the first id is not seen
  // before the next month.
  thread_local int64_t month_start_ms = 0;
  thread_local int64_t next_month_start_ms = 0;
  if (now_ms < month_start_ms || now_ms >= next_month_start_ms) {
    month_start_ms = LocalMonthStartMs(now_ms, 0);
    next_month_start_ms = LocalMonthStartMs(now_ms, 1);
  }
  return now_ms - month_start_ms;
}

UniqueIdGenerator::UniqueIdGenerator(const HostAddress& ip, int32_t pid, int32_t class_loader_hash,
                                     const Clock& clock)
    : clock_(clock) {
  char raw[22];
  int n = ip.IpSize();
  std::memcpy(raw, ip.ip.data(), n);
  PutBE16(raw + n, static_cast<uint16_t>(pid));
  PutBE32(raw + n + 2, static_cast<uint32_t>(class_loader_hash));
  prefix_ = HexEncode(std::string_view(raw, n + 6));
}

UniqueIdGenerator& UniqueIdGenerator::ForThisProcess() {
  static UniqueIdGenerator* gen = [] {
    HostAddress ip = HostAddress::V4(0x7F000001, 0);
    struct ifaddrs* ifs = nullptr;
    if (getifaddrs(&ifs) == 0) {
      for (auto* i = ifs; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
        HostAddress h = HostAddress::FromSockaddr(i->ifa_addr);
        if (h.ip[0] == 127) continue;
        ip = h;
        break;
      }
      freeifaddrs(ifs);
    }
    std::random_device rd;
    return new UniqueIdGenerator(ip, static_cast<int32_t>(getpid()),
                                 static_cast<int32_t>(rd()), SystemClock::Instance());
  }();
  return *gen;
}

std::string UniqueIdGenerator::Next() {
  char raw[6];
  int64_t diff = MillisSinceMonthStart(clock_.NowMs());
  PutBE32(raw, static_cast<uint32_t>(diff));
  PutBE16(raw + 4, static_cast<uint16_t>(counter_.fetch_add(1, std::memory_order_relaxed)));
  std::string out = prefix_;
  out.resize(prefix_.size() + 12);
  HexTo(raw, 6, out.data() + prefix_.size());
  return out;
}

// ---- Java String.hashCode ----

int32_t JavaStringHashCode(std::string_view s) {
  uint32_t h = 0;
  auto add = [&h](uint32_t unit) { h = 31 * h + unit; };
  size_t i = 0;
  const auto* u = reinterpret_cast<const uint8_t*>(s.data());
  while (i < s.size()) {
    uint32_t c = u[i];
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size() && (u[i + 1] & 0xC0) == 0x80) {
      cp = ((c & 0x1F) << 6) | (u[i + 1] & 0x3F);
      len = 2;
      if (cp < 0x80) cp = 0xFFFD;
    } else if ((c & 0xF0) == 0xE0 && i + 2 < s.size() && (u[i + 1] & 0xC0) == 0x80 &&
               (u[i + 2] & 0xC0) == 0x80) {
      cp = ((c & 0x0F) << 12) | ((u[i + 1] & 0x3F) << 6) | (u[i + 2] & 0x3F);
      len = 3;
      if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    } else if ((c & 0xF8) == 0xF0 && i + 3 < s.size() && (u[i + 1] & 0xC0) == 0x80 &&
               (u[i + 2] & 0xC0) == 0x80 && (u[i + 3] & 0xC0) == 0x80) {
      cp = ((c & 0x07) << 18) | ((u[i + 1] & 0x3F) << 12) | ((u[i + 2] & 0x3F) << 6) |
           (u[i + 3] & 0x3F);
      len = 4;
      if (cp < 0x10000 || cp > 0x10FFFF) cp = 0xFFFD;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      add(0xD800 + (cp >> 10));
      add(0xDC00 + (cp & 0x3FF));
    } else {
      add(cp);
    }
    i += len;
  }
  return static_cast<int32_t>(h);
}

}  // namespace tern::protocol
