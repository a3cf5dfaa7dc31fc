// The single-pass JSON header scanner against the general (DOM) decoder: for
// every input, DecodeJsonHeader (scanner, falling back to the DOM) must give
// exactly what DecodeJsonHeaderWithDom gives, and the scanner must take the
// headers real clients send itself.
#include "src/remoting/json_header_scan.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "src/remoting/command_codec.h"

namespace tern::remoting {
namespace {

std::string Describe(const Status& st, const RemotingCommand& c) {
  if (!st.ok()) return "error " + st.ToString();
  std::string out = "code=" + std::to_string(c.code) + " version=" + std::to_string(c.version) +
                    " opaque=" + std::to_string(c.opaque) + " flag=" + std::to_string(c.flag) +
                    " language=[" + c.language + "] remark=" + (c.remark ? "[" + *c.remark + "]" : "none");
  for (const auto& [k, v] : c.ext_fields) out += " " + k + "=[" + v + "]";
  return out;
}

// Both decoders agree on `header`; returns what they decoded.
std::string Agree(std::string_view header) {
  RemotingCommand fast, dom;
  Status a = DecodeJsonHeader(header, &fast);
  Status b = DecodeJsonHeaderWithDom(header, &dom);
  std::string fa = Describe(a, fast), fb = Describe(b, dom);
  INFO("header: ", std::string(header));
  CHECK(a.code() == b.code());
  CHECK(fa == fb);
  return fa;
}

bool Scans(std::string_view header) {
  RemotingCommand cmd;
  return ScanJsonHeader(header, &cmd);
}

TEST_CASE("a Java SEND_MESSAGE_V2 header is scanned without the DOM, field for field") {
  // As fastjson writes it: short header keys, properties with \u0001 / \u0002.
  const std::string header =
      R"({"code":310,"extFields":{"a":"PG","b":"TopicTest","c":"TBW102","d":"4","e":"1",)"
      R"("f":"0","g":"1700000000000","h":"0","i":"TAGS\u0001TagA\u0002KEYS\u0001k1\u0002)"
      R"(UNIQ_KEY\u00017F000001\u0002WAIT\u0001true\u0002","j":"0","k":"false","m":"false"},)"
      R"("flag":0,"language":"JAVA","opaque":42,"serializeTypeCurrentRPC":"JSON","version":399})";
  REQUIRE(Scans(header));
  RemotingCommand cmd;
  REQUIRE(ScanJsonHeader(header, &cmd));
  CHECK(cmd.code == 310);
  CHECK(cmd.opaque == 42);
  CHECK(cmd.version == 399);
  CHECK(cmd.language == "JAVA");
  CHECK_FALSE(cmd.remark.has_value());
  CHECK(cmd.ext_fields.at("b") == "TopicTest");
  CHECK(cmd.ext_fields.at("i") ==
        "TAGS\x01TagA\x02KEYS\x01k1\x02UNIQ_KEY\x01" "7F000001\x02WAIT\x01true\x02");
  Agree(header);
}

TEST_CASE("our own encoder's headers round-trip through the scanner") {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {"a", "\"", "\\", "\x01", "\x1f", "\xC3\xA9",
                                           "\xE2\x82\xAC", "\xF0\x9F\x98\x80", " ", "/", "\x7f"};
  auto random_text = [&] {
    std::string s;
    const int n = static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
    return s;
  };
  for (int round = 0; round < 500; ++round) {
    RemotingCommand cmd = RemotingCommand::Request(static_cast<int32_t>(rng() % 70000) - 1000);
    cmd.opaque = static_cast<int32_t>(rng());
    cmd.flag = static_cast<int32_t>(rng() % 4);
    cmd.language = random_text();
    if (rng() % 2) cmd.remark = random_text();
    for (int i = 0; i < static_cast<int>(rng() % 6); ++i) cmd.SetField(random_text(), random_text());
    auto frame = EncodeFrame(cmd);
    REQUIRE(frame.ok());
    const std::string_view header(frame->data() + 8, frame->size() - 8);
    CHECK(Scans(header));
    RemotingCommand back;
    REQUIRE(DecodeJsonHeader(header, &back).ok());
    CHECK(back.code == cmd.code);
    CHECK(back.opaque == cmd.opaque);
    CHECK(back.language == cmd.language);
    CHECK(back.remark == cmd.remark);
    protocol::HeaderFields expected;
    for (const auto& [k, v] : cmd.ext_fields) expected[k] = v;
    CHECK(back.ext_fields == expected);
    Agree(header);
  }
}

