// Typed reads of a request's custom-header fields (extFields), following
// Java's conversions (shared/spec/remoting.md §3.1): every value is a string
// on the wire (numbers and booleans sent as JSON values were already
// stringified by the codec, quirks Q2); integers are decimal; a boolean is
// true iff the text equals "true" ignoring case (quirks Q36).
//
// Lives in src/protocol (not src/remoting) so that the typed header structs
// here can be parsed without depending on the remoting library: callers pass
// `RemotingCommand::ext_fields`.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "src/base/status.h"

namespace tern::protocol {

// The custom header fields of a remoting command (RemotingCommand::ext_fields).
// Transparent comparator: looking a field up by a literal or string_view does
// not build a std::string (a few lookups per request on the I/O loop).
using HeaderFields = std::map<std::string, std::string, std::less<>>;

// Missing -> InvalidArgument "missing header field <name>"; a malformed number
// -> InvalidArgument naming the field and its text.
Result<std::string> HeaderRequiredString(const HeaderFields& f, std::string_view name);
Result<int32_t> HeaderRequiredInt32(const HeaderFields& f, std::string_view name);
Result<int64_t> HeaderRequiredInt64(const HeaderFields& f, std::string_view name);
// Optional fields: missing -> nullopt. A malformed number is still an error
// (Java leaves it null and the processor fails later; we say why at once).
std::optional<std::string> HeaderOptionalString(const HeaderFields& f, std::string_view name);
Result<std::optional<int32_t>> HeaderOptionalInt32(const HeaderFields& f, std::string_view name);
Result<std::optional<int64_t>> HeaderOptionalInt64(const HeaderFields& f, std::string_view name);
// Java Boolean.parseBoolean; missing -> `fallback`.
bool HeaderBool(const HeaderFields& f, std::string_view name, bool fallback);

}  // namespace tern::protocol
