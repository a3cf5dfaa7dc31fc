// OffsetStore: a consumer's offsets (the next offset to consume per queue),
// in memory, and where they are kept between runs (Java OffsetStore):
//   * RemoteOffsetStore (clustering): the group's offsets on the queue's
//     master broker (QUERY_CONSUMER_OFFSET / UPDATE_CONSUMER_OFFSET).
//   * LocalFileOffsetStore (broadcasting): a JSON file per client and group,
//     never sent to a broker (features.md §2.6). Format (README.md):
//       {"offsetTable":[{"brokerName":"b","offset":12,"queueId":0,"topic":"T"}],"version":1}
//     written to <file>.tmp and renamed over <file>.
//
// Threading: any thread; internally synchronized. Read/Persist calls block on
// the network or the disk and must not run on the loop thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "src/remoting/rpc_client.h"
#include "ternmq/message_queue.h"
#include "ternmq/status.h"

namespace tern::client {

class OffsetStore {
 public:
  virtual ~OffsetStore() = default;

  // Loads what the backing store holds up front (the local file); no-op remotely.
  virtual ternmq::Status Load() = 0;

  // Sets the in-memory offset; with `increase_only` a smaller value is ignored.
  void Update(const ternmq::MessageQueue& queue, int64_t offset, bool increase_only);
  // The in-memory offset, or -1.
  int64_t ReadMemory(const ternmq::MessageQueue& queue) const;
  // The stored offset (broker or file), also kept in memory; kNotFound when
  // there is none.
  virtual ternmq::Result<int64_t> ReadStored(const ternmq::MessageQueue& queue) = 0;
  // Writes the in-memory offsets of `queues` to the store. Offsets of other
  // queues are forgotten (they were rebalanced away). Returns the first failure.
  virtual ternmq::Status PersistAll(const std::set<ternmq::MessageQueue>& queues) = 0;
  // Writes one queue's in-memory offset (a queue leaving this consumer).
  virtual ternmq::Status Persist(const ternmq::MessageQueue& queue) = 0;
  // Forgets a queue's in-memory offset.
  void Remove(const ternmq::MessageQueue& queue);

  // A copy of the in-memory table.
  std::map<ternmq::MessageQueue, int64_t> Snapshot() const;

 protected:
  mutable std::mutex mu_;
  std::map<ternmq::MessageQueue, int64_t> table_;  // GUARDED_BY(mu_)
};

// The master address of a broker name, or nullopt when unknown.
using MasterLookup = std::function<std::optional<std::string>(const std::string& broker_name)>;

class RemoteOffsetStore final : public OffsetStore {
 public:
  // `rpc` must outlive the store.
  RemoteOffsetStore(remoting::RpcClient& rpc, MasterLookup master, std::string group,
                    int64_t timeout_ms);
  ternmq::Status Load() override { return ternmq::Status::Ok(); }
  ternmq::Result<int64_t> ReadStored(const ternmq::MessageQueue& queue) override;
  ternmq::Status PersistAll(const std::set<ternmq::MessageQueue>& queues) override;
  ternmq::Status Persist(const ternmq::MessageQueue& queue) override;

 private:
  ternmq::Status Send(const ternmq::MessageQueue& queue, int64_t offset);

  remoting::RpcClient& rpc_;
  const MasterLookup master_;
  const std::string group_;
  const int64_t timeout_ms_;
};

class LocalFileOffsetStore final : public OffsetStore {
 public:
  // <dir>/<client_id>/<group>/offsets.json; an empty dir means $HOME/.rocketmq_offsets.
  static std::string DefaultPath(const std::string& dir, const std::string& client_id,
                                 const std::string& group);
  explicit LocalFileOffsetStore(std::string path) : path_(std::move(path)) {}

  // A missing file is an empty table; a corrupt one is kInternal.
  ternmq::Status Load() override;
  ternmq::Result<int64_t> ReadStored(const ternmq::MessageQueue& queue) override;
  ternmq::Status PersistAll(const std::set<ternmq::MessageQueue>& queues) override;
  ternmq::Status Persist(const ternmq::MessageQueue& queue) override;
  const std::string& path() const { return path_; }

 private:
  ternmq::Status WriteFile();

  const std::string path_;
  std::mutex file_mu_;  // one writer at a time
  std::map<ternmq::MessageQueue, int64_t> stored_;  // GUARDED_BY(mu_): as last loaded/written
};

}  // namespace tern::client
