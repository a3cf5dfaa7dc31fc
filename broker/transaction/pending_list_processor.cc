#include "broker/transaction/pending_list_processor.h"

#include <fmt/format.h>

#include "broker/processor/response_util.h"
#include "src/protocol/codes.h"
#include "src/protocol/json_writer.h"
#include "src/protocol/message_codec.h"

namespace tern::transaction {

namespace RC = protocol::ResponseCode;
using remoting::RemotingCommand;

namespace {
constexpr size_t kPageSize = 1024;
}  // namespace

void PendingListProcessor::Register(remoting::RpcServer& server) {
  server.RegisterSync(protocol::RequestCode::kQueryTransactionPending,
                      [this](const remoting::RequestContext&, const RemotingCommand& request) {
                        return Handle(request);
                      });
}

Result<RemotingCommand> PendingListProcessor::Handle(const RemotingCommand& request) {
  const std::string group = request.StringOr("producerGroup", "");
  const std::string topic = request.StringOr("topic", "");
  auto max = request.Int64Or("maxCount", kPendingListDefaultMax);
  if (!max.ok() || *max < 1 || *max > kPendingListMaxCount) {
    return processor::MakeResponse(request, RC::kInvalidParameter,
                                   fmt::format("maxCount must be 1..{}", kPendingListMaxCount));
  }
  const store::CommitLog& log = service_.store().commit_log();
  protocol::JsonWriter w;
  w.BeginArray();
  int64_t listed = 0;
  int64_t from = 0;
  while (listed < *max) {
    std::vector<PendingTransaction> page = service_.table().ListPending(
        from, kPageSize,
        [&](const PendingTransaction& p) { return group.empty() || p.producer_group == group; });
    if (page.empty()) break;
    from = page.back().half_offset.value() + 1;
    for (const PendingTransaction& p : page) {
      if (listed >= *max) break;
      auto view = log.ReadRecord(p.log_offset);
      if (!view.ok()) continue;  // deleted by retention meanwhile
      auto rec = protocol::DecodeMessageRecord(view->data());
      if (!rec.ok()) continue;
      auto info = ParseHalf(*rec);
      if (!info.ok() || (!topic.empty() && info->real_topic != topic)) continue;
      w.BeginObject()
          .Key("bornTimestamp")
          .Int(rec->born_timestamp)
          .Key("checkTimes")
          .Int(p.checks)
          .Key("commitLogOffset")
          .Int(p.log_offset.value())
          .Key("halfQueueOffset")
          .Int(p.half_offset.value())
          .Key("msgId")
          .String(info->uniq_key)
          .Key("nextCheckTimestamp")
          .Int(p.next_check_ms)
          .Key("producerGroup")
          .String(p.producer_group)
          .Key("queueId")
          .Int(info->real_queue_id)
          .Key("topic")
          .String(info->real_topic)
          .EndObject();
      ++listed;
    }
  }
  w.EndArray();
  RemotingCommand response = processor::MakeResponse(request, RC::kSuccess);
  response.SetField("pendingTotal", static_cast<int64_t>(service_.table().pending()));
  response.body = w.Take();
  return response;
}

}  // namespace tern::transaction
