// SEND_BATCH_MESSAGE body (shared/spec/message-format.md §6): inner messages
// back to back, each [TOTALSIZE][MAGIC=0][BODYCRC=0][FLAG][BODYLEN][BODY][PROPLEN][PROPS].
// Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"

namespace tern::protocol {

struct BatchEntry {
  int32_t flag = 0;
  std::string_view body;
  std::string_view properties;
};

// Decodes a batch body; views point into `body`. Every length is checked
// (TOTALSIZE must equal 22 + BODYLEN + PROPLEN); an empty body is an error.
Result<std::vector<BatchEntry>> DecodeBatchBody(std::string_view body);

// Appends one entry as a Java client writes it (magic and CRC 0).
void AppendBatchEntry(const BatchEntry& entry, std::string* out);

// The properties a stored batch record gets: the entry's own, plus every
// batch-level pair whose key the entry lacks (e.g. CLUSTER). An entry's own key is
// never overridden (spec §6 recommendation).
std::string MergeBatchProperties(std::string_view entry_properties,
                                 std::string_view batch_properties);

}  // namespace tern::protocol
