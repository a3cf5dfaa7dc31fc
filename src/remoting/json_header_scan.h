// A single-pass decoder for the JSON headers real clients send (remoting.md
// §3): one flat object with integer/string scalars and an "extFields" object
// of scalars. It writes straight into a RemotingCommand without building a
// DOM, which is most of the cost of a small request on the broker and in the
// SDK.
//
// It handles only the shapes it can decode exactly as the general decoder in
// command_codec.cc would (same fields, same stringification, same last-wins
// rule for repeated keys). For anything else (fractions, exponents, numbers
// beyond 64 bits, arrays or objects where scalars are expected, malformed
// text) it returns false and the caller falls back to the general decoder,
// which also produces the error message.
#pragma once

#include <string_view>

#include "src/remoting/remoting_command.h"

namespace tern::remoting {

// `header` must be valid UTF-8 (the caller repairs it first). On false, `cmd`
// is left in an unspecified state that the general decoder overwrites.
bool ScanJsonHeader(std::string_view header, RemotingCommand* cmd);

}  // namespace tern::remoting
