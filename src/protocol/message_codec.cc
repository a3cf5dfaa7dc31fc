#include "src/protocol/message_codec.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include <fmt/format.h>

#include "src/base/crc32.h"

namespace tern::protocol {

// ---- HostAddress ----

HostAddress HostAddress::V4(uint32_t ipv4, int32_t port) {
  HostAddress h;
  h.ip[0] = static_cast<uint8_t>(ipv4 >> 24);
  h.ip[1] = static_cast<uint8_t>(ipv4 >> 16);
  h.ip[2] = static_cast<uint8_t>(ipv4 >> 8);
  h.ip[3] = static_cast<uint8_t>(ipv4);
  h.port = port;
  return h;
}

namespace {

// Normalises ::ffff:a.b.c.d to IPv4.
HostAddress FromV6Bytes(const uint8_t* b, int32_t port) {
  static const uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  HostAddress h;
  h.port = port;
  if (std::memcmp(b, kMappedPrefix, 12) == 0) {
    std::memcpy(h.ip.data(), b + 12, 4);
  } else {
    h.v6 = true;
    std::memcpy(h.ip.data(), b, 16);
  }
  return h;
}

}  // namespace

Result<HostAddress> HostAddress::Parse(std::string_view text) {
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Status::InvalidArgument(fmt::format("bad address '{}'", text));
    }
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument(fmt::format("address '{}' has no port", text));
    }
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  int32_t port = 0;
  if (port_text.empty() || port_text.size() > 5) {
    return Status::InvalidArgument(fmt::format("bad port in '{}'", text));
  }
  for (char c : port_text) {
    if (c < '0' || c > '9') return Status::InvalidArgument(fmt::format("bad port in '{}'", text));
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return Status::InvalidArgument(fmt::format("bad port in '{}'", text));
  in_addr a4{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) return V4(ntohl(a4.s_addr), port);
  in6_addr a6{};
  if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) return FromV6Bytes(a6.s6_addr, port);
  return Status::InvalidArgument(fmt::format("bad host in '{}'", text));
}

HostAddress HostAddress::FromSockaddr(const struct sockaddr* addr) {
  if (addr != nullptr && addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    return V4(ntohl(in->sin_addr.s_addr), ntohs(in->sin_port));
  }
  if (addr != nullptr && addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    return FromV6Bytes(in6->sin6_addr.s6_addr, ntohs(in6->sin6_port));
  }
  return HostAddress{};
}

std::string HostAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (!v6) {
    return fmt::format("{}.{}.{}.{}:{}", ip[0], ip[1], ip[2], ip[3], port);
  }
  inet_ntop(AF_INET6, ip.data(), buf, sizeof(buf));
  return fmt::format("[{}]:{}", buf, port);
}

// ---- record ----

int32_t BodyCrc(std::string_view body) { return JavaPositiveCrc32(body); }

int64_t EncodedRecordSize(size_t body_size, size_t topic_size, size_t properties_size,
                          bool born_v6, bool store_v6) {
  int64_t size = 91 + static_cast<int64_t>(body_size) + static_cast<int64_t>(topic_size) +
                 static_cast<int64_t>(properties_size);
  if (born_v6) size += 12;
  if (store_v6) size += 12;
  if (topic_size > static_cast<size_t>(kMaxTopicLength)) size += 1;  // V2: int16 topic length
  return size;
}

int64_t EncodedRecordSize(const MessageRecord& msg) {
  return EncodedRecordSize(msg.body.size(), msg.topic.size(), msg.properties.size(),
                           msg.born_host.v6, msg.store_host.v6);
}

