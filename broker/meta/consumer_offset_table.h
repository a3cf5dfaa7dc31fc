// ConsumerOffsetTable: committed consume offsets, (topic, group, queueId) ->
// queue offset — the data of Java's consumerOffset.json (storage.md §1).
//
// Durability choice (documented in README.md): Commit() changes memory only and
// marks the entry dirty; Flush() writes every dirty entry in one RocksDB batch
// and fsyncs the WAL. The broker calls Flush() periodically (Java:
// flushConsumerOffsetInterval, 5 s) and at shutdown. A crash loses at most one
// interval of commits and consumers re-consume those messages — the
// at-least-once contract RocketMQ offers. Commit is called for every pull with
// the commit flag, so it must not touch the disk.
// Removals (group/topic deleted by an admin) are written immediately, durably.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/meta/meta_db.h"
#include "src/base/status.h"
#include "src/base/strong_id.h"

namespace tern::meta {

// Any thread; internally synchronized. mu_ guards the maps only; RocksDB is
// called outside it (flush_mu_ orders concurrent flushes). `db` must outlive it.
class ConsumerOffsetTable {
 public:
  using QueueOffsets = std::map<int32_t, int64_t>;  // queueId -> offset

  explicit ConsumerOffsetTable(MetaDb& db) : db_(db) {}
  ConsumerOffsetTable(const ConsumerOffsetTable&) = delete;
  ConsumerOffsetTable& operator=(const ConsumerOffsetTable&) = delete;

  // Reads the column. Call once, before any other use.
  Status Load();

  // Records `offset` as the group's position in the queue (memory; see Flush).
  void Commit(std::string_view topic, std::string_view group, QueueId queue_id,
              QueueOffset offset);
  // nullopt when the group never committed for this queue (the wire answers -1).
  std::optional<QueueOffset> Query(std::string_view topic, std::string_view group,
                                   QueueId queue_id) const;
  // Every queue of (topic, group); empty when none.
  QueueOffsets QueryAll(std::string_view topic, std::string_view group) const;
  // Groups with offsets for `topic` (QUERY_TOPIC_CONSUME_BY_WHO), sorted.
  std::vector<std::string> GroupsOf(std::string_view topic) const;
  // Topics on which `group` has offsets, sorted.
  std::vector<std::string> TopicsOf(std::string_view group) const;
  // The whole table keyed "topic@group" (GET_ALL_CONSUMER_OFFSET body).
  std::map<std::string, QueueOffsets> Snapshot() const;

  // Forget offsets, durably (admin delete of a group or a topic).
  Status RemoveGroup(std::string_view topic, std::string_view group);
  Status RemoveTopic(std::string_view topic);

  // Writes every dirty entry (one batch) and fsyncs the WAL. Entries committed
  // during the write stay dirty for the next flush.
  Status Flush();
  size_t dirty_count() const;

 private:
  using Key = std::pair<std::string, std::string>;  // (topic, group)
  using KeyView = std::pair<std::string_view, std::string_view>;
  // Orders keys by (topic, group); lets lookups use views without copying.
  struct KeyLess {
    using is_transparent = void;
    static KeyView V(const Key& k) { return {k.first, k.second}; }
    static KeyView V(const KeyView& k) { return k; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const { return V(a) < V(b); }
  };
  struct Entry {
    QueueOffsets offsets;
    std::set<int32_t> dirty;
  };
  Status RemoveWhere(std::string_view topic, std::optional<std::string_view> group);

  MetaDb& db_;
  std::mutex flush_mu_;
  mutable std::mutex mu_;
  std::map<Key, Entry, KeyLess> table_;       // GUARDED_BY(mu_)
  size_t dirty_ = 0;                         // GUARDED_BY(mu_)
};

// Storage key of one queue's offset (meta_format.h).
std::string ConsumerOffsetKey(std::string_view topic, std::string_view group, QueueId queue_id);

}  // namespace tern::meta
