#include "broker/meta/cursor_table.h"

#include "src/base/byte_coding.h"
#include "src/base/logging.h"

namespace tern::meta {

Status CursorTable::PutInt64(std::string_view name, int64_t value, Durability d) {
  char buf[8];
  PutBE64(buf, static_cast<uint64_t>(value));
  return db_.Put(Column::kCursors, name, std::string_view(buf, 8), d);
}

Result<std::optional<int64_t>> CursorTable::GetInt64(std::string_view name) const {
  TERN_ASSIGN_OR_RETURN(auto raw, db_.Get(Column::kCursors, name));
  if (!raw) return std::optional<int64_t>();
  if (raw->size() != 8) {
    return Status::Corruption(fmt::format("cursor '{}' is not an int64 ({} bytes)", name,
                                          raw->size()));
  }
  return std::optional<int64_t>(static_cast<int64_t>(GetBE64(raw->data())));
}

Status CursorTable::PutBytes(std::string_view name, std::string_view value, Durability d) {
  return db_.Put(Column::kCursors, name, value, d);
}

Result<std::optional<std::string>> CursorTable::GetBytes(std::string_view name) const {
  return db_.Get(Column::kCursors, name);
}

Status CursorTable::Delete(std::string_view name, Durability d) {
  return db_.Delete(Column::kCursors, name, d);
}

Result<std::vector<std::pair<std::string, std::string>>> CursorTable::List(
    std::string_view prefix) const {
  std::vector<std::pair<std::string, std::string>> out;
  TERN_RETURN_IF_ERROR(
      db_.Scan(Column::kCursors, prefix, "", [&](std::string_view key, std::string_view value) {
        if (key.substr(0, prefix.size()) != prefix) return false;
        out.emplace_back(std::string(key), std::string(value));
        return true;
      }));
  return out;
}

}  // namespace tern::meta
