// The broker's config file (`ternmq broker -c FILE`, or brokerConfigPath) as
// UPDATE_BROKER_CONFIG persists it.
//
// RocketMQ (Configuration.persist) overwrites the file with every setting of
// the broker, sorted, losing the operator's comments and layout. TernMQ edits
// the file instead: each updated key's line is replaced in place (a key that
// appears several times: every occurrence), keys not in the file are appended,
// everything else (comments, order, other keys) is kept. The new text is
// written to FILE.tmp, fsynced and renamed over FILE (then the directory is
// fsynced), so a crash leaves the old or the new file, never half of one.
//
// Pure functions plus one blocking file write: call it off the I/O loop.
#pragma once

#include <string>
#include <string_view>

#include "src/base/properties.h"
#include "src/base/status.h"

namespace tern::broker {

// `text` with `updates` applied as described above (`key=value` lines).
std::string RewriteConfigText(std::string_view text, const PropertyList& updates);

// Reads `path` (a missing file counts as empty), applies `updates` and
// replaces the file durably. Errors name the path.
Status UpdateConfigFile(const std::string& path, const PropertyList& updates);

}  // namespace tern::broker
