#include "src/protocol/register_broker_body.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include "src/base/byte_coding.h"

namespace tern::protocol {
namespace {

RegisterBrokerBody SampleBody() {
  RegisterBrokerBody b;
  b.topic_config_serialize_wrapper.data_version = {1700000000000, 3, std::nullopt};
  TopicConfig t;
  t.topic_name = "T";
  t.read_queue_nums = 4;
  t.write_queue_nums = 4;
  b.topic_config_serialize_wrapper.topic_config_table["T"] = t;
  TopicConfig tbw;
  tbw.topic_name = "TBW102";
  tbw.read_queue_nums = 8;
  tbw.write_queue_nums = 8;
  tbw.perm = 7;
  b.topic_config_serialize_wrapper.topic_config_table["TBW102"] = tbw;
  return b;
}

TEST_CASE("register broker body encodes the json form byte-exact") {
  RegisterBrokerBody b;
  b.topic_config_serialize_wrapper.data_version = {1700000000000, 0, std::nullopt};
  CHECK(
      b.Encode() ==
      R"({"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":0,"timestamp":1700000000000},"topicConfigTable":{}}})");
  RegisterBrokerBody full = SampleBody();
  auto back = RegisterBrokerBody::Decode(full.Encode(), false);
  REQUIRE(back.ok());
  CHECK(*back == full);
}

TEST_CASE("register broker body compressed form round trips") {
  RegisterBrokerBody b = SampleBody();
  b.filter_server_list = {"127.0.0.1:30000"};
  auto packed = b.EncodeCompressed();
  REQUIRE(packed.ok());
  auto back = RegisterBrokerBody::Decode(*packed, true);
  REQUIRE(back.ok());
  CHECK(*back == b);
}

TEST_CASE("compressed register body decodes a hand-built java stream and ignores 5.x trailer") {
  // Build the stream the way Java's RegisterBrokerBody.encode(true) does.
  std::string raw;
  std::string dv = R"({"counter":2,"timestamp":5})";
  AppendBE32(&raw, static_cast<uint32_t>(dv.size()));
  raw += dv;
  AppendBE32(&raw, 1);
  std::string line = R"(T 2 3 6 SINGLE_TAG {"+a":"b"})";
  AppendBE32(&raw, static_cast<uint32_t>(line.size()));
  raw += line;
  AppendBE32(&raw, 2);
  raw += "[]";
  AppendBE32(&raw, 0);  // 5.x: zero TopicQueueMappingInfo entries
  uLongf cap = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(cap, '\0');
  REQUIRE(compress2(reinterpret_cast<Bytef*>(packed.data()), &cap,
                    reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                    9) == Z_OK);
  packed.resize(cap);
  auto b = RegisterBrokerBody::Decode(packed, true);
  REQUIRE(b.ok());
  CHECK(b->topic_config_serialize_wrapper.data_version.counter == 2);
  const TopicConfig& t = b->topic_config_serialize_wrapper.topic_config_table.at("T");
  CHECK(t.read_queue_nums == 2);
  CHECK(t.write_queue_nums == 3);
  CHECK(t.attributes.at("+a") == "b");
}

TEST_CASE("compressed register body rejects garbage and truncation") {
  CHECK_FALSE(RegisterBrokerBody::Decode("not zlib", true).ok());
  auto packed = SampleBody().EncodeCompressed();
  REQUIRE(packed.ok());
  auto cut =
      RegisterBrokerBody::Decode(std::string_view(*packed).substr(0, packed->size() / 2), true);
  CHECK_FALSE(cut.ok());
  CHECK_FALSE(RegisterBrokerBody::Decode("{\"topicConfigSerializeWrapper\":[]}", false).ok());
}

}  // namespace
}  // namespace tern::protocol
