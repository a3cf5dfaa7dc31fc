#include "tools/admin/message_print.h"

#include <fmt/format.h>

#include <cctype>
#include <ctime>

#include "src/protocol/message_compression.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_id.h"

namespace tern::tools::admin {

Status DecodeRecords(std::string_view body, std::vector<FoundMessage>* out) {
  while (!body.empty()) {
    TERN_ASSIGN_OR_RETURN(protocol::MessageRecord rec, protocol::DecodeMessageRecord(body));
    if (rec.total_size <= 0) return Status::Corruption("record with no size");
    FoundMessage m;
    m.record =
        std::make_shared<const std::string>(body.substr(0, static_cast<size_t>(rec.total_size)));
    TERN_ASSIGN_OR_RETURN(m.fields, protocol::DecodeMessageRecord(*m.record));
    m.properties = protocol::MessageProperties::Parse(m.fields.properties);
    m.offset_id = protocol::EncodeOffsetMessageId(m.fields.store_host, m.fields.physical_offset);
    out->push_back(std::move(m));
    body.remove_prefix(static_cast<size_t>(rec.total_size));
  }
  return Status::Ok();
}

Status CheckCharset(std::string_view name, std::string_view option) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "UTF-8" || upper == "UTF8") return Status::Ok();
  return Status::InvalidArgument(fmt::format(
      "option {}: charset '{}' is not supported (bodies print as UTF-8)", option, name));
}

std::string HumanTime(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return fmt::format("{},{:03d}", buf, static_cast<int>(ms % 1000));
}

std::string PropertyOr(const FoundMessage& m, std::string_view key, std::string fallback) {
  std::optional<std::string_view> v = m.properties.Get(key);
  return v ? std::string(*v) : fallback;
}

std::string MessageId(const FoundMessage& m) {
  return PropertyOr(m, protocol::PropertyKey::kUniqClientMessageIdKeyIdx, m.offset_id);
}

std::string BodyText(const FoundMessage& m) {
  Result<std::string> body = protocol::DecompressBody(m.fields.body, m.fields.sys_flag);
  return body.ok() ? *body : "<" + body.status().ToString() + ">";
}

nlohmann::json MessageJson(const FoundMessage& m, bool with_body) {
  const auto& f = m.fields;
  nlohmann::json props = nlohmann::json::object();
  for (const auto& [k, v] : m.properties.entries()) props[k] = v;
  nlohmann::json j = {{"offsetMsgId", m.offset_id},
                      {"msgId", MessageId(m)},
                      {"topic", std::string(f.topic)},
                      {"tags", PropertyOr(m, protocol::PropertyKey::kTags, "")},
                      {"keys", PropertyOr(m, protocol::PropertyKey::kKeys, "")},
                      {"queueId", f.queue_id.value()},
                      {"queueOffset", f.queue_offset.value()},
                      {"commitLogOffset", f.physical_offset.value()},
                      {"reconsumeTimes", f.reconsume_times},
                      {"bornTimestamp", f.born_timestamp},
                      {"storeTimestamp", f.store_timestamp},
                      {"bornHost", f.born_host.ToString()},
                      {"storeHost", f.store_host.ToString()},
                      {"sysFlag", f.sys_flag},
                      {"properties", props}};
  if (!m.broker_name.empty()) j["brokerName"] = m.broker_name;
  if (with_body) j["body"] = BodyText(m);
  return j;
}

void PrintMessage(CommandContext& ctx, const FoundMessage& m) {
  if (ctx.json()) {
    ctx.PrintJson(MessageJson(m));
    return;
  }
  const auto& f = m.fields;
  std::string props;
  for (const auto& [k, v] : m.properties.entries()) {
    props += fmt::format("{}{}={}", props.empty() ? "" : ", ", k, v);
  }
  auto line = [&](std::string_view name, const std::string& value) {
    ctx.Print(fmt::format("{:<20} {}\n", name, value));
  };
  line("OffsetID:", m.offset_id);
  line("Topic:", std::string(f.topic));
  line("Tags:", "[" + PropertyOr(m, protocol::PropertyKey::kTags, "null") + "]");
  line("Keys:", "[" + PropertyOr(m, protocol::PropertyKey::kKeys, "null") + "]");
  line("Queue ID:", std::to_string(f.queue_id.value()));
  line("Queue Offset:", std::to_string(f.queue_offset.value()));
  line("CommitLog Offset:", std::to_string(f.physical_offset.value()));
  line("Reconsume Times:", std::to_string(f.reconsume_times));
  line("Born Timestamp:", HumanTime(f.born_timestamp));
  line("Store Timestamp:", HumanTime(f.store_timestamp));
  line("Born Host:", f.born_host.ToString());
  line("Store Host:", f.store_host.ToString());
  line("System Flag:", std::to_string(f.sys_flag));
  line("Properties:", "{" + props + "}");
  line("Message Body:", BodyText(m));
}

void PrintMessages(CommandContext& ctx, const std::vector<FoundMessage>& found) {
  for (size_t i = 0; i < found.size(); ++i) {
    if (i > 0 && !ctx.json()) ctx.Print("\n");
    PrintMessage(ctx, found[i]);
  }
}

std::string PrintMsgLine(const FoundMessage& m, bool print_body) {
  const auto& f = m.fields;
  std::string props;
  for (const auto& [k, v] : m.properties.entries()) {
    props += fmt::format("{}{}={}", props.empty() ? "" : ", ", k, v);
  }
  // MessageExt.toString() without the body's byte array (printed after BODY:).
  return fmt::format(
      "MSGID: {} MessageExt [brokerName={}, queueId={}, storeSize={}, queueOffset={}, "
      "sysFlag={}, bornTimestamp={}, bornHost=/{}, storeTimestamp={}, storeHost=/{}, msgId={}, "
      "commitLogOffset={}, bodyCRC={}, reconsumeTimes={}, preparedTransactionOffset={}, "
      "toString()=Message{{topic='{}', flag={}, properties={{{}}}, body=[{} bytes]}}] BODY: {}\n",
      MessageId(m), m.broker_name, f.queue_id.value(), f.total_size, f.queue_offset.value(),
      f.sys_flag, f.born_timestamp, f.born_host.ToString(), f.store_timestamp,
      f.store_host.ToString(), m.offset_id, f.physical_offset.value(), f.body_crc,
      f.reconsume_times, f.prepared_transaction_offset.value(), f.topic, f.flag, props,
      f.body.size(), print_body ? BodyText(m) : std::string("NOT PRINT BODY"));
}

}  // namespace tern::tools::admin
