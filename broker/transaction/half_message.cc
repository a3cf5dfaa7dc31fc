#include "broker/transaction/half_message.h"

#include <fmt/format.h>

#include <charconv>
#include <iterator>

#include "src/protocol/codes.h"
#include "src/protocol/message_const.h"
#include "src/protocol/message_id.h"
#include "src/protocol/message_properties.h"

namespace tern::transaction {

namespace PK = protocol::PropertyKey;
namespace SF = protocol::MessageSysFlag;

namespace {

std::optional<int64_t> ParseInt(std::string_view v) {
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
  return out;
}

int32_t WithTransactionBits(int32_t sys_flag, int32_t bits) {
  return (sys_flag & ~SF::kTransactionMask) | bits;
}

}  // namespace

std::string_view DecisionName(Decision d) { return d == Decision::kCommit ? "commit" : "rollback"; }

protocol::MessageRecord OwnedRecord::AsRecord() const {
  protocol::MessageRecord r = fields;
  r.topic = topic;
  r.body = body;
  r.properties = properties;
  return r;
}

OwnedRecord Own(const protocol::MessageRecord& r) {
  OwnedRecord o;
  o.fields = r;
  o.fields.topic = {};
  o.fields.body = {};
  o.fields.properties = {};
  o.topic = std::string(r.topic);
  o.body = std::string(r.body);
  o.properties = std::string(r.properties);
  return o;
}

Result<HalfInfo> ParseHalf(const protocol::MessageRecord& half) {
  HalfInfo info;
  auto topic = protocol::FindProperty(half.properties, PK::kRealTopic);
  auto qid = protocol::FindProperty(half.properties, PK::kRealQueueId);
  if (!topic || topic->empty()) return Status::InvalidArgument("half message without REAL_TOPIC");
  auto q = qid ? ParseInt(*qid) : std::nullopt;
  if (!q || *q < 0 || *q > INT32_MAX) {
    return Status::InvalidArgument("half message without a valid REAL_QID");
  }
  info.real_topic = std::string(*topic);
  info.real_queue_id = static_cast<int32_t>(*q);
  if (auto g = protocol::FindProperty(half.properties, PK::kProducerGroup)) {
    info.producer_group = std::string(*g);
  }
  if (auto u = protocol::FindProperty(half.properties, PK::kUniqClientMessageIdKeyIdx)) {
    info.uniq_key = std::string(*u);
  }
  if (auto s = protocol::FindProperty(half.properties, PK::kCheckImmunityTimeInSeconds)) {
    if (auto sec = ParseInt(*s); sec && *sec >= 0 && *sec < INT64_MAX / 1000) {
      info.immunity_ms = *sec * 1000;
    }
  }
  return info;
}

Status ToHalfMessage(processor::OutgoingMessage& msg) {
  protocol::MessageProperties props = protocol::MessageProperties::Parse(msg.properties);
  props.Set(PK::kRealTopic, msg.topic);
  props.Set(PK::kRealQueueId, std::to_string(msg.queue_id.value()));
  msg.properties = props.Serialize();
  if (msg.properties.size() > static_cast<size_t>(protocol::kMaxPropertiesSize)) {
    return Status::InvalidArgument("properties too long for a half message");
  }
  msg.sys_flag = WithTransactionBits(msg.sys_flag, SF::kTransactionNotType);
  msg.topic = std::string(kHalfTopic);
  msg.queue_id = QueueId(0);
  return Status::Ok();
}

Result<OwnedRecord> BuildCommitRecord(const protocol::MessageRecord& half) {
  TERN_ASSIGN_OR_RETURN(HalfInfo info, ParseHalf(half));
  OwnedRecord out = Own(half);
  out.topic = info.real_topic;
  out.fields.queue_id = QueueId(info.real_queue_id);
  out.fields.sys_flag = WithTransactionBits(half.sys_flag, SF::kTransactionCommit);
  out.fields.prepared_transaction_offset = half.physical_offset;
  return out;
}

namespace {

// A record the broker writes for itself on queue 0 of `topic` (born here, now),
// with a fresh UNIQ_KEY after the properties already in `properties`.
OwnedRecord InternalRecord(std::string_view topic, std::string properties,
                           const protocol::HostAddress& broker_host, int64_t now_ms) {
  OwnedRecord out;
  out.topic = std::string(topic);
  out.fields.queue_id = QueueId(0);
  out.fields.sys_flag = SF::kTransactionNotType;
  out.fields.born_timestamp = now_ms;
  out.fields.born_host = broker_host;
  out.properties = std::move(properties);
  protocol::AppendProperty(&out.properties, PK::kUniqClientMessageIdKeyIdx,
                           protocol::UniqueIdGenerator::ForThisProcess().Next());
  return out;
}

}  // namespace

OwnedRecord BuildOpRecord(QueueOffset half_offset, Decision d,
                          const protocol::HostAddress& broker_host, int64_t now_ms) {
  std::string tags;
  protocol::AppendProperty(&tags, PK::kTags, kOpTag);
  OwnedRecord out = InternalRecord(kOpTopic, std::move(tags), broker_host, now_ms);
  out.body = std::to_string(half_offset.value());
  protocol::AppendProperty(&out.properties, kDecisionProperty, DecisionName(d));
  return out;
}

std::vector<int64_t> ParseOpBody(std::string_view body) {
  std::vector<int64_t> out;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t comma = body.find(',', pos);
    if (comma == std::string_view::npos) comma = body.size();
    if (auto v = ParseInt(body.substr(pos, comma - pos)); v && *v >= 0) out.push_back(*v);
    pos = comma + 1;
  }
  return out;
}

