#include "src/protocol/heartbeat_data.h"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>

#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"

namespace tern::protocol {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 3> kConsumeTypeNames = {"CONSUME_ACTIVELY",
                                                               "CONSUME_PASSIVELY", "CONSUME_POP"};
constexpr std::array<std::string_view, 2> kMessageModelNames = {"BROADCASTING", "CLUSTERING"};
constexpr std::array<std::string_view, 6> kConsumeFromWhereNames = {
    "CONSUME_FROM_LAST_OFFSET",  "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST",
    "CONSUME_FROM_MIN_OFFSET",   "CONSUME_FROM_MAX_OFFSET",
    "CONSUME_FROM_FIRST_OFFSET", "CONSUME_FROM_TIMESTAMP"};

// Index of `text` as a name in `names`, or as a decimal ordinal.
template <size_t N>
std::optional<size_t> EnumIndex(const std::array<std::string_view, N>& names,
                                std::string_view text) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == text) return i;
  }
  if (text.empty() || text.size() > 3) return std::nullopt;
  size_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<size_t>(c - '0');
  }
  if (v < N) return v;
  return std::nullopt;
}

// The text of an enum field (name string, ordinal number or ordinal string);
// nullopt when missing or null.
Result<std::optional<std::string>> EnumText(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>();
  TERN_ASSIGN_OR_RETURN(std::string text, JsonValueToString(*it, key));
  return std::optional<std::string>(std::move(text));
}

}  // namespace

std::string_view ConsumeTypeName(ConsumeType v) {
  return kConsumeTypeNames[static_cast<size_t>(v)];
}
std::string_view MessageModelName(MessageModel v) {
  return kMessageModelNames[static_cast<size_t>(v)];
}
std::string_view ConsumeFromWhereName(ConsumeFromWhere v) {
  return kConsumeFromWhereNames[static_cast<size_t>(v)];
}

std::optional<ConsumeType> ParseConsumeType(std::string_view text) {
  auto i = EnumIndex(kConsumeTypeNames, text);
  if (!i) return std::nullopt;
  return static_cast<ConsumeType>(*i);
}
std::optional<MessageModel> ParseMessageModel(std::string_view text) {
  auto i = EnumIndex(kMessageModelNames, text);
  if (!i) return std::nullopt;
  return static_cast<MessageModel>(*i);
}
std::optional<ConsumeFromWhere> ParseConsumeFromWhere(std::string_view text) {
  auto i = EnumIndex(kConsumeFromWhereNames, text);
  if (!i) return std::nullopt;
  return static_cast<ConsumeFromWhere>(*i);
}

void ConsumerData::WriteJson(JsonWriter& w) const {
  w.BeginObject();
  w.Key("consumeFromWhere").String(ConsumeFromWhereName(consume_from_where));
  w.Key("consumeType").String(ConsumeTypeName(consume_type));
  w.Key("groupName").String(group_name);
  w.Key("messageModel").String(MessageModelName(message_model));
  w.Key("subscriptionDataSet").BeginArray();
  for (const SubscriptionData& s : subscription_data_set) s.WriteJson(w);
  w.EndArray();
  w.Key("unitMode").Bool(unit_mode);
  w.EndObject();
}

Result<ConsumerData> ConsumerData::FromJson(const json& obj) {
  if (!obj.is_object()) return Status::InvalidArgument("ConsumerData: expected an object");
  ConsumerData d;
  TERN_ASSIGN_OR_RETURN(d.group_name, JsonString(obj, "groupName", ""));
  TERN_ASSIGN_OR_RETURN(auto type_text, EnumText(obj, "consumeType"));
  if (type_text) d.consume_type = ParseConsumeType(*type_text).value_or(d.consume_type);
  TERN_ASSIGN_OR_RETURN(auto model_text, EnumText(obj, "messageModel"));
  if (model_text) d.message_model = ParseMessageModel(*model_text).value_or(d.message_model);
  TERN_ASSIGN_OR_RETURN(auto where_text, EnumText(obj, "consumeFromWhere"));
  if (where_text) {
    d.consume_from_where = ParseConsumeFromWhere(*where_text).value_or(d.consume_from_where);
  }
  TERN_ASSIGN_OR_RETURN(d.unit_mode, JsonBool(obj, "unitMode", false));
  if (auto it = obj.find("subscriptionDataSet"); it != obj.end() && !it->is_null()) {
    if (!it->is_array()) {
      return Status::InvalidArgument("field subscriptionDataSet: expected an array");
    }
    for (const json& s : *it) {
      auto sub = SubscriptionData::FromJson(s);
      if (!sub.ok()) return sub.status().WithContext("subscriptionDataSet");
      sub->Normalize();
      d.subscription_data_set.push_back(std::move(sub).value());
    }
  }
  return d;
}

