// Consumer offsets and queue offsets (shared/spec/requests.md §B.8-B.10;
// quirks Q11, Q16):
//   QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15, often oneway),
//   GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32),
//   SEARCH_OFFSET_BY_TIMESTAMP (29).
// Commits change memory only (meta::ConsumerOffsetTable); OffsetFlushService
// makes them durable every 5 s and at shutdown.
//
// Threads: loop thread (sync handlers; reads of the store and the offset
// table, no disk writes).
#pragma once

#include <cstdint>

#include "broker/meta/consumer_offset_table.h"
#include "broker/store/message_store.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

struct OffsetOptions {
  // Q16 "hot" rule: the first message counts as in memory when the commit
  // log's end is within this many bytes of it; 0 = 40 % of physical RAM
  // (accessMessageInMemoryMaxRatio).
  int64_t in_memory_bytes = 0;
};

class OffsetProcessor {
 public:
  // `store` and `offsets` must outlive the processor.
  OffsetProcessor(store::MessageStore& store, meta::ConsumerOffsetTable& offsets,
                  OffsetOptions options = {});

  // Registers codes 14, 15, 29, 30, 31, 32 (sync handlers).
  void Register(remoting::RpcServer& server);

  Result<remoting::RemotingCommand> QueryConsumerOffset(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> UpdateConsumerOffset(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetMaxOffset(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetMinOffset(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> GetEarliestMsgStoreTime(
      const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> SearchOffsetByTimestamp(
      const remoting::RemotingCommand& request);

 private:
  // True when the queue's message at offset 0 is absent or still in memory.
  bool FirstMessageIsHot(std::string_view topic, QueueId queue_id) const;

  store::MessageStore& store_;
  meta::ConsumerOffsetTable& offsets_;
  int64_t in_memory_bytes_;
};

}  // namespace tern::processor