Decision OpDecision(const protocol::MessageRecord& op) {
  auto v = protocol::FindProperty(op.properties, kDecisionProperty);
  return v && *v == DecisionName(Decision::kRollback) ? Decision::kRollback : Decision::kCommit;
}

OwnedRecord BuildCheckTimesRecord(const std::vector<CheckTimes>& entries,
                                  const protocol::HostAddress& broker_host, int64_t now_ms) {
  OwnedRecord out = InternalRecord(kCheckTimesTopic, {}, broker_host, now_ms);
  out.body.reserve(entries.size() * 24);
  for (const CheckTimes& e : entries) {
    if (!out.body.empty()) out.body += ',';
    fmt::format_to(std::back_inserter(out.body), "{}:{}:{}", e.half_offset, e.checks,
                   e.next_check_ms);
  }
  return out;
}

std::vector<CheckTimes> ParseCheckTimesBody(std::string_view body) {
  std::vector<CheckTimes> out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t comma = body.find(',', pos);
    if (comma == std::string_view::npos) comma = body.size();
    std::string_view entry = body.substr(pos, comma - pos);
    pos = comma + 1;
    const size_t a = entry.find(':');
    const size_t b = a == std::string_view::npos ? a : entry.find(':', a + 1);
    if (b == std::string_view::npos) continue;
    auto half = ParseInt(entry.substr(0, a));
    auto checks = ParseInt(entry.substr(a + 1, b - a - 1));
    auto next = ParseInt(entry.substr(b + 1));
    if (!half || !checks || !next || *half < 0 || *checks < 0 || *checks > INT32_MAX) continue;
    out.push_back({*half, static_cast<int32_t>(*checks), *next});
  }
  return out;
}

OwnedRecord BuildDiscardRecord(const protocol::MessageRecord& half, int32_t checks) {
  OwnedRecord out = Own(half);
  protocol::MessageProperties props = protocol::MessageProperties::Parse(half.properties);
  props.Set(PK::kTransactionPreparedQueueOffset, std::to_string(half.queue_offset.value()));
  props.Set(PK::kTransactionCheckTimes, std::to_string(checks));
  out.properties = props.Serialize();
  out.topic = std::string(kCheckMaxTimeTopic);
  out.fields.queue_id = QueueId(0);
  out.fields.sys_flag = WithTransactionBits(half.sys_flag, SF::kTransactionNotType);
  return out;
}

std::optional<int64_t> DiscardedHalfOffset(const protocol::MessageRecord& discarded) {
  auto v = protocol::FindProperty(discarded.properties, PK::kTransactionPreparedQueueOffset);
  return v ? ParseInt(*v) : std::nullopt;
}

Result<OwnedRecord> BuildResumeRecord(const protocol::MessageRecord& discarded) {
  if (discarded.topic != kCheckMaxTimeTopic) {
    return Status::InvalidArgument(
        fmt::format("the message is in {}, not in {}", discarded.topic, kCheckMaxTimeTopic));
  }
  OwnedRecord out = Own(discarded);
  protocol::MessageProperties props = protocol::MessageProperties::Parse(discarded.properties);
  props.Remove(PK::kTransactionPreparedQueueOffset);
  props.Remove(PK::kTransactionCheckTimes);
  out.properties = props.Serialize();
  out.topic = std::string(kHalfTopic);
  out.fields.queue_id = QueueId(0);
  TERN_RETURN_IF_ERROR(ParseHalf(out.AsRecord()).status());
  return out;
}

Result<remoting::RemotingCommand> BuildCheckRequest(const protocol::MessageRecord& half,
                                                    int32_t check_times,
                                                    const std::string& broker_name) {
  TERN_ASSIGN_OR_RETURN(HalfInfo info, ParseHalf(half));
  protocol::MessageProperties props = protocol::MessageProperties::Parse(half.properties);
  props.Set(PK::kTransactionCheckTimes, std::to_string(check_times));
  const std::string properties = props.Serialize();
  protocol::MessageRecord body = half;
  body.topic = info.real_topic;
  body.queue_id = QueueId(info.real_queue_id);
  body.properties = properties;
  TERN_RETURN_IF_ERROR(protocol::CheckRecordLimits(body, INT32_MAX));

  remoting::RemotingCommand req =
      remoting::RemotingCommand::Request(protocol::RequestCode::kCheckTransactionState);
  req.flag |= remoting::kFlagOneway;
  req.serialize_type = remoting::SerializeType::kJson;
  req.SetField("tranStateTableOffset", half.queue_offset.value());
  req.SetField("commitLogOffset", half.physical_offset.value());
  req.SetField("msgId", info.uniq_key);
  req.SetField("transactionId", info.uniq_key);
  req.SetField("offsetMsgId",
               protocol::EncodeOffsetMessageId(half.store_host, half.physical_offset));
  req.SetField("topic", std::string(kHalfTopic));
  req.SetField("bname", broker_name);
  protocol::AppendMessageRecord(body, &req.body);
  return req;
}

}  // namespace tern::transaction
