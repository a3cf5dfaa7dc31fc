#include "broker/meta/key_index.h"

#include <algorithm>
#include <limits>

#include "broker/meta/meta_format.h"
#include "src/base/byte_coding.h"
#include "src/base/logging.h"

namespace tern::meta {
namespace {

constexpr size_t kMaxLookupLen = 0xFFFF;
constexpr size_t kDeleteBatchRows = 4096;

// 'k' BE16(len) topic#key
std::string KeyPrefix(std::string_view topic, std::string_view key) {
  std::string out;
  out.reserve(3 + topic.size() + 1 + key.size() + 16);
  out.push_back(kKeyIndexByKey);
  AppendBE16(&out, static_cast<uint16_t>(topic.size() + 1 + key.size()));
  out.append(topic);
  out.push_back('#');
  out.append(key);
  return out;
}

uint64_t FlipTime(int64_t t) { return static_cast<uint64_t>(t) ^ kTimeSignFlip; }

constexpr size_t kOffsetKeySize = 9;  // 'p' BE64(offset)

std::string OffsetKey(PhysicalOffset offset) {
  std::string out(1, kKeyIndexByOffset);
  AppendBE64(&out, static_cast<uint64_t>(offset.value()));
  return out;
}

std::string MetaKey(std::string_view name) {
  std::string out(1, kKeyIndexMeta);
  out.append(name);
  return out;
}

// Decodes store time and offset from the tail of a 'k' row key.
KeyIndexHit DecodeByKey(std::string_view row) {
  const char* tail = row.data() + row.size() - 16;
  return {PhysicalOffset(static_cast<int64_t>(GetBE64(tail + 8))),
          static_cast<int64_t>(GetBE64(tail) ^ kTimeSignFlip)};
}

// A batch's by-offset value: BE32(size) <'k' row> for each of its entries.
std::string EncodeBatchRows(const std::vector<std::string>& rows) {
  size_t bytes = 0;
  for (const auto& r : rows) bytes += 4 + r.size();
  std::string out;
  out.reserve(bytes);
  for (const auto& r : rows) {
    AppendBE32(&out, static_cast<uint32_t>(r.size()));
    out.append(r);
  }
  return out;
}

// The 'k' rows a by-offset row stands for: the one after the offset in a
// per-entry row (written before batches had one row), else those listed in
// its value. A value that does not parse is reported, not guessed at.
Result<std::vector<std::string_view>> RowsOfOffsetRow(std::string_view key,
                                                      std::string_view value) {
  std::vector<std::string_view> rows;
  if (key.size() > kOffsetKeySize) {
    rows.push_back(key.substr(kOffsetKeySize));
    return rows;
  }
  while (!value.empty()) {
    if (value.size() < 4) return Status::Corruption("key index: truncated batch row");
    const uint32_t n = GetBE32(value.data());
    if (n < 16 || value.size() - 4 < n) return Status::Corruption("key index: bad batch row size");
    rows.push_back(value.substr(4, n));
    value.remove_prefix(4 + n);
  }
  return rows;
}

}  // namespace

Status KeyIndex::Add(const std::vector<KeyIndexEntry>& entries, PhysicalOffset indexed_end) {
  // Entries below IndexedEnd are in the index already (a restart may dispatch
  // again from below it, when the consume queues are behind). Skipping them
  // keeps batches from overlapping, which the deletion by offset relies on.
  TERN_ASSIGN_OR_RETURN(const PhysicalOffset done, IndexedEnd());
  WriteBatch batch;
  std::vector<std::string> rows;
  const KeyIndexEntry* first = nullptr;
  const KeyIndexEntry* last = nullptr;
  for (const auto& e : entries) {
    if (e.offset < done) continue;
    if (e.topic.size() + 1 + e.key.size() > kMaxLookupLen || e.key.empty()) continue;
    std::string row = KeyPrefix(e.topic, e.key);
    AppendBE64(&row, FlipTime(e.store_time_ms));
    AppendBE64(&row, static_cast<uint64_t>(e.offset.value()));
    batch.Put(Column::kKeyIndex, row, {});
    rows.push_back(std::move(row));
    if (first == nullptr || e.offset < first->offset) first = &e;
    if (last == nullptr || e.offset >= last->offset) last = &e;
  }
  // One by-offset row for the whole batch (not one per entry: half the
  // RocksDB rows per message, docs/benchmarks.md session 10).
  if (first != nullptr)
    batch.Put(Column::kKeyIndex, OffsetKey(first->offset), EncodeBatchRows(rows));
  if (last != nullptr) {
    std::string pos;
    AppendBE64(&pos, static_cast<uint64_t>(last->store_time_ms));
    AppendBE64(&pos, static_cast<uint64_t>(last->offset.value()));
    batch.Put(Column::kKeyIndex, MetaKey("last"), pos);
  }
  std::string end;
  AppendBE64(&end, static_cast<uint64_t>(std::max(done, indexed_end).value()));
  batch.Put(Column::kKeyIndex, MetaKey("end"), end);
  return db_.Write(batch, Durability::kAsync);
}

Result<PhysicalOffset> KeyIndex::IndexedEnd() const {
  TERN_ASSIGN_OR_RETURN(auto raw, db_.Get(Column::kKeyIndex, MetaKey("end")));
  if (!raw) return PhysicalOffset(0);
  if (raw->size() != 8) return Status::Corruption("key index end is not 8 bytes");
  return PhysicalOffset(static_cast<int64_t>(GetBE64(raw->data())));
}

Result<KeyIndexPosition> KeyIndex::LastUpdate() const {
  TERN_ASSIGN_OR_RETURN(auto raw, db_.Get(Column::kKeyIndex, MetaKey("last")));
  if (!raw) return KeyIndexPosition{};
  if (raw->size() != 16) return Status::Corruption("key index last position is not 16 bytes");
  return KeyIndexPosition{static_cast<int64_t>(GetBE64(raw->data())),
                          PhysicalOffset(static_cast<int64_t>(GetBE64(raw->data() + 8)))};
}

Result<std::vector<KeyIndexHit>> KeyIndex::Query(std::string_view topic, std::string_view key,
                                                 int64_t begin_ms, int64_t end_ms,
                                                 int max_num) const {
  std::vector<KeyIndexHit> hits;
  if (max_num <= 0 || begin_ms > end_ms || topic.size() + 1 + key.size() > kMaxLookupLen) {
    return hits;
  }
  const std::string prefix = KeyPrefix(topic, key);
  std::string lower = prefix;
  AppendBE64(&lower, FlipTime(begin_ms));
  // Exclusive upper bound just past every row with store time end_ms.
  std::string upper = prefix;
  AppendBE64(&upper, FlipTime(end_ms));
  upper.append(9, '\xff');
  TERN_RETURN_IF_ERROR(db_.ScanReverse(Column::kKeyIndex, lower, upper,
                                       [&](std::string_view row, std::string_view) {
                                         if (row.size() != prefix.size() + 16) return true;
                                         hits.push_back(DecodeByKey(row));
                                         return static_cast<int>(hits.size()) < max_num;
                                       }));
  return hits;
}

Status KeyIndex::DeleteOffsetRange(PhysicalOffset begin, PhysicalOffset end) {
  const std::string range_end = OffsetKey(end);
  // A batch that starts below `begin` may reach into the range: batches do not
  // overlap, so only the last one that starts below it can.
  std::string cursor = OffsetKey(begin);
  TERN_RETURN_IF_ERROR(db_.ScanReverse(Column::kKeyIndex, OffsetKey(PhysicalOffset(0)), cursor,
                                       [&](std::string_view key, std::string_view) {
                                         if (key.size() == kOffsetKeySize) cursor = key;
                                         return false;
                                       }));
  for (;;) {
    WriteBatch batch;
    std::string last_key;
    Status bad;
    TERN_RETURN_IF_ERROR(db_.Scan(
        Column::kKeyIndex, cursor, range_end, [&](std::string_view key, std::string_view value) {
          last_key = key;
          auto rows = RowsOfOffsetRow(key, value);
          if (!rows.ok()) {
            bad = rows.status();
            return false;
          }
          std::vector<std::string> kept;
          PhysicalOffset first_kept;
          for (std::string_view row : *rows) {
            const PhysicalOffset at = DecodeByKey(row).offset;
            if (at >= begin && at < end) {
              batch.Delete(Column::kKeyIndex, row);
            } else {
              if (kept.empty() || at < first_kept) first_kept = at;
              kept.emplace_back(row);
            }
          }
          if (kept.size() == rows->size()) return true;
          batch.Delete(Column::kKeyIndex, key);
          if (!kept.empty()) {
            // What is left of a batch, under its first offset now: below
            // the range after a truncation, past it after retention (if the
            // scan meets it again, nothing in it is in the range).
            batch.Put(Column::kKeyIndex, OffsetKey(first_kept), EncodeBatchRows(kept));
          }
          return batch.size() < 2 * kDeleteBatchRows;
        }));
    TERN_RETURN_IF_ERROR(bad);
    if (!batch.empty()) TERN_RETURN_IF_ERROR(db_.Write(batch, Durability::kAsync));
    if (last_key.empty()) return Status::Ok();
    cursor = last_key;
    cursor.push_back('\0');  // the next key after last_key
  }
}

// Sets 'last' to the newest entry below `end` (or removes it).
Status KeyIndex::RecomputeLast(PhysicalOffset end, WriteBatch* batch) const {
  std::string newest;
  Status bad;
  TERN_RETURN_IF_ERROR(
      db_.ScanReverse(Column::kKeyIndex, OffsetKey(PhysicalOffset(0)), OffsetKey(end),
                      [&](std::string_view key, std::string_view value) {
                        auto rows = RowsOfOffsetRow(key, value);
                        if (!rows.ok()) {
                          bad = rows.status();
                          return false;
                        }
                        for (std::string_view row : *rows) {
                          const PhysicalOffset at = DecodeByKey(row).offset;
                          if (at < end && (newest.empty() || at >= DecodeByKey(newest).offset))
                            newest = row;
                        }
                        return newest
                            .empty();  // nothing below `end` in this row: look further down
                      }));
  TERN_RETURN_IF_ERROR(bad);
  if (newest.size() < 16) {
    batch->Delete(Column::kKeyIndex, MetaKey("last"));
    return Status::Ok();
  }
  KeyIndexHit hit = DecodeByKey(newest);
  std::string pos;
  AppendBE64(&pos, static_cast<uint64_t>(hit.store_time_ms));
  AppendBE64(&pos, static_cast<uint64_t>(hit.offset.value()));
  batch->Put(Column::kKeyIndex, MetaKey("last"), pos);
  return Status::Ok();
}

Status KeyIndex::TruncateFrom(PhysicalOffset end) {
  TERN_RETURN_IF_ERROR(
      DeleteOffsetRange(end, PhysicalOffset(std::numeric_limits<int64_t>::max())));
  TERN_ASSIGN_OR_RETURN(PhysicalOffset indexed, IndexedEnd());
  WriteBatch batch;
  TERN_RETURN_IF_ERROR(RecomputeLast(end, &batch));
  if (indexed > end) {
    std::string value;
    AppendBE64(&value, static_cast<uint64_t>(end.value()));
    batch.Put(Column::kKeyIndex, MetaKey("end"), value);
  }
  return db_.Write(batch, Durability::kSync);
}

Status KeyIndex::DeleteBelow(PhysicalOffset min_offset) {
  return DeleteOffsetRange(PhysicalOffset(0), min_offset);
}

Status KeyIndex::Clear() {
  WriteBatch batch;
  batch.DeleteRange(Column::kKeyIndex, std::string_view("\0", 1), "\xff");
  return db_.Write(batch, Durability::kSync);
}

}  // namespace tern::meta

