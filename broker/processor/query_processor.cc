#include "broker/processor/query_processor.h"

#include <fmt/format.h>

#include "broker/processor/response_util.h"
#include "src/protocol/codes.h"

namespace tern::processor {

using remoting::RemotingCommand;
namespace RC = protocol::ResponseCode;

void QueryProcessor::Register(remoting::RpcServer& server) {
  server.RegisterSync(protocol::RequestCode::kQueryMessage,
                      [this](const remoting::RequestContext&, const RemotingCommand& request) {
                        return QueryMessage(request);
                      });
  server.RegisterSync(protocol::RequestCode::kViewMessageById,
                      [this](const remoting::RequestContext&, const RemotingCommand& request) {
                        return ViewMessageById(request);
                      });
}

Result<RemotingCommand> QueryProcessor::QueryMessage(const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(std::string topic, request.RequiredString("topic"));
  TERN_ASSIGN_OR_RETURN(std::string key, request.RequiredString("key"));
  TERN_ASSIGN_OR_RETURN(int32_t max_num, request.RequiredInt32("maxNum"));
  TERN_ASSIGN_OR_RETURN(int64_t begin, request.RequiredInt64("beginTimestamp"));
  TERN_ASSIGN_OR_RETURN(int64_t end, request.RequiredInt64("endTimestamp"));
  const bool unique = request.BoolOr("_UNIQUE_KEY_QUERY", false);
  store::QueryMessageResult result =
      unique ? store_.QueryMessageByUniqueKey(topic, key, begin, end)
             : store_.QueryMessage(topic, key, max_num, begin, end);
  RemotingCommand response =
      result.messages.empty()
          ? MakeResponse(request, RC::kQueryNotFound,
                         "can not find message, maybe time range not correct")
          : MakeResponse(request, RC::kSuccess);
  response.SetField("indexLastUpdateTimestamp", result.index_last_update_timestamp);
  response.SetField("indexLastUpdatePhyoffset", result.index_last_update_phy_offset.value());
  if (!result.messages.empty()) response.body = ConcatRecords(result.messages);
  return response;
}

Result<RemotingCommand> QueryProcessor::ViewMessageById(const RemotingCommand& request) {
  TERN_ASSIGN_OR_RETURN(int64_t offset, request.RequiredInt64("offset"));
  auto view = store_.LookMessageByOffset(PhysicalOffset(offset));
  if (!view.ok()) {
    return MakeResponse(request, RC::kSystemError,
                        fmt::format("can not find message by the offset, {}", offset));
  }
  RemotingCommand response = MakeResponse(request, RC::kSuccess);
  response.body = std::string(view->data());
  return response;
}

}  // namespace tern::processor