TEST_CASE("scalars are stringified and repeated keys resolved as the DOM decoder does") {
  const std::vector<std::string> cases = {
      R"({})",
      R"( { "code" : 1 , "extFields" : { "k" : "v" } } )",
      "{\n\t\"code\":\r\n2}",
      R"({"code":"12","opaque":"-3","flag":4294967295,"version":-2147483648})",
      R"({"code":5,"code":null})",
      R"({"code":5,"code":7})",
      R"({"language":3})",
      R"({"language":300})",
      R"({"language":-1})",
      R"({"language":true})",
      R"({"language":null})",
      R"({"remark":"r","remark":null})",
      R"({"remark":12})",
      R"({"remark":false})",
      R"({"extFields":{"n":1,"t":true,"f":false,"z":null,"neg":-42,"big":18446744073709551615}})",
      R"({"extFields":{"k":"a","k":"b"}})",
      R"({"extFields":{"k":"a","k":null}})",
      R"({"extFields":{"a":"1"},"extFields":{"b":"2"}})",
      R"({"extFields":{"a":"1"},"extFields":null})",
      R"({"extFields":{}})",
      R"({"unknown":"x","other":1,"t":true,"n":null,"code":9})",
      R"({"extFields":{"e":"\"\\\/\b\f\n\r\t\u00e9\u20AC\ud83d\ude00\u0000"}})",
      R"({"extFields":{"raw":"é€😀"}})",
  };
  for (const std::string& c : cases) {
    CHECK_MESSAGE(Scans(c), c);
    Agree(c);
  }
}

TEST_CASE("shapes the scanner leaves to the DOM decoder give the DOM decoder's answer") {
  const std::vector<std::string> cases = {
      R"({"code":1.5})",
      R"({"code":1e3})",
      R"({"code":"abc"})",
      R"({"code":99999999999})",
      R"({"code":-2147483649})",
      R"({"code":-0})",
      R"({"code":01})",
      R"({"code":+1})",
      R"({"code":1,"extFields":[1]})",
      R"({"code":1,"extFields":{"k":{"x":1}}})",
      R"({"code":1,"extFields":{"k":[1,"a"]}})",
      R"({"code":1,"extFields":{"k":1.25}})",
      R"({"code":1,"other":{"x":[1,2]}})",
      R"({"code":1,"other":[]})",
      R"({"remark":{"a":1}})",
      R"({"language":[1]})",
      R"({"extFields":{"k":"\ud800"}})",
      R"({"extFields":{"k":"\udc00x"}})",
      R"({"extFields":{"k":"\ud800\u0041"}})",
      R"({"extFields":{"k":"\x"}})",
      R"({"extFields":{"k":"\u12G4"}})",
      "{\"extFields\":{\"k\":\"a\x01\"}}",
      R"({"code":1} trailing)",
      R"({"code":1,})",
      R"({"code" 1})",
      R"({"code":1)",
      R"({"code":tru})",
      R"({"code":99999999999999999999999})",
      R"([1,2])",
      R"("str")",
      "",
      "not json",
  };
  for (const std::string& c : cases) Agree(c);
  CHECK_FALSE(Scans(R"({"code":1.5})"));
  CHECK_FALSE(Scans(R"({"code":1,"extFields":{"k":{"x":1}}})"));
}

TEST_CASE("mutated headers: the scanner with its fallback always agrees with the DOM decoder") {
  const std::vector<std::string> seeds = {
      R"({"code":310,"extFields":{"a":"PG","b":"T","i":"TAGS\u0001A\u0002","k":"false"},"flag":0,"language":"JAVA","opaque":42,"version":399})",
      R"({"code":"11","extFields":{"n":1,"t":true,"z":null},"remark":"x\"y","opaque":-1})",
      R"({"language":3,"extFields":{"e":"\ud83d\ude00\n"},"other":[1,{"a":2}],"flag":1.0})",
  };
  const std::string alphabet = "{}[]:,\"\\-0123456789.eEtrufalsn \tu\x01\xC3\xA9";
  std::mt19937 rng(11);
  int scanned = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string h = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !h.empty(); ++e) {
      const size_t at = rng() % h.size();
      switch (rng() % 3) {
        case 0: h[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: h.insert(h.begin() + static_cast<std::ptrdiff_t>(at), alphabet[rng() % alphabet.size()]); break;
        default: h.erase(at, 1); break;
      }
    }
    if (Scans(h)) ++scanned;
    RemotingCommand fast, dom;
    Status a = DecodeJsonHeader(h, &fast);
    Status b = DecodeJsonHeaderWithDom(h, &dom);
    if (a.code() != b.code() || Describe(a, fast) != Describe(b, dom)) {
      FAIL("disagree on ", h, "\n scanner: ", Describe(a, fast), "\n dom:     ", Describe(b, dom));
    }
  }
  MESSAGE(scanned << " of 20000 mutated headers taken by the scanner itself");
  CHECK(scanned > 0);
}

}  // namespace
}  // namespace tern::remoting
