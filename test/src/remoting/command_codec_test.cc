#include "src/remoting/command_codec.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "src/base/byte_coding.h"

namespace tern::remoting {
namespace {

// Byte-exact Java 4.9 headers from shared/spec/remoting.md §3.
const std::string kJavaSendRequest =
    R"({"code":310,"extFields":{"a":"PG","b":"T","c":"TBW102","d":"4","e":"1","f":"0","g":"1700000000000","h":"0","i":"TAGS\u0001A\u0002","j":"0","k":"false","m":"false"},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":401})";
const std::string kJavaSendResponse =
    R"({"code":0,"extFields":{"queueId":"1","TRACE_ON":"true","MSG_REGION":"DefaultRegion","msgId":"7F00000100002A9F0000000000000000","queueOffset":"5"},"flag":1,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":401})";
const std::string kJavaErrorResponse =
    "{\"code\":17,\"flag\":1,\"language\":\"JAVA\",\"opaque\":3,\"remark\":\"topic["
    "\xE4\xB8\xAD\xE6\x96\x87] not "
    "exist\",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":401}";
const std::string kJavaOnewayCheck =
    R"({"code":39,"extFields":{"commitLogOffset":"1234","msgId":"UNIQ","tranStateTableOffset":"5","offsetMsgId":"7F00000100002A9F00000000000004D2","transactionId":"UNIQ"},"flag":2,"language":"JAVA","opaque":9,"serializeTypeCurrentRPC":"JSON","version":401})";

std::string FromHex(std::string_view hex) {
  std::string out;
  int hi = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else
      continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

// remoting.md §4: GET_ROUTEINFO_BY_TOPIC, opaque 1, version 401, {topic:"T"}.
const std::string kJavaBinaryFrame = FromHex(
    "00000025 01000021 0069 00 0191 00000001 00000000 00000000 0000000c 0005 746f706963 00000001 "
    "54");

RemotingCommand DecodeJson(const std::string& header) {
  RemotingCommand cmd;
  Status st = DecodeJsonHeader(header, &cmd);
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  return cmd;
}

bool IsCompact(const std::string& json) {
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      return false;
    }
  }
  return true;
}

TEST_CASE("java send request header decodes and re-encodes byte for byte") {
  RemotingCommand cmd = DecodeJson(kJavaSendRequest);
  CHECK(cmd.code == 310);
  CHECK(cmd.language == "JAVA");
  CHECK(cmd.version == 401);
  CHECK(cmd.opaque == 7);
  CHECK(cmd.flag == 0);
  CHECK_FALSE(cmd.remark.has_value());
  CHECK(cmd.ext_fields.size() == 12);
  CHECK(cmd.ext_fields.at("i") == std::string("TAGS\x01"
                                              "A\x02"));
  CHECK(cmd.ext_fields.at("g") == "1700000000000");
  CHECK(cmd.ext_fields.at("k") == "false");
  // Our keys are sorted and our fields alphabetical, which here is Java's order.
  CHECK(EncodeJsonHeader(cmd) == kJavaSendRequest);
}

TEST_CASE("java responses in hash order decode and round-trip compactly") {
  RemotingCommand ok = DecodeJson(kJavaSendResponse);
  CHECK(ok.code == 0);
  CHECK(ok.IsResponse());
  CHECK(ok.ext_fields.at("msgId") == "7F00000100002A9F0000000000000000");
  CHECK(ok.ext_fields.at("TRACE_ON") == "true");
  std::string encoded = EncodeJsonHeader(ok);
  CHECK(IsCompact(encoded));
  RemotingCommand again = DecodeJson(encoded);
  CHECK(again.ext_fields == ok.ext_fields);
  CHECK(again.code == ok.code);
  CHECK(again.flag == ok.flag);
  CHECK(again.opaque == ok.opaque);

  RemotingCommand err = DecodeJson(kJavaErrorResponse);
  CHECK(err.code == 17);
  REQUIRE(err.remark.has_value());
  CHECK(*err.remark == "topic[\xE4\xB8\xAD\xE6\x96\x87] not exist");
  CHECK(err.ext_fields.empty());
  CHECK(EncodeJsonHeader(err) == kJavaErrorResponse);  // raw UTF-8, no extFields

  RemotingCommand check = DecodeJson(kJavaOnewayCheck);
  CHECK(check.code == 39);
  CHECK(check.IsOneway());
  CHECK_FALSE(check.IsResponse());
  CHECK(check.ext_fields.at("tranStateTableOffset") == "5");
}