Status CheckRecordLimits(const MessageRecord& msg, int32_t max_body_size) {
  if (msg.body.size() > static_cast<size_t>(max_body_size)) {
    return Status::InvalidArgument(
        fmt::format("body of {} bytes exceeds the limit of {}", msg.body.size(), max_body_size));
  }
  if (msg.topic.empty() || msg.topic.size() > static_cast<size_t>(kMaxSystemTopicLength)) {
    return Status::InvalidArgument(fmt::format("topic length {} is not in 1..{}",
                                               msg.topic.size(), kMaxSystemTopicLength));
  }
  if (msg.properties.size() > static_cast<size_t>(kMaxPropertiesSize)) {
    return Status::ResourceExhausted(fmt::format("properties of {} bytes exceed {}",
                                                 msg.properties.size(), kMaxPropertiesSize));
  }
  return Status::Ok();
}

namespace {

char* PutHost(char* p, const HostAddress& h) {
  std::memcpy(p, h.ip.data(), h.IpSize());
  p += h.IpSize();
  PutBE32(p, static_cast<uint32_t>(h.port));
  return p + 4;
}

}  // namespace

void EncodeMessageRecord(const MessageRecord& msg, char* out) {
  TERN_CHECK(msg.body.size() <= INT32_MAX && msg.topic.size() <= 32767 &&
             msg.properties.size() <= 32767)
      << "record over the encodable limits";
  const int64_t total = EncodedRecordSize(msg);
  const bool v2 = msg.topic.size() > static_cast<size_t>(kMaxTopicLength);
  int32_t sys_flag = msg.sys_flag & ~(MessageSysFlag::kBornHostV6 | MessageSysFlag::kStoreHostV6);
  if (msg.born_host.v6) sys_flag |= MessageSysFlag::kBornHostV6;
  if (msg.store_host.v6) sys_flag |= MessageSysFlag::kStoreHostV6;

  char* p = out;
  PutBE32(p, static_cast<uint32_t>(total));
  PutBE32(p + 4, v2 ? kMessageMagicV2 : kMessageMagicV1);
  PutBE32(p + 8, static_cast<uint32_t>(BodyCrc(msg.body)));
  PutBE32(p + 12, static_cast<uint32_t>(msg.queue_id.value()));
  PutBE32(p + 16, static_cast<uint32_t>(msg.flag));
  PutBE64(p + 20, static_cast<uint64_t>(msg.queue_offset.value()));
  PutBE64(p + 28, static_cast<uint64_t>(msg.physical_offset.value()));
  PutBE32(p + 36, static_cast<uint32_t>(sys_flag));
  PutBE64(p + 40, static_cast<uint64_t>(msg.born_timestamp));
  p = PutHost(p + 48, msg.born_host);
  PutBE64(p, static_cast<uint64_t>(msg.store_timestamp));
  p = PutHost(p + 8, msg.store_host);
  PutBE32(p, static_cast<uint32_t>(msg.reconsume_times));
  PutBE64(p + 4, static_cast<uint64_t>(msg.prepared_transaction_offset.value()));
  p += 12;
  PutBE32(p, static_cast<uint32_t>(msg.body.size()));
  p += 4;
  if (!msg.body.empty()) std::memcpy(p, msg.body.data(), msg.body.size());
  p += msg.body.size();
  if (v2) {
    PutBE16(p, static_cast<uint16_t>(msg.topic.size()));
    p += 2;
  } else {
    *p++ = static_cast<char>(msg.topic.size());
  }
  std::memcpy(p, msg.topic.data(), msg.topic.size());
  p += msg.topic.size();
  PutBE16(p, static_cast<uint16_t>(msg.properties.size()));
  p += 2;
  if (!msg.properties.empty()) std::memcpy(p, msg.properties.data(), msg.properties.size());
  p += msg.properties.size();
  TERN_CHECK(p - out == total) << "encoded " << (p - out) << " of " << total;
}

void AppendMessageRecord(const MessageRecord& msg, std::string* out) {
  size_t at = out->size();
  out->resize(at + static_cast<size_t>(EncodedRecordSize(msg)));
  EncodeMessageRecord(msg, out->data() + at);
}

