#include "src/protocol/message_batch.h"

#include <fmt/format.h>

#include "src/base/byte_coding.h"
#include "src/protocol/message_properties.h"

namespace tern::protocol {

namespace {
constexpr uint32_t kBatchEntryFixed = 4 + 4 + 4 + 4 + 4 + 2;  // 22
}

Result<std::vector<BatchEntry>> DecodeBatchBody(std::string_view body) {
  std::vector<BatchEntry> out;
  if (body.empty()) return Status::InvalidArgument("batch body is empty");
  ByteReader r(body);
  while (r.remaining() > 0) {
    size_t start = r.position();
    uint32_t total = 0, magic = 0, crc = 0, flag = 0, body_len = 0;
    uint16_t prop_len = 0;
    BatchEntry e;
    if (!r.ReadBE32(&total) || !r.ReadBE32(&magic) || !r.ReadBE32(&crc) || !r.ReadBE32(&flag) ||
        !r.ReadBE32(&body_len) || !r.ReadBytes(body_len, &e.body) || !r.ReadBE16(&prop_len) ||
        !r.ReadBytes(prop_len, &e.properties)) {
      return Status::InvalidArgument(fmt::format("batch entry {} at byte {} is truncated",
                                                 out.size(), start));
    }
    if (total != kBatchEntryFixed + body_len + prop_len) {
      return Status::InvalidArgument(fmt::format(
          "batch entry {}: total size {} != {}", out.size(), total,
          kBatchEntryFixed + body_len + prop_len));
    }
    e.flag = static_cast<int32_t>(flag);
    out.push_back(e);
  }
  return out;
}

void AppendBatchEntry(const BatchEntry& entry, std::string* out) {
  AppendBE32(out, static_cast<uint32_t>(kBatchEntryFixed + entry.body.size() +
                                        entry.properties.size()));
  AppendBE32(out, 0);
  AppendBE32(out, 0);
  AppendBE32(out, static_cast<uint32_t>(entry.flag));
  AppendBE32(out, static_cast<uint32_t>(entry.body.size()));
  out->append(entry.body);
  AppendBE16(out, static_cast<uint16_t>(entry.properties.size()));
  out->append(entry.properties);
}

std::string MergeBatchProperties(std::string_view entry_properties,
                                 std::string_view batch_properties) {
  std::string out(entry_properties);
  bool need_sep = !out.empty() && out.back() != kPropertySeparator;
  ForEachProperty(batch_properties, [&](std::string_view name, std::string_view value) {
    if (FindProperty(entry_properties, name).has_value()) return;
    if (need_sep) {
      out.push_back(kPropertySeparator);
      need_sep = false;
    }
    AppendProperty(&out, name, value);
  });
  return out;
}

}  // namespace tern::protocol
