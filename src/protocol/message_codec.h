// The stored message record (shared/spec/message-format.md §1): the bytes the
// CommitLog holds and PULL/QUERY/VIEW responses return verbatim.
//
// Start here for anything that reads or writes a record:
//   * MessageRecord   the fields (string_views borrow the buffer or the caller's data)
//   * EncodeMessageRecord / AppendMessageRecord   fields -> bytes (computes size, magic,
//                     v6 sysFlag bits and BODYCRC)
//   * DecodeMessageRecord   bytes -> fields; validates every length against the
//                     buffer (it decodes untrusted bytes) and returns Status
//   * RecordLayout / Patch*   fixed positions the store fills under its lock
//
// Related: message_const.h (magic, sysFlag, property keys, limits),
// message_properties.h (§2), message_id.h (§7, §8, §9), message_batch.h (§6),
// message_compression.h (§5). Pure functions; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/base/byte_coding.h"
#include "src/base/status.h"
#include "src/base/strong_id.h"
#include "src/protocol/message_const.h"

struct sockaddr;

namespace tern::protocol {

// An IP address and port as stored in BORNHOST / STOREHOST: 4-byte IPv4 (8 bytes
// with the port) or 16-byte IPv6 (20 bytes). IPv4-mapped IPv6 (::ffff:a.b.c.d) is
// always normalised to plain IPv4 because Go/C++/Node clients assume IPv4.
struct HostAddress {
  std::array<uint8_t, 16> ip{};  // IPv4 uses ip[0..3]
  bool v6 = false;
  int32_t port = 0;

  // a.b.c.d as (a << 24) | (b << 16) | (c << 8) | d.
  static HostAddress V4(uint32_t ipv4, int32_t port);
  // "1.2.3.4:10911", "[fd00::1]:10911" or "::ffff:1.2.3.4" style in brackets.
  static Result<HostAddress> Parse(std::string_view text);
  // From a socket address (AF_INET or AF_INET6); unknown families give 0.0.0.0:0.
  static HostAddress FromSockaddr(const struct sockaddr* addr);

  // Encoded size in a record: 8 (IPv4) or 20 (IPv6).
  int Size() const { return v6 ? 20 : 8; }
  int IpSize() const { return v6 ? 16 : 4; }
  // "1.2.3.4:10911" or "[fd00::1]:10911".
  std::string ToString() const;
  bool operator==(const HostAddress&) const = default;
};

// The fields of one stored record. Decoding fills every field and points the
// string_views into the decoded buffer; encoding reads them (total_size, magic,
// body_crc and the v6 sysFlag bits are computed, not read).
struct MessageRecord {
  int32_t total_size = 0;
  uint32_t magic = kMessageMagicV1;
  int32_t body_crc = 0;  // CRC32 of the stored body & 0x7FFFFFFF
  QueueId queue_id{0};
  int32_t flag = 0;
  QueueOffset queue_offset{0};
  PhysicalOffset physical_offset{0};
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  HostAddress born_host;
  int64_t store_timestamp = 0;
  HostAddress store_host;
  int32_t reconsume_times = 0;
  PhysicalOffset prepared_transaction_offset{0};
  std::string_view body;        // as stored (compressed if sysFlag bit 0)
  std::string_view topic;       // UTF-8
  std::string_view properties;  // §2 string
};

// Fixed byte positions inside a record (§1).
struct RecordLayout {
  static constexpr int kTotalSizePos = 0;
  static constexpr int kMagicPos = 4;
  static constexpr int kBodyCrcPos = 8;
  static constexpr int kQueueIdPos = 12;
  static constexpr int kFlagPos = 16;
  static constexpr int kQueueOffsetPos = 20;
  static constexpr int kPhysicalOffsetPos = 28;
  static constexpr int kSysFlagPos = 36;
  static constexpr int kBornTimestampPos = 40;
  static constexpr int kBornHostPos = 48;
  // Smallest possible record: V1, IPv4 hosts, empty body/topic/properties.
  static constexpr int kMinRecordSize = 91;
  static int StoreTimestampPos(int32_t sys_flag) {
    return 48 + ((sys_flag & MessageSysFlag::kBornHostV6) ? 20 : 8);
  }
};

// Total record size for these fields (91 + N + T + P for V1/IPv4/IPv4). int64 so
// that oversized inputs cannot overflow; the caller checks limits.
int64_t EncodedRecordSize(const MessageRecord& msg);
int64_t EncodedRecordSize(size_t body_size, size_t topic_size, size_t properties_size,
                          bool born_v6, bool store_v6);

// Checks the §11 limits a broker enforces on a record to store: body ≤
// max_body_size, topic non-empty and ≤ 255 bytes (the 1/2-byte length field),
// properties ≤ 32767 bytes. kResourceExhausted for properties (PROPERTIES_SIZE_EXCEEDED),
// kInvalidArgument otherwise (MESSAGE_ILLEGAL).
Status CheckRecordLimits(const MessageRecord& msg, int32_t max_body_size = kMaxMessageBodySize);

// Writes the record to out[0, EncodedRecordSize(msg)). Computes TOTALSIZE, the magic
// (V2 only when topic > 127 bytes), the v6 sysFlag bits from the hosts and BODYCRC.
// REQUIRES: CheckRecordLimits(msg) passed (else TERN_CHECK aborts).
void EncodeMessageRecord(const MessageRecord& msg, char* out);
// Appends the encoded record to *out.
void AppendMessageRecord(const MessageRecord& msg, std::string* out);

// Decodes the record at the start of `data` (which may continue with more
// records). Every length is checked against `data`; TOTALSIZE must equal the
// size implied by the field lengths. verify_crc also checks BODYCRC. Errors are
// kCorruption. The views in the result point into `data`.
Result<MessageRecord> DecodeMessageRecord(std::string_view data, bool verify_crc = false);

// The store fills these under its put lock after encoding outside it.
inline void PatchQueueOffset(char* record, QueueOffset v) {
  PutBE64(record + RecordLayout::kQueueOffsetPos, static_cast<uint64_t>(v.value()));
}
inline void PatchPhysicalOffset(char* record, PhysicalOffset v) {
  PutBE64(record + RecordLayout::kPhysicalOffsetPos, static_cast<uint64_t>(v.value()));
}
inline void PatchStoreTimestamp(char* record, int64_t ms) {
  int32_t sys_flag = static_cast<int32_t>(GetBE32(record + RecordLayout::kSysFlagPos));
  PutBE64(record + RecordLayout::StoreTimestampPos(sys_flag), static_cast<uint64_t>(ms));
}

// Body CRC as stored in BODYCRC (§10).
int32_t BodyCrc(std::string_view body);

}  // namespace tern::protocol