namespace {

bool ReadHost(ByteReader* r, bool v6, HostAddress* h) {
  std::string_view ip;
  uint32_t port = 0;
  if (!r->ReadBytes(v6 ? 16 : 4, &ip) || !r->ReadBE32(&port)) return false;
  h->v6 = v6;
  h->ip = {};
  std::memcpy(h->ip.data(), ip.data(), ip.size());
  h->port = static_cast<int32_t>(port);
  return true;
}

Status Corrupt(std::string_view what) {
  return Status::Corruption(fmt::format("message record: {}", what));
}

}  // namespace

Result<MessageRecord> DecodeMessageRecord(std::string_view data, bool verify_crc) {
  ByteReader r(data);
  MessageRecord m;
  uint32_t total = 0, magic = 0, u32 = 0;
  uint64_t u64 = 0;
  if (!r.ReadBE32(&total) || !r.ReadBE32(&magic)) return Corrupt("truncated header");
  if (magic != kMessageMagicV1 && magic != kMessageMagicV2) {
    return Corrupt(fmt::format("bad magic 0x{:08X}", magic));
  }
  if (total < static_cast<uint32_t>(RecordLayout::kMinRecordSize) || total > data.size()) {
    return Corrupt(fmt::format("total size {} outside [{}, {}]", total,
                               RecordLayout::kMinRecordSize, data.size()));
  }
  r = ByteReader(data.substr(0, total));
  r.Skip(8);
  m.total_size = static_cast<int32_t>(total);
  m.magic = magic;
  bool ok = r.ReadBE32(&u32);
  m.body_crc = static_cast<int32_t>(u32);
  ok = ok && r.ReadBE32(&u32);
  m.queue_id = QueueId(static_cast<int32_t>(u32));
  ok = ok && r.ReadBE32(&u32);
  m.flag = static_cast<int32_t>(u32);
  ok = ok && r.ReadBE64(&u64);
  m.queue_offset = QueueOffset(static_cast<int64_t>(u64));
  ok = ok && r.ReadBE64(&u64);
  m.physical_offset = PhysicalOffset(static_cast<int64_t>(u64));
  ok = ok && r.ReadBE32(&u32);
  m.sys_flag = static_cast<int32_t>(u32);
  ok = ok && r.ReadBE64(&u64);
  m.born_timestamp = static_cast<int64_t>(u64);
  ok = ok && ReadHost(&r, (m.sys_flag & MessageSysFlag::kBornHostV6) != 0, &m.born_host);
  ok = ok && r.ReadBE64(&u64);
  m.store_timestamp = static_cast<int64_t>(u64);
  ok = ok && ReadHost(&r, (m.sys_flag & MessageSysFlag::kStoreHostV6) != 0, &m.store_host);
  ok = ok && r.ReadBE32(&u32);
  m.reconsume_times = static_cast<int32_t>(u32);
  ok = ok && r.ReadBE64(&u64);
  m.prepared_transaction_offset = PhysicalOffset(static_cast<int64_t>(u64));
  if (!ok) return Corrupt("truncated fixed fields");
  uint32_t body_len = 0;
  if (!r.ReadBE32(&body_len) || !r.ReadBytes(body_len, &m.body)) {
    return Corrupt(fmt::format("body length {} past the record end", body_len));
  }
  uint32_t topic_len = 0;
  if (magic == kMessageMagicV2) {
    uint16_t t = 0;
    ok = r.ReadBE16(&t);
    topic_len = t;
  } else {
    uint8_t t = 0;
    ok = r.ReadU8(&t);
    topic_len = t;
  }
  if (!ok || !r.ReadBytes(topic_len, &m.topic)) return Corrupt("topic past the record end");
  uint16_t prop_len = 0;
  if (!r.ReadBE16(&prop_len) || !r.ReadBytes(prop_len, &m.properties)) {
    return Corrupt("properties past the record end");
  }
  if (r.remaining() != 0) {
    return Corrupt(fmt::format("total size {} but fields end at {}", total, r.position()));
  }
  if (verify_crc && BodyCrc(m.body) != m.body_crc) {
    return Corrupt(fmt::format("body CRC {} != stored {}", BodyCrc(m.body), m.body_crc));
  }
  return m;
}

}  // namespace tern::protocol
