#include "src/remoting/json_header_scan.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "src/base/properties.h"
#include "src/protocol/codes.h"

namespace tern::remoting {
namespace {

// One JSON scalar as the header needs it.
struct Scalar {
  enum Kind { kNull, kString, kNumber, kTrue, kFalse } kind = kNull;
  std::string text;       // kString: the decoded string; kNumber: the literal
  bool negative = false;  // kNumber
  uint64_t magnitude = 0; // kNumber
};

class Scanner {
 public:
  explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool Run(RemotingCommand* cmd) {
    cmd->ClearHeader();
    SkipWs();
    return Object([&](const std::string& key) { return Member(key, cmd); }) && AtEnd();
  }

 private:
  bool Member(const std::string& name, RemotingCommand* cmd) {
    // string_view equality checks the length before any byte (std::string ==
    // const char* compares bytes first): one header has seven of these keys.
    const std::string_view key(name);
    if (key == "extFields") return ExtFields(cmd);
    Scalar v;
    if (!Value(&v)) return false;
    if (key == "code") return Int32(v, &cmd->code);
    if (key == "version") return Int32(v, &cmd->version);
    if (key == "opaque") return Int32(v, &cmd->opaque);
    if (key == "flag") return Int32(v, &cmd->flag);
    if (key == "language") {
      if (v.kind == Scalar::kNumber && !v.negative) {
        cmd->language = protocol::LanguageName(protocol::LanguageFromByte(
            v.magnitude > 255 ? 255 : static_cast<uint8_t>(v.magnitude)));
      } else if (v.kind == Scalar::kNull) {
        cmd->language.clear();
      } else {
        cmd->language = std::move(v.text);
      }
      return true;
    }
    if (key == "remark") {
      if (v.kind == Scalar::kNull) {
        cmd->remark.reset();
      } else {
        cmd->remark = std::move(v.text);
      }
      return true;
    }
    return true;  // other keys (serializeTypeCurrentRPC, ...) are ignored
  }

  bool ExtFields(RemotingCommand* cmd) {
    cmd->ext_fields.clear();  // a repeated "extFields": the last one wins
    if (Literal("null")) return true;
    return Object([&](const std::string& key) {
      Scalar v;
      if (!Value(&v)) return false;
      if (v.kind == Scalar::kNull) {
        cmd->ext_fields.erase(key);
      } else {
        cmd->ext_fields.insert_or_assign(key, std::move(v.text));
      }
      return true;
    });
  }

  // An object at the cursor: `member(key)` reads each value (the cursor is
  // on it, whitespace skipped) and returns false to give up.
  template <typename F>
  bool Object(F&& member) {
    if (!Eat('{')) return false;
    SkipWs();
    if (Eat('}')) return true;
    std::string key;
    while (true) {
      SkipWs();
      if (!String(&key)) return false;
      SkipWs();
      if (!Eat(':')) return false;
      SkipWs();
      if (!member(key)) return false;
      SkipWs();
      if (Eat(',')) continue;
      return Eat('}');
    }
  }

  // A Java int from a JSON integer or a numeric string; 2^31..2^32-1 wrap.
  static bool Int32(const Scalar& v, int32_t* out) {
    int64_t n;
    switch (v.kind) {
      case Scalar::kNull: *out = 0; return true;
      case Scalar::kNumber:
        if (v.negative) {
          if (v.magnitude > static_cast<uint64_t>(std::numeric_limits<int32_t>::max()) + 1)
            return false;
          n = -static_cast<int64_t>(v.magnitude);
        } else {
          if (v.magnitude > std::numeric_limits<uint32_t>::max()) return false;
          n = static_cast<int64_t>(v.magnitude);
        }
        break;
      case Scalar::kString: {
        auto r = ParseInt64(v.text);
        if (!r.ok()) return false;
        n = *r;
        if (n < std::numeric_limits<int32_t>::min() || n > std::numeric_limits<uint32_t>::max())
          return false;
        break;
      }
      default: return false;
    }
    *out = static_cast<int32_t>(static_cast<uint32_t>(n));
    return true;
  }

  // A scalar; objects, arrays and non-integer numbers are left to the
  // general decoder.
  bool Value(Scalar* v) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '"': v->kind = Scalar::kString; return String(&v->text);
      case 'n': v->kind = Scalar::kNull; return Literal("null");
      case 't': v->kind = Scalar::kTrue; v->text = "true"; return Literal("true");
      case 'f': v->kind = Scalar::kFalse; v->text = "false"; return Literal("false");
      default: v->kind = Scalar::kNumber; return Number(v);
    }
  }

  bool Number(Scalar* v) {
    const char* start = p_;
    v->negative = Eat('-');
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0' && p_ + 1 < end_ && p_[1] >= '0' && p_[1] <= '9') return false;
    uint64_t m = 0;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      const uint64_t d = static_cast<uint64_t>(*p_ - '0');
      if (m > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
      m = m * 10 + d;
      ++p_;
    }
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    // The general decoder reads these as floating point or as 0.
    if (v->negative && (m == 0 || m > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())))
      return false;
    v->magnitude = m;
    v->text.assign(start, static_cast<size_t>(p_ - start));
    return true;
  }

  bool String(std::string* out) {
    out->clear();
    if (!Eat('"')) return false;
    while (true) {
      const char* run = p_;
      while (p_ < end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) {
        ++p_;
      }
      out->append(run, static_cast<size_t>(p_ - run));
      if (p_ == end_) return false;
      const char c = *p_++;
      if (c == '"') return true;
      if (c != '\\') return false;  // a raw control character
      if (p_ == end_) return false;
      switch (*p_++) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // lone low surrogate
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!Hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default: return false;
      }
    }
  }

  bool Hex4(uint32_t* cp) {
    if (end_ - p_ < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
        v |= static_cast<uint32_t>((c | 0x20) - 'a' + 10);
      } else {
        return false;
      }
    }
    *cp = v;
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool Literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool Eat(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  void SkipWs() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  bool AtEnd() {
    SkipWs();
    return p_ == end_;
  }

  const char* p_;
  const char* end_;
};

}  // namespace

bool ScanJsonHeader(std::string_view header, RemotingCommand* cmd) {
  return Scanner(header).Run(cmd);
}

}  // namespace tern::remoting
