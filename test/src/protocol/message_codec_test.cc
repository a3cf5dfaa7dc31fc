#include "src/protocol/message_codec.h"

#include <doctest/doctest.h>

#include <string>

#include "src/protocol/message_batch.h"
#include "src/protocol/message_compression.h"
#include "src/protocol/message_id.h"

namespace tern::protocol {
namespace {

std::string Unhex(std::string_view hex) {
  std::string clean;
  for (char c : hex) {
    if (c != ' ' && c != '\n') clean.push_back(c);
  }
  std::string out;
  REQUIRE(HexDecode(clean, &out));
  return out;
}

MessageRecord FullRecord() {
  MessageRecord m;
  m.queue_id = QueueId(7);
  m.flag = -3;
  m.queue_offset = QueueOffset(0x123456789);
  m.physical_offset = PhysicalOffset(0x7766554433);
  m.sys_flag = MessageSysFlag::kCompressed | MessageSysFlag::kTransactionCommit;
  m.born_timestamp = 1700000000123;
  m.born_host = HostAddress::V4(0x0A000001, 40000);
  m.store_timestamp = 1700000000456;
  m.store_host = HostAddress::V4(0xC0A80102, 10911);
  m.reconsume_times = 5;
  m.prepared_transaction_offset = PhysicalOffset(99);
  m.body = "some body bytes \x01\x02";
  m.topic = "TopicTest";
  m.properties = "TAGS\x01TagA\x02KEYS\x01k1 k2\x02";
  return m;
}

TEST_CASE("record round trip keeps every field") {
  MessageRecord in = FullRecord();
  std::string buf;
  AppendMessageRecord(in, &buf);
  REQUIRE(buf.size() ==
          static_cast<size_t>(91 + in.body.size() + in.topic.size() + in.properties.size()));
  auto out = DecodeMessageRecord(buf, /*verify_crc=*/true);
  REQUIRE(out.ok());
  CHECK(out->total_size == static_cast<int32_t>(buf.size()));
  CHECK(out->magic == kMessageMagicV1);
  CHECK(out->body_crc == BodyCrc(in.body));
  CHECK(out->queue_id == in.queue_id);
  CHECK(out->flag == in.flag);
  CHECK(out->queue_offset == in.queue_offset);
  CHECK(out->physical_offset == in.physical_offset);
  CHECK(out->sys_flag == in.sys_flag);
  CHECK(out->born_timestamp == in.born_timestamp);
  CHECK(out->born_host == in.born_host);
  CHECK(out->store_timestamp == in.store_timestamp);
  CHECK(out->store_host == in.store_host);
  CHECK(out->reconsume_times == in.reconsume_times);
  CHECK(out->prepared_transaction_offset == in.prepared_transaction_offset);
  CHECK(out->body == in.body);
  CHECK(out->topic == in.topic);
  CHECK(out->properties == in.properties);
}

TEST_CASE("record matches the Java 4.9 byte-exact example") {
  std::string uniq = "0A0B0C0D0E0F101112131415161718AB";
  std::string props = "UNIQ_KEY\x01" + uniq +
                      "\x02TAGS\x01"
                      "A";
  MessageRecord m;
  m.queue_id = QueueId(1);
  m.queue_offset = QueueOffset(3);
  m.physical_offset = PhysicalOffset(1234);
  m.born_timestamp = 1700000000000;
  m.born_host = HostAddress::V4(0x7F000001, 50000);
  m.store_timestamp = 1700000000001;
  m.store_host = HostAddress::V4(0x7F000001, 10911);
  m.body = "hi";
  m.topic = "T";
  m.properties = props;
  std::string expected =
      Unhex(
          "0000008e daa320a7 58932aac 00000001 00000000 0000000000000003 00000000000004d2"
          "00000000 0000018bcfe56800 7f000001 0000c350 0000018bcfe56801 7f000001 00002a9f"
          "00000000 0000000000000000 00000002 6869 01 54 0030") +
      props;
  std::string buf;
  AppendMessageRecord(m, &buf);
  CHECK(buf.size() == 142);
  CHECK(HexEncode(buf) == HexEncode(expected));
  CHECK(BodyCrc("hi") == 1486039724);
}

TEST_CASE("long topic uses V2 magic and a two-byte length") {
  std::string topic(200, 't');
  MessageRecord m = FullRecord();
  m.topic = topic;
  std::string buf;
  AppendMessageRecord(m, &buf);
  CHECK(GetBE32(buf.data() + 4) == kMessageMagicV2);
  CHECK(buf.size() == static_cast<size_t>(92 + m.body.size() + 200 + m.properties.size()));
  auto out = DecodeMessageRecord(buf);
  REQUIRE(out.ok());
  CHECK(out->topic == topic);

  std::string topic127(127, 't');  // MessageRecord borrows: keep it alive
  m.topic = topic127;
  buf.clear();
  AppendMessageRecord(m, &buf);
  CHECK(GetBE32(buf.data() + 4) == kMessageMagicV1);
}

TEST_CASE("IPv6 hosts set the v6 sysFlag bits and 20-byte host fields") {
  MessageRecord m = FullRecord();
  auto born = HostAddress::Parse("[fd00::1]:1234");
  auto store = HostAddress::Parse("[fd00::2]:10911");
  REQUIRE(born.ok());
  REQUIRE(store.ok());
  m.born_host = *born;
  m.store_host = *store;
  std::string buf;
  AppendMessageRecord(m, &buf);
  CHECK(buf.size() ==
        static_cast<size_t>(91 + 24 + m.body.size() + m.topic.size() + m.properties.size()));
  auto out = DecodeMessageRecord(buf);
  REQUIRE(out.ok());
  CHECK((out->sys_flag & MessageSysFlag::kBornHostV6) != 0);
  CHECK((out->sys_flag & MessageSysFlag::kStoreHostV6) != 0);
  CHECK(out->born_host == *born);
  CHECK(out->store_host == *store);
  CHECK(out->store_timestamp == m.store_timestamp);
  CHECK(RecordLayout::StoreTimestampPos(out->sys_flag) == 68);
}

TEST_CASE("IPv4-mapped IPv6 addresses are stored as IPv4") {
  auto h = HostAddress::Parse("[::ffff:10.1.2.3]:80");
  REQUIRE(h.ok());
  CHECK_FALSE(h->v6);
  CHECK(h->ToString() == "10.1.2.3:80");
}

TEST_CASE("decode rejects truncated and inconsistent records") {
  std::string buf;
  AppendMessageRecord(FullRecord(), &buf);
  for (size_t n = 0; n < buf.size(); ++n) {
    CHECK_FALSE(DecodeMessageRecord(std::string_view(buf).substr(0, n)).ok());
  }
  std::string bad = buf;
  PutBE32(bad.data() + 4, 0x12345678);
  CHECK(DecodeMessageRecord(bad).status().code() == StatusCode::kCorruption);
  bad = buf;
  PutBE32(bad.data(), static_cast<uint32_t>(buf.size() - 1));  // size disagrees with fields
  CHECK_FALSE(DecodeMessageRecord(bad).ok());
  bad = buf;
  bad[RecordLayout::kBornHostPos + 8 + 8 + 8 + 4 + 8 + 4] ^= 1;  // first body byte
  CHECK(DecodeMessageRecord(bad, false).ok());
  CHECK(DecodeMessageRecord(bad, true).status().code() == StatusCode::kCorruption);
  // A huge body length must not read past the buffer.
  bad = buf;
  PutBE32(bad.data() + 84, 0x7FFFFFFF);
  CHECK_FALSE(DecodeMessageRecord(bad).ok());
}

TEST_CASE("patch helpers write at the fixed positions") {
  std::string buf;
  AppendMessageRecord(FullRecord(), &buf);
  PatchQueueOffset(buf.data(), QueueOffset(42));
  PatchPhysicalOffset(buf.data(), PhysicalOffset(4242));
  PatchStoreTimestamp(buf.data(), 777);
  auto out = DecodeMessageRecord(buf, true);
  REQUIRE(out.ok());
  CHECK(out->queue_offset == QueueOffset(42));
  CHECK(out->physical_offset == PhysicalOffset(4242));
  CHECK(out->store_timestamp == 777);
}

TEST_CASE("record limits map to illegal and properties-size errors") {
  MessageRecord m = FullRecord();
  CHECK(CheckRecordLimits(m).ok());
  std::string big(kMaxMessageBodySize + 1, 'x');
  m.body = big;
  CHECK(CheckRecordLimits(m).code() == StatusCode::kInvalidArgument);
  m = FullRecord();
  std::string props(kMaxPropertiesSize + 1, 'p');
  m.properties = props;
  CHECK(CheckRecordLimits(m).code() == StatusCode::kResourceExhausted);
  m = FullRecord();
  m.topic = "";
  CHECK(CheckRecordLimits(m).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("batch body round trip and the Java example") {
  std::string expected = Unhex("0000002f 00000000 00000000 00000000 00000001 78 0018") +
                         "KEYS\x01k1\x02WAIT\x01true\x02TAGS\x01"
                         "A";
  std::string body;
  AppendBatchEntry({0, "x",
                    "KEYS\x01k1\x02WAIT\x01true\x02TAGS\x01"
                    "A"},
                   &body);
  CHECK(HexEncode(body) == HexEncode(expected));
  AppendBatchEntry({3, "second", ""}, &body);
  auto entries = DecodeBatchBody(body);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 2);
  CHECK((*entries)[0].body == "x");
  CHECK((*entries)[1].flag == 3);
  CHECK((*entries)[1].body == "second");
  CHECK((*entries)[1].properties.empty());
  CHECK_FALSE(DecodeBatchBody(body.substr(0, body.size() - 1)).ok());
  CHECK_FALSE(DecodeBatchBody("").ok());
}

TEST_CASE("batch properties keep the entry's own keys") {
  std::string merged = MergeBatchProperties(
      "UNIQ_KEY\x01"
      "E1\x02TAGS\x01"
      "A",
      "UNIQ_KEY\x01"
      "BATCH\x02"
      "CLUSTER\x01"
      "c1\x02");
  CHECK(merged ==
        "UNIQ_KEY\x01"
        "E1\x02TAGS\x01"
        "A\x02"
        "CLUSTER\x01"
        "c1\x02");
}

TEST_CASE("zlib bodies decompress by sysFlag") {
  std::string body(10000, 'a');
  std::string z = ZlibCompress(body);
  CHECK(static_cast<uint8_t>(z[0]) == 0x78);  // zlib wrapper, not raw deflate
  int32_t flag = SetCompression(0, CompressionType::kZlib);
  CHECK(flag == 0x301);
  auto out = DecompressBody(z, flag);
  REQUIRE(out.ok());
  CHECK(*out == body);
  CHECK(DecompressBody(z, 0x1).value() == body);  // legacy type 0
  CHECK(DecompressBody(z, SetCompression(0, CompressionType::kLz4)).status().code() ==
        StatusCode::kNotSupported);
  CHECK_FALSE(ZlibDecompress(z.substr(0, z.size() / 2), 1 << 20).ok());
  CHECK_FALSE(ZlibDecompress(z, 100).ok());
  CHECK(ClearCompression(flag) == 0);
}

}  // namespace
}  // namespace tern::protocol