TEST_CASE("json extFields numbers and booleans are stringified like fastjson") {
  RemotingCommand cmd = DecodeJson(
      R"({"code":10,"extFields":{"queueId":1,"unitMode":false,"ratio":1.5,"big":1700000000000,"neg":-3,"gone":null,"s":"x"},"flag":0,"language":"CPP","opaque":3,"version":333})");
  CHECK(cmd.ext_fields.at("queueId") == "1");
  CHECK(cmd.ext_fields.at("unitMode") == "false");
  CHECK(cmd.ext_fields.at("ratio") == "1.5");
  CHECK(cmd.ext_fields.at("big") == "1700000000000");
  CHECK(cmd.ext_fields.at("neg") == "-3");
  CHECK(cmd.ext_fields.count("gone") == 0);
  CHECK(cmd.language == "CPP");
  // Output is always strings.
  CHECK(EncodeJsonHeader(cmd).find(R"("queueId":"1")") != std::string::npos);
}

TEST_CASE("json header accepts missing or null remark and extFields and any language") {
  RemotingCommand a =
      DecodeJson(R"({"code":105,"flag":0,"language":"NODE_JS","opaque":1,"version":121})");
  CHECK(a.language == "NODE_JS");
  CHECK_FALSE(a.remark.has_value());
  CHECK(a.ext_fields.empty());
  RemotingCommand b = DecodeJson(
      R"({"version":1,"opaque":2,"remark":null,"extFields":null,"code":"34","language":"MARTIAN","flag":0})");
  CHECK(b.code == 34);
  CHECK(b.language == "MARTIAN");
  CHECK_FALSE(b.remark.has_value());
  RemotingCommand c = DecodeJson(
      R"({"code":1,"extFields":{},"remark":"","language":"GO","flag":1,"opaque":5,"version":317})");
  CHECK(c.remark == std::optional<std::string>(""));
}

