// QUERY_MESSAGE (12) and VIEW_MESSAGE_BY_ID (33) (shared/spec/requests.md
// §B.3-B.4; quirks Q11, Q15).
//   * QUERY_MESSAGE: records whose KEYS word (or, with extField
//     `_UNIQUE_KEY_QUERY=true`, UNIQ_KEY) is `key`, store time in
//     [beginTimestamp, endTimestamp], newest first; header
//     indexLastUpdateTimestamp / indexLastUpdatePhyoffset always.
//   * VIEW_MESSAGE_BY_ID: the record at the commit-log offset a client decoded
//     from an offset msgId.
// Bodies are the stored records back to back (one copy out of the log).
//
// Threads: loop thread (sync handlers; index lookups read RocksDB).
#pragma once

#include "broker/store/message_store.h"
#include "src/remoting/rpc_server.h"

namespace tern::processor {

class QueryProcessor {
 public:
  // `store` must outlive the processor.
  explicit QueryProcessor(store::MessageStore& store) : store_(store) {}

  // Registers codes 12 and 33 (sync handlers).
  void Register(remoting::RpcServer& server);

  Result<remoting::RemotingCommand> QueryMessage(const remoting::RemotingCommand& request);
  Result<remoting::RemotingCommand> ViewMessageById(const remoting::RemotingCommand& request);

 private:
  store::MessageStore& store_;
};

}  // namespace tern::processor
