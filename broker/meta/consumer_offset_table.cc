#include "broker/meta/consumer_offset_table.h"

#include "broker/meta/meta_format.h"
#include "src/base/byte_coding.h"
#include "src/base/logging.h"

namespace tern::meta {

std::string ConsumerOffsetKey(std::string_view topic, std::string_view group, QueueId queue_id) {
  std::string key;
  key.reserve(topic.size() + group.size() + 6);
  key.append(topic);
  key.push_back(kOffsetKeySeparator);
  key.append(group);
  key.push_back(kOffsetKeySeparator);
  AppendBE32(&key, static_cast<uint32_t>(queue_id.value()));
  return key;
}

Status ConsumerOffsetTable::Load() {
  std::map<Key, Entry, KeyLess> loaded;
  Status bad;
  TERN_RETURN_IF_ERROR(db_.Scan(
      Column::kConsumerOffsets, "", "", [&](std::string_view key, std::string_view value) {
        size_t a = key.find(kOffsetKeySeparator);
        size_t b = a == std::string_view::npos ? a : key.find(kOffsetKeySeparator, a + 1);
        if (b == std::string_view::npos || key.size() != b + 5 || value.size() != 8) {
          bad = Status::Corruption("consumer offset row has a malformed key or value");
          return false;
        }
        Key k(std::string(key.substr(0, a)), std::string(key.substr(a + 1, b - a - 1)));
        auto qid = static_cast<int32_t>(GetBE32(key.data() + b + 1));
        loaded[k].offsets[qid] = static_cast<int64_t>(GetBE64(value.data()));
        return true;
      }));
  TERN_RETURN_IF_ERROR(bad);
  std::lock_guard lock(mu_);
  table_ = std::move(loaded);
  dirty_ = 0;
  return Status::Ok();
}

void ConsumerOffsetTable::Commit(std::string_view topic, std::string_view group,
                                 QueueId queue_id, QueueOffset offset) {
  std::lock_guard lock(mu_);
  auto it = table_.find(KeyView(topic, group));
  if (it == table_.end()) {
    it = table_.emplace(Key(std::string(topic), std::string(group)), Entry{}).first;
  }
  it->second.offsets[queue_id.value()] = offset.value();
  if (it->second.dirty.insert(queue_id.value()).second) ++dirty_;
}

std::optional<QueueOffset> ConsumerOffsetTable::Query(std::string_view topic,
                                                      std::string_view group,
                                                      QueueId queue_id) const {
  std::lock_guard lock(mu_);
  auto it = table_.find(KeyView(topic, group));
  if (it == table_.end()) return std::nullopt;
  auto q = it->second.offsets.find(queue_id.value());
  if (q == it->second.offsets.end()) return std::nullopt;
  return QueueOffset(q->second);
}

ConsumerOffsetTable::QueueOffsets ConsumerOffsetTable::QueryAll(std::string_view topic,
                                                               std::string_view group) const {
  std::lock_guard lock(mu_);
  auto it = table_.find(KeyView(topic, group));
  return it == table_.end() ? QueueOffsets{} : it->second.offsets;
}

std::vector<std::string> ConsumerOffsetTable::GroupsOf(std::string_view topic) const {
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  for (auto it = table_.lower_bound(KeyView(topic, std::string_view()));
       it != table_.end() && it->first.first == topic; ++it) {
    out.push_back(it->first.second);
  }
  return out;
}

std::vector<std::string> ConsumerOffsetTable::TopicsOf(std::string_view group) const {
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  for (const auto& [key, entry] : table_) {
    if (key.second == group) out.push_back(key.first);
  }
  return out;
}

std::map<std::string, ConsumerOffsetTable::QueueOffsets> ConsumerOffsetTable::Snapshot() const {
  std::map<std::string, QueueOffsets> out;
  std::lock_guard lock(mu_);
  for (const auto& [key, entry] : table_) out[key.first + "@" + key.second] = entry.offsets;
  return out;
}

Status ConsumerOffsetTable::RemoveGroup(std::string_view topic, std::string_view group) {
  return RemoveWhere(topic, group);
}

Status ConsumerOffsetTable::RemoveTopic(std::string_view topic) {
  return RemoveWhere(topic, std::nullopt);
}

Status ConsumerOffsetTable::RemoveWhere(std::string_view topic,
                                        std::optional<std::string_view> group) {
  // flush_mu_ keeps a concurrent Flush from re-writing rows deleted here.
  std::lock_guard flush_lock(flush_mu_);
  std::string begin(topic);
  begin.push_back(kOffsetKeySeparator);
  if (group) {
    begin.append(*group);
    begin.push_back(kOffsetKeySeparator);
  }
  std::string end = begin;
  end.back() = static_cast<char>(kOffsetKeySeparator + 1);
  WriteBatch batch;
  batch.DeleteRange(Column::kConsumerOffsets, begin, end);
  TERN_RETURN_IF_ERROR(db_.Write(batch, Durability::kSync));
  std::lock_guard lock(mu_);
  for (auto it = table_.lower_bound(KeyView(topic, std::string_view()));
       it != table_.end() && it->first.first == topic;) {
    if (!group || it->first.second == *group) {
      dirty_ -= it->second.dirty.size();
      it = table_.erase(it);
    } else {
      ++it;
    }
  }
  return Status::Ok();
}

Status ConsumerOffsetTable::Flush() {
  std::lock_guard flush_lock(flush_mu_);
  WriteBatch batch;
  // Entries taken out of the dirty sets; put back if the write fails.
  std::vector<std::pair<Key, int32_t>> taken;
  {
    std::lock_guard lock(mu_);
    if (dirty_ == 0) return Status::Ok();
    for (auto& [key, entry] : table_) {
      for (int32_t qid : entry.dirty) {
        char value[8];
        PutBE64(value, static_cast<uint64_t>(entry.offsets[qid]));
        batch.Put(Column::kConsumerOffsets, ConsumerOffsetKey(key.first, key.second, QueueId(qid)),
                  std::string_view(value, 8));
        taken.emplace_back(key, qid);
      }
      entry.dirty.clear();
    }
    dirty_ = 0;
  }
  Status st = db_.Write(batch, Durability::kAsync);
  if (st.ok()) st = db_.SyncWal();
  if (!st.ok()) {
    std::lock_guard lock(mu_);
    for (auto& [key, qid] : taken) {
      auto it = table_.find(key);
      if (it != table_.end() && it->second.dirty.insert(qid).second) ++dirty_;
    }
    return st.WithContext("flush consumer offsets");
  }
  return Status::Ok();
}

size_t ConsumerOffsetTable::dirty_count() const {
  std::lock_guard lock(mu_);
  return dirty_;
}

}  // namespace tern::meta