std::string HeartbeatData::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("clientID").String(client_id);
  w.Key("consumerDataSet").BeginArray();
  for (const ConsumerData& c : consumer_data_set) c.WriteJson(w);
  w.EndArray();
  if (heartbeat_fingerprint != 0) w.Key("heartbeatFingerprint").Int(heartbeat_fingerprint);
  w.Key("producerDataSet").BeginArray();
  for (const ProducerData& p : producer_data_set) {
    w.BeginObject().Key("groupName").String(p.group_name).EndObject();
  }
  w.EndArray();
  if (without_sub) w.Key("withoutSub").Bool(true);
  w.EndObject();
  return w.Take();
}

Result<HeartbeatData> HeartbeatData::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json obj, ParseLenientJsonObject(json_text, "HeartbeatData"));
  HeartbeatData h;
  TERN_ASSIGN_OR_RETURN(h.client_id, JsonString(obj, "clientID", ""));
  TERN_ASSIGN_OR_RETURN(h.heartbeat_fingerprint, JsonInt32(obj, "heartbeatFingerprint", 0));
  TERN_ASSIGN_OR_RETURN(h.without_sub, JsonBool(obj, "withoutSub", false));
  if (auto it = obj.find("producerDataSet"); it != obj.end() && !it->is_null()) {
    if (!it->is_array()) {
      return Status::InvalidArgument("HeartbeatData: field producerDataSet: expected an array");
    }
    for (const json& p : *it) {
      if (!p.is_object()) {
        return Status::InvalidArgument("HeartbeatData: producerDataSet: expected objects");
      }
      ProducerData pd;
      TERN_ASSIGN_OR_RETURN(pd.group_name, JsonString(p, "groupName", ""));
      h.producer_data_set.push_back(std::move(pd));
    }
  }
  if (auto it = obj.find("consumerDataSet"); it != obj.end() && !it->is_null()) {
    if (!it->is_array()) {
      return Status::InvalidArgument("HeartbeatData: field consumerDataSet: expected an array");
    }
    for (const json& c : *it) {
      auto cd = ConsumerData::FromJson(c);
      if (!cd.ok()) return cd.status().WithContext("HeartbeatData: consumerDataSet");
      h.consumer_data_set.push_back(std::move(cd).value());
    }
  }
  return h;
}

std::string CheckClientRequestBody::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("clientId").String(client_id);
  w.Key("group").String(group);
  if (subscription_data) {
    w.Key("subscriptionData");
    subscription_data->WriteJson(w);
  }
  w.EndObject();
  return w.Take();
}

Result<CheckClientRequestBody> CheckClientRequestBody::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json obj, ParseLenientJsonObject(json_text, "CheckClientRequestBody"));
  CheckClientRequestBody b;
  TERN_ASSIGN_OR_RETURN(b.client_id, JsonString(obj, "clientId", ""));
  TERN_ASSIGN_OR_RETURN(b.group, JsonString(obj, "group", ""));
  if (auto it = obj.find("subscriptionData"); it != obj.end() && !it->is_null()) {
    auto sub = SubscriptionData::FromJson(*it);
    if (!sub.ok()) return sub.status().WithContext("CheckClientRequestBody: subscriptionData");
    sub->Normalize();
    b.subscription_data = std::move(sub).value();
  }
  return b;
}

}  // namespace tern::protocol
