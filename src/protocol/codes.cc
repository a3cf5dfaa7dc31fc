#include "src/protocol/codes.h"

#include <array>

namespace tern::protocol {
namespace {
constexpr std::array<std::string_view, 14> kLanguageNames = {
    "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY",
    "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST", "NODE_JS"};
}  // namespace

std::string_view LanguageName(LanguageCode code) {
  auto i = static_cast<size_t>(code);
  return i < kLanguageNames.size() ? kLanguageNames[i] : "OTHER";
}

LanguageCode LanguageFromName(std::string_view name) {
  for (size_t i = 0; i < kLanguageNames.size(); ++i) {
    if (kLanguageNames[i] == name) return static_cast<LanguageCode>(i);
  }
  return LanguageCode::kOther;
}

LanguageCode LanguageFromByte(uint8_t b) {
  return b < kLanguageNames.size() ? static_cast<LanguageCode>(b) : LanguageCode::kOther;
}

}  // namespace tern::protocol
