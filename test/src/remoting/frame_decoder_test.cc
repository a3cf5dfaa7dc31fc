#include "src/remoting/frame_decoder.h"

#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "src/base/byte_coding.h"

namespace tern::remoting {
namespace {

std::string Frame(int32_t code, SerializeType type, std::string body = {}) {
  RemotingCommand cmd = RemotingCommand::Request(code);
  cmd.opaque = code;
  cmd.serialize_type = type;
  cmd.SetField("k", std::to_string(code));
  cmd.body = std::move(body);
  auto f = EncodeFrame(cmd);
  REQUIRE(f.ok());
  return *f;
}

// Feeds `chunks` one by one and collects every command; stops at an error.
Status DecodeAll(FrameDecoder& d, const std::vector<std::string>& chunks,
                 std::vector<RemotingCommand>* out) {
  for (const auto& chunk : chunks) {
    d.Feed(chunk);
    while (true) {
      auto next = d.Next();
      if (!next.ok()) return next.status();
      if (!next->has_value()) break;
      out->push_back(std::move(**next));
    }
  }
  return Status::Ok();
}

std::string Stream() {
  return Frame(1, SerializeType::kJson, "body-1") + Frame(2, SerializeType::kRocketmq, "") +
         Frame(3, SerializeType::kJson, std::string(300, 'x'));
}

void CheckThree(const std::vector<RemotingCommand>& cmds) {
  REQUIRE(cmds.size() == 3);
  CHECK(cmds[0].code == 1);
  CHECK(cmds[0].body == "body-1");
  CHECK(cmds[1].code == 2);
  CHECK(cmds[1].serialize_type == SerializeType::kRocketmq);
  CHECK(cmds[1].ext_fields.at("k") == "2");
  CHECK(cmds[2].code == 3);
  CHECK(cmds[2].body == std::string(300, 'x'));
}

TEST_CASE("frames fed one byte at a time decode completely") {
  std::string s = Stream();
  std::vector<std::string> chunks;
  for (char c : s) chunks.emplace_back(1, c);
  FrameDecoder d;
  std::vector<RemotingCommand> cmds;
  REQUIRE(DecodeAll(d, chunks, &cmds).ok());
  CheckThree(cmds);
  CHECK(d.buffered_bytes() == 0);
}

TEST_CASE("coalesced frames in one read decode in order") {
  FrameDecoder d;
  std::vector<RemotingCommand> cmds;
  REQUIRE(DecodeAll(d, {Stream()}, &cmds).ok());
  CheckThree(cmds);
}

TEST_CASE("random chunk splits decode the same commands") {
  std::string s = Stream() + Stream();
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> chunks;
    size_t pos = 0;
    while (pos < s.size()) {
      size_t n = std::uniform_int_distribution<size_t>(1, 64)(rng);
      chunks.push_back(s.substr(pos, n));
      pos += n;
    }
    FrameDecoder d;
    std::vector<RemotingCommand> cmds;
    REQUIRE(DecodeAll(d, chunks, &cmds).ok());
    REQUIRE(cmds.size() == 6);
    CHECK(cmds[5].body == std::string(300, 'x'));
  }
}

TEST_CASE("a large body straddling many reads is assembled") {
  std::string body(1 << 20, 'b');
  body[12345] = 'z';
  std::string s = Frame(10, SerializeType::kJson, body) + Frame(11, SerializeType::kJson, "tail");
  std::vector<std::string> chunks;
  for (size_t pos = 0; pos < s.size(); pos += 65536) chunks.push_back(s.substr(pos, 65536));
  FrameDecoder d;
  std::vector<RemotingCommand> cmds;
  REQUIRE(DecodeAll(d, chunks, &cmds).ok());
  REQUIRE(cmds.size() == 2);
  CHECK(cmds[0].body == body);
  CHECK(cmds[1].body == "tail");
}

TEST_CASE("a frame above the maximum is rejected from its length word") {
  FrameDecoder d(1024);
  std::string s;
  AppendBE32(&s, 1021);  // 1025 bytes with the length word
  std::vector<RemotingCommand> cmds;
  Status st = DecodeAll(d, {s}, &cmds);
  CHECK(st.code() == StatusCode::kCorruption);
  CHECK(d.failed());
  // Sticky: good input afterwards is not decoded.
  CHECK_FALSE(DecodeAll(d, {Frame(1, SerializeType::kJson)}, &cmds).ok());
  CHECK(cmds.empty());
}

TEST_CASE("a frame exactly at the maximum is accepted") {
  std::string f = Frame(1, SerializeType::kJson, "abc");
  FrameDecoder d(f.size());
  std::vector<RemotingCommand> cmds;
  REQUIRE(DecodeAll(d, {f}, &cmds).ok());
  CHECK(cmds.size() == 1);
  FrameDecoder smaller(f.size() - 1);
  CHECK_FALSE(DecodeAll(smaller, {f}, &cmds).ok());
}

TEST_CASE("lying lengths are decode errors") {
  std::vector<RemotingCommand> cmds;
  SUBCASE("total shorter than the header length word") {
    std::string s;
    AppendBE32(&s, 3);
    s.append("abc");
    FrameDecoder d;
    CHECK(DecodeAll(d, {s}, &cmds).code() == StatusCode::kCorruption);
  }
  SUBCASE("negative total") {
    std::string s;
    AppendBE32(&s, 0xFFFFFFF0);
    FrameDecoder d;
    CHECK(DecodeAll(d, {s}, &cmds).code() == StatusCode::kCorruption);
  }
  SUBCASE("header length larger than the frame") {
    std::string s;
    AppendBE32(&s, 8);
    AppendBE32(&s, 100);
    s.append("{}{}");
    FrameDecoder d;
    CHECK(DecodeAll(d, {s}, &cmds).code() == StatusCode::kCorruption);
  }
  SUBCASE("header that is not json, split across reads") {
    std::string s;
    AppendBE32(&s, 4 + 5);
    AppendBE32(&s, 5);
    s.append("hello");
    FrameDecoder d;
    CHECK(DecodeAll(d, {s.substr(0, 3), s.substr(3)}, &cmds).code() == StatusCode::kCorruption);
  }
  CHECK(cmds.empty());
}

TEST_CASE("frames decoded before a bad frame are delivered") {
  std::string s = Frame(1, SerializeType::kJson);
  AppendBE32(&s, 2);
  FrameDecoder d;
  std::vector<RemotingCommand> cmds;
  CHECK_FALSE(DecodeAll(d, {s}, &cmds).ok());
  CHECK(cmds.size() == 1);
}

}  // namespace
}  // namespace tern::remoting
