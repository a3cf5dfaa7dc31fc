// Message identifiers and hashes (shared/spec/message-format.md §7, §8, §9):
//   * offset msgId  = hex(store ip || store port || commit-log offset), upper case
//   * UNIQ_KEY      = client message id, generated like Java's MessageClientIDSetter
//   * tags hash     = Java String.hashCode over UTF-16 code units
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/base/clock.h"
#include "src/base/status.h"
#include "src/base/strong_id.h"
#include "src/protocol/message_codec.h"

namespace tern::protocol {

// 32 hex chars for an IPv4 store host, 56 for IPv6. Upper case.
std::string EncodeOffsetMessageId(const HostAddress& store_host, PhysicalOffset offset);
// Writes the id into out[0, 32) or out[0, 56) (size = 2 * (host.IpSize() + 12)).
void EncodeOffsetMessageIdTo(const HostAddress& store_host, PhysicalOffset offset, char* out);

struct OffsetMessageId {
  HostAddress store_host;
  PhysicalOffset offset{0};
};
// Accepts 32 (IPv4) or 56 (IPv6) hex chars, either case; anything else is kInvalidArgument.
Result<OffsetMessageId> DecodeOffsetMessageId(std::string_view id);

// Generates UNIQ_KEY values: hex(ip(4|16) || pid(2) || classLoaderHash(4)) +
// hex(ms since the start of the current local month (4) || counter (2)), upper
// case; 32 chars for IPv4. Any thread; internally synchronized (atomic counter).
class UniqueIdGenerator {
 public:
  // `ip` supplies the address (its port is ignored). `clock` must outlive this.
  UniqueIdGenerator(const HostAddress& ip, int32_t pid, int32_t class_loader_hash,
                    const Clock& clock);
  // Uses the first non-loopback IPv4 address of this host (127.0.0.1 if none),
  // getpid() and a random hash; the system clock.
  static UniqueIdGenerator& ForThisProcess();

  std::string Next();
  // Length of every id this generator returns (32 or 56).
  size_t IdLength() const { return prefix_.size() + 12; }

 private:
  std::string prefix_;  // hex of ip, pid, hash
  const Clock& clock_;
  std::atomic<uint32_t> counter_{0};
};

// Milliseconds since 00:00 of the first day of the month containing `now_ms`, local time.
// Each thread caches the month's bounds (see the .cc).
int64_t MillisSinceMonthStart(int64_t now_ms);
// Local 00:00 of the first day of the month containing `now_ms`, moved by
// `months`, in ms since the epoch; computed afresh on every call.
int64_t LocalMonthStartMs(int64_t now_ms, int months);

// Java String.hashCode of the UTF-16 encoding of `utf8` (surrogate pairs for non-BMP;
// invalid UTF-8 bytes count as U+FFFD). 32-bit wrap-around.
int32_t JavaStringHashCode(std::string_view utf8);
// Consume-queue tagsCode: hash of TAGS sign-extended to 64 bits; empty -> 0.
inline int64_t TagsHashCode(std::string_view tags) {
  return tags.empty() ? 0 : static_cast<int64_t>(JavaStringHashCode(tags));
}

// Upper-case hex of bytes, and back (either case accepted; false on bad input).
std::string HexEncode(std::string_view bytes);
bool HexDecode(std::string_view hex, std::string* out);

}  // namespace tern::protocol