TEST_CASE("json encoding escapes control characters and omits a null remark") {
  RemotingCommand cmd;
  cmd.code = 1;
  cmd.remark = std::string("a\nb\x01\"q\\");
  cmd.ext_fields["k"] = std::string("\x00\x1f", 2);
  std::string json = EncodeJsonHeader(cmd);
  CHECK(json.find(R"("remark":"a\u000ab\u0001\"q\\")") != std::string::npos);
  CHECK(json.find(R"("k":"\u0000\u001f")") != std::string::npos);
  RemotingCommand back = DecodeJson(json);
  CHECK(back.remark == cmd.remark);
  CHECK(back.ext_fields == cmd.ext_fields);

  cmd.remark.reset();
  CHECK(EncodeJsonHeader(cmd).find("remark") == std::string::npos);
}

TEST_CASE("invalid utf8 neither throws on decode nor produces invalid json on encode") {
  RemotingCommand in =
      DecodeJson("{\"code\":1,\"remark\":\"bad\xFF\xC0 tail\",\"extFields\":{\"k\":\"\xE4\xB8\"}}");
  REQUIRE(in.remark.has_value());
  CHECK(in.remark->find("\xEF\xBF\xBD") != std::string::npos);
  CHECK(in.remark->find(" tail") != std::string::npos);

  RemotingCommand out;
  out.remark = "x\xFF\xFEy\xED\xA0\x80z";    // stray bytes and an encoded surrogate
  out.ext_fields["v"] = "\xF4\x90\x80\x80";  // above U+10FFFF
  std::string json = EncodeJsonHeader(out);
  auto parsed = nlohmann::json::parse(json, nullptr, false);  // strict parser
  CHECK_FALSE(parsed.is_discarded());
}

TEST_CASE("bad json headers are corruption errors") {
  RemotingCommand cmd;
  CHECK(DecodeJsonHeader("not json", &cmd).code() == StatusCode::kCorruption);
  CHECK(DecodeJsonHeader("", &cmd).code() == StatusCode::kCorruption);
  CHECK(DecodeJsonHeader("[1,2]", &cmd).code() == StatusCode::kCorruption);
  CHECK(DecodeJsonHeader("\"str\"", &cmd).code() == StatusCode::kCorruption);
  CHECK(DecodeJsonHeader(R"({"code":1.5})", &cmd).code() == StatusCode::kCorruption);
  CHECK(DecodeJsonHeader(R"({"code":"abc"})", &cmd).code() == StatusCode::kCorruption);
  CHECK(DecodeJsonHeader(R"({"code":99999999999})", &cmd).code() == StatusCode::kCorruption);
  CHECK(DecodeJsonHeader(R"({"code":1,"extFields":[1]})", &cmd).code() == StatusCode::kCorruption);
  CHECK(DecodeJsonHeader(R"({"code":1,"flag":{}})", &cmd).code() == StatusCode::kCorruption);
}

TEST_CASE("binary golden frame encodes and decodes byte for byte") {
  RemotingCommand cmd = RemotingCommand::Request(105);
  cmd.opaque = 1;
  cmd.version = 401;
  cmd.SetField("topic", "T");
  cmd.serialize_type = SerializeType::kRocketmq;
  auto frame = EncodeFrame(cmd);
  REQUIRE(frame.ok());
  CHECK(*frame == kJavaBinaryFrame);

  auto decoded = DecodeFrame(kJavaBinaryFrame);
  REQUIRE(decoded.ok());
  CHECK(decoded->code == 105);
  CHECK(decoded->language == "JAVA");
  CHECK(decoded->version == 401);
  CHECK(decoded->opaque == 1);
  CHECK(decoded->flag == 0);
  CHECK_FALSE(decoded->remark.has_value());
  CHECK(decoded->ext_fields == protocol::HeaderFields{{"topic", "T"}});
  CHECK(decoded->serialize_type == SerializeType::kRocketmq);
  CHECK(decoded->body.empty());
}

TEST_CASE("binary header round-trips remark body language and negative numbers") {
  RemotingCommand cmd;
  cmd.code = -1;
  cmd.language = "GO";
  cmd.version = 317;
  cmd.opaque = -5;
  cmd.flag = 3;
  cmd.remark = "r\xE4\xB8\xAD";
  cmd.ext_fields = {{"a", "1"}, {"bb", "two"}};
  cmd.body = std::string("\x00\x01body", 6);
  cmd.serialize_type = SerializeType::kRocketmq;
  auto frame = EncodeFrame(cmd);
  REQUIRE(frame.ok());
  auto back = DecodeFrame(*frame);
  REQUIRE(back.ok());
  CHECK(back->code == -1);
  CHECK(back->language == "GO");
  CHECK(back->version == 317);
  CHECK(back->opaque == -5);
  CHECK(back->flag == 3);
  CHECK(back->remark == cmd.remark);
  CHECK(back->ext_fields == cmd.ext_fields);
  CHECK(back->body == cmd.body);
}

TEST_CASE("binary empty strings decode as absent and wide codes cannot be encoded") {
  RemotingCommand cmd;
  cmd.serialize_type = SerializeType::kRocketmq;
  cmd.remark = "";
  cmd.ext_fields = {{"empty", ""}, {"k", "v"}};
  auto frame = EncodeFrame(cmd);
  REQUIRE(frame.ok());
  auto back = DecodeFrame(*frame);
  REQUIRE(back.ok());
  CHECK_FALSE(back->remark.has_value());
  CHECK(back->ext_fields == protocol::HeaderFields{{"k", "v"}});

  cmd.code = 200050;  // 5.x POP code
  CHECK(EncodeFrame(cmd).status().code() == StatusCode::kInvalidArgument);
  cmd.serialize_type = SerializeType::kJson;
  CHECK(EncodeFrame(cmd).ok());
}

TEST_CASE("binary header lengths are validated against what remains") {
  RemotingCommand cmd;
  // Shorter than the 21 fixed bytes.
  CHECK(DecodeBinaryHeader(std::string(20, '\0'), &cmd).code() == StatusCode::kCorruption);
  // Fixed fields with remark length 1000 and nothing after.
  std::string h(13, '\0');
  AppendBE32(&h, 1000);
  AppendBE32(&h, 0);
  CHECK(DecodeBinaryHeader(h, &cmd).code() == StatusCode::kCorruption);
  // Negative remark length.
  h.assign(13, '\0');
  AppendBE32(&h, 0xFFFFFFFF);
  AppendBE32(&h, 0);
  CHECK(DecodeBinaryHeader(h, &cmd).code() == StatusCode::kCorruption);
  // extFields length past the end.
  h.assign(13, '\0');
  AppendBE32(&h, 0);
  AppendBE32(&h, 50);
  h.append("abc");
  CHECK(DecodeBinaryHeader(h, &cmd).code() == StatusCode::kCorruption);
  // An entry whose key length runs past the section.
  h.assign(13, '\0');
  AppendBE32(&h, 0);
  AppendBE32(&h, 4);
  AppendBE16(&h, 9);
  h.append("ab");
  CHECK(DecodeBinaryHeader(h, &cmd).code() == StatusCode::kCorruption);
  // An entry whose value length runs past the section.
  h.assign(13, '\0');
  AppendBE32(&h, 0);
  AppendBE32(&h, 2 + 1 + 4 + 1);
  AppendBE16(&h, 1);
  h.append("k");
  AppendBE32(&h, 0x7FFFFFFF);
  h.append("v");
  CHECK(DecodeBinaryHeader(h, &cmd).code() == StatusCode::kCorruption);
  // A dangling partial entry (one byte).
  h.assign(13, '\0');
  AppendBE32(&h, 0);
  AppendBE32(&h, 1);
  h.append("x");
  CHECK(DecodeBinaryHeader(h, &cmd).code() == StatusCode::kCorruption);
}

TEST_CASE("frames with lying lengths or unknown serialize types are rejected") {
  std::string f;
  AppendBE32(&f, 100);  // says 100, has 4
  AppendBE32(&f, 0);
  CHECK_FALSE(DecodeFrame(f).ok());
  f.clear();
  AppendBE32(&f, 6);
  AppendBE32(&f, 50);  // header 50 > frame
  f.append("{}");
  CHECK(DecodeFrame(f).status().code() == StatusCode::kCorruption);
  f.clear();
  AppendBE32(&f, 6);
  AppendBE32(&f, (2u << 24) | 2);  // type 2
  f.append("{}");
  CHECK(DecodeFrame(f).status().code() == StatusCode::kCorruption);
}

TEST_CASE("json frame carries the body after the header") {
  RemotingCommand cmd = RemotingCommand::Request(310);
  cmd.body = "hi";
  cmd.opaque = 7;
  auto frame = EncodeFrame(cmd);
  REQUIRE(frame.ok());
  uint32_t total = GetBE32(frame->data());
  uint32_t word = GetBE32(frame->data() + 4);
  CHECK(total == frame->size() - 4);
  CHECK((word >> 24) == 0);
  CHECK((word & 0xFFFFFF) == frame->size() - 8 - 2);
  auto back = DecodeFrame(*frame);
  REQUIRE(back.ok());
  CHECK(back->body == "hi");
  CHECK(back->opaque == 7);
}

}  // namespace
}  // namespace tern::remoting
