// What an append to the CommitLog answers (storage.md §3.1). Expected outcomes
// are enum values; `error` carries the detail of a failure.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/base/strong_id.h"
#include "src/protocol/message_codec.h"

namespace tern::store {

enum class PutStatus : uint8_t {
  kPutOk,                   // stored (and flushed, if the flush mode waits)
  kFlushDiskTimeout,        // stored, but the sync flush did not finish in time
  kMessageIllegal,          // bad record (size, topic) - nothing stored
  kPropertiesSizeExceeded,  // properties > 32767 bytes - nothing stored
  kServiceNotAvailable,     // store closed, disk full, or a sticky I/O error - nothing stored
  kCreateMappedFileFailed,  // could not create the next segment - nothing stored
  kUnknownError,            // the sync flush failed after the record was copied
};

std::string_view PutStatusName(PutStatus s);

struct PutResult {
  PutStatus status = PutStatus::kUnknownError;
  Status error;                      // why, for anything but kPutOk / kFlushDiskTimeout
  PhysicalOffset offset{0};          // first record
  int32_t bytes = 0;                 // total bytes of all records appended
  QueueOffset queue_offset{0};       // first record's (0 for prepared/rollback)
  int32_t count = 0;                 // records appended (1, or the batch size)
  int64_t store_timestamp = 0;
  protocol::HostAddress store_host;  // for the offset msgIds
  std::vector<PhysicalOffset> batch_offsets;  // every record's offset, batches only

  // PUT_OK or FLUSH_DISK_TIMEOUT: the data is in the log.
  bool stored() const {
    return status == PutStatus::kPutOk || status == PutStatus::kFlushDiskTimeout;
  }
  // Offset msgId of the first record (message-format.md §7).
  std::string MsgId() const;
  // Every record's offset msgId joined with ',' (SEND_BATCH_MESSAGE response).
  std::string MsgIdList() const;
};

// Receives the outcome of a CommitLog::Submit* call, on the commit-log writer
// thread or the flush thread. Must be cheap and must not call back into the
// CommitLog's append functions (e.g. EventLoop::Post a task carrying the result).
using AppendCallback = std::function<void(PutResult)>;

}  // namespace tern::store
