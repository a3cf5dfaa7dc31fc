// Messages as the admin commands show them: stored records decoded from a
// broker's body (VIEW_MESSAGE_BY_ID, QUERY_MESSAGE and PULL_MESSAGE all answer
// with stored records concatenated, message-format.md §1), printed as
// RocketMQ's queryMsgById field lines or as printMsg's one-line form.
//
// Threading: main thread only (prints through the CommandContext).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "src/protocol/message_codec.h"
#include "src/protocol/message_properties.h"
#include "tools/admin/command.h"

namespace tern::tools::admin {

struct FoundMessage {
  // Owns the bytes `fields` points into (heap, so moves keep the views valid).
  std::shared_ptr<const std::string> record;
  protocol::MessageRecord fields;
  protocol::MessageProperties properties;
  std::string offset_id;
  std::string broker_name;  // filled by callers that know it (pulls)
};

// Splits a body of concatenated stored records; Corruption on a bad record.
Status DecodeRecords(std::string_view body, std::vector<FoundMessage>* out);

// Bodies print as their bytes, which is UTF-8 for RocketMQ's tools; other
// charsets (-c / -f) are a usage error naming `option`.
Status CheckCharset(std::string_view name, std::string_view option);

// The property's value, else `fallback`.
std::string PropertyOr(const FoundMessage& m, std::string_view key, std::string fallback);
// The client message id (UNIQ_KEY), else the offset id.
std::string MessageId(const FoundMessage& m);
// The body, decompressed when the record says so ("<error>" if it cannot be).
std::string BodyText(const FoundMessage& m);
// RocketMQ's timeMillisToHumanString2: "2024-01-02 03:04:05,678" (local time).
std::string HumanTime(int64_t ms);

// queryMsgById's form: "OffsetID:  ..." ... "Message Body:  ..." lines; with
// --json one object (every field, properties as an object, the body).
void PrintMessage(CommandContext& ctx, const FoundMessage& m);
// The same, with a blank line between messages.
void PrintMessages(CommandContext& ctx, const std::vector<FoundMessage>& found);
// The object --json prints for one message.
nlohmann::json MessageJson(const FoundMessage& m, bool with_body = true);

// printMsg's line (RocketMQ prints MessageExt.toString() in the middle):
// "MSGID: <id> MessageExt [brokerName=.., queueId=.., ...] BODY: <body>",
// the body replaced by "NOT PRINT BODY" when `print_body` is false.
std::string PrintMsgLine(const FoundMessage& m, bool print_body);

}  // namespace tern::tools::admin
