#include "broker/store/put_result.h"

#include "src/protocol/message_id.h"

namespace tern::store {

std::string_view PutStatusName(PutStatus s) {
  switch (s) {
    case PutStatus::kPutOk: return "PUT_OK";
    case PutStatus::kFlushDiskTimeout: return "FLUSH_DISK_TIMEOUT";
    case PutStatus::kMessageIllegal: return "MESSAGE_ILLEGAL";
    case PutStatus::kPropertiesSizeExceeded: return "PROPERTIES_SIZE_EXCEEDED";
    case PutStatus::kServiceNotAvailable: return "SERVICE_NOT_AVAILABLE";
    case PutStatus::kCreateMappedFileFailed: return "CREATE_MAPPED_FILE_FAILED";
    case PutStatus::kUnknownError: return "UNKNOWN_ERROR";
  }
  return "UNKNOWN_ERROR";
}

std::string PutResult::MsgId() const {
  return protocol::EncodeOffsetMessageId(store_host, offset);
}

std::string PutResult::MsgIdList() const {
  if (batch_offsets.empty()) return MsgId();
  std::string out;
  for (size_t i = 0; i < batch_offsets.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += protocol::EncodeOffsetMessageId(store_host, batch_offsets[i]);
  }
  return out;
}

}  // namespace tern::store
