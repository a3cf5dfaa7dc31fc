#include "broker/processor/offset_processor.h"

#include <unistd.h>

#include "broker/processor/response_util.h"
#include "src/protocol/codes.h"

namespace tern::processor {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

namespace {

int64_t DefaultInMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGE_SIZE);
  const int64_t ram =
      pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : int64_t{8} << 30;
  return ram * 40 / 100;
}

RemotingCommand OffsetResponse(const RemotingCommand& request, int64_t offset) {
  RemotingCommand r = MakeResponse(request, RC::kSuccess);
  r.SetField("offset", offset);
  return r;
}

}  // namespace

OffsetProcessor::OffsetProcessor(store::MessageStore& store, meta::ConsumerOffsetTable& offsets,
                                 OffsetOptions options)
    : store_(store),
      offsets_(offsets),
      in_memory_bytes_(options.in_memory_bytes > 0 ? options.in_memory_bytes
                                                   : DefaultInMemoryBytes()) {}

void OffsetProcessor::Register(remoting::RpcServer& server) {
  namespace Q = protocol::RequestCode;
  auto bind = [this](auto method) {
    return [this, method](const remoting::RequestContext&, const RemotingCommand& request) {
      return (this->*method)(request);
    };
  };
  server.RegisterSync(Q::kQueryConsumerOffset, bind(&OffsetProcessor::QueryConsumerOffset));
  server.RegisterSync(Q::kUpdateConsumerOffset, bind(&OffsetProcessor::UpdateConsumerOffset));
  server.RegisterSync(Q::kGetMaxOffset, bind(&OffsetProcessor::GetMaxOffset));
  server.RegisterSync(Q::kGetMinOffset, bind(&OffsetProcessor::GetMinOffset));
  server.RegisterSync(Q::kGetEarliestMsgStoretime,
                      bind(&OffsetProcessor::GetEarliestMsgStoreTime));
  server.RegisterSync(Q::kSearchOffsetByTimestamp,
                      bind(&OffsetProcessor::SearchOffsetByTimestamp));
}

bool OffsetProcessor::FirstMessageIsHot(std::string_view topic, QueueId queue_id) const {
  const store::ConsumeQueue* cq = store_.consume_queues().Find(topic, queue_id);
  if (!cq) return true;
  std::optional<store::CqUnit> unit = cq->ReadUnit(QueueOffset(0));
  if (!unit || unit->IsPlaceholder()) return true;  // Java: not found -> "not in disk"
  const int64_t behind = store_.commit_log().WrittenEnd().value() - unit->offset.value();
  return behind <= in_memory_bytes_;
}

Result<RemotingCommand> OffsetProcessor::QueryConsumerOffset(const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string group, request.RequiredString("consumerGroup"));
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  TERN_ASSIGN_OR_RETURN(int32_t queue_id, request.RequiredInt32("queueId"));
  std::optional<QueueOffset> offset = offsets_.Query(topic, group, QueueId(queue_id));
  if (offset && offset->value() >= 0) return OffsetResponse(request, offset->value());
  // 5.x: setZeroIfNotFound=false asks for the plain "not found".
  const bool zero_if_not_found = request.BoolOr("setZeroIfNotFound", true);
  if (zero_if_not_found && store_.GetMinOffset(topic, QueueId(queue_id)).value() <= 0 &&
      FirstMessageIsHot(topic, QueueId(queue_id))) {
    return OffsetResponse(request, 0);
  }
  return MakeResponse(request, RC::kQueryNotFound,
                      "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
}

Result<RemotingCommand> OffsetProcessor::UpdateConsumerOffset(const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string group, request.RequiredString("consumerGroup"));
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  TERN_ASSIGN_OR_RETURN(int32_t queue_id, request.RequiredInt32("queueId"));
  TERN_ASSIGN_OR_RETURN(int64_t offset, request.RequiredInt64("commitOffset"));
  offsets_.Commit(topic, group, QueueId(queue_id), QueueOffset(offset));
  return MakeResponse(request, RC::kSuccess);
}

Result<RemotingCommand> OffsetProcessor::GetMaxOffset(const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  TERN_ASSIGN_OR_RETURN(int32_t queue_id, request.RequiredInt32("queueId"));
  return OffsetResponse(request, store_.GetMaxOffset(topic, QueueId(queue_id)).value());
}

Result<RemotingCommand> OffsetProcessor::GetMinOffset(const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  TERN_ASSIGN_OR_RETURN(int32_t queue_id, request.RequiredInt32("queueId"));
  return OffsetResponse(request, store_.GetMinOffset(topic, QueueId(queue_id)).value());
}

Result<RemotingCommand> OffsetProcessor::GetEarliestMsgStoreTime(
    const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  TERN_ASSIGN_OR_RETURN(int32_t queue_id, request.RequiredInt32("queueId"));
  RemotingCommand r = MakeResponse(request, RC::kSuccess);
  r.SetField("timestamp", store_.GetEarliestMessageTime(topic, QueueId(queue_id)));
  return r;
}

Result<RemotingCommand> OffsetProcessor::SearchOffsetByTimestamp(
    const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  TERN_ASSIGN_OR_RETURN(int32_t queue_id, request.RequiredInt32("queueId"));
  TERN_ASSIGN_OR_RETURN(int64_t timestamp, request.RequiredInt64("timestamp"));
  store::BoundaryType boundary = store::BoundaryType::kLower;
  if (auto b = request.Field("boundaryType"); b && (*b == "upper" || *b == "UPPER")) {
    boundary = store::BoundaryType::kUpper;
  }
  return OffsetResponse(
      request, store_.GetOffsetByTime(topic, QueueId(queue_id), timestamp, boundary).value());
}

}  // namespace tern::processor
