#include "src/protocol/subscription_group_config.h"

#include <nlohmann/json.hpp>

#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"

namespace tern::protocol {

using nlohmann::json;

void SubscriptionGroupConfig::WriteJson(JsonWriter& w) const {
  w.BeginObject();
  if (!attributes.empty()) {
    w.Key("attributes").BeginObject();
    for (const auto& [k, v] : attributes) w.Key(k).String(v);
    w.EndObject();
  }
  w.Key("brokerId").Int(broker_id);
  w.Key("consumeBroadcastEnable").Bool(consume_broadcast_enable);
  w.Key("consumeEnable").Bool(consume_enable);
  w.Key("consumeFromMinEnable").Bool(consume_from_min_enable);
  w.Key("consumeMessageOrderly").Bool(consume_message_orderly);
  w.Key("consumeTimeoutMinute").Int(consume_timeout_minute);
  w.Key("groupName").String(group_name);
  w.Key("groupSysFlag").Int(group_sys_flag);
  w.Key("notifyConsumerIdsChangedEnable").Bool(notify_consumer_ids_changed_enable);
  w.Key("retryMaxTimes").Int(retry_max_times);
  w.Key("retryQueueNums").Int(retry_queue_nums);
  w.Key("whichBrokerWhenConsumeSlowly").Int(which_broker_when_consume_slowly);
  w.EndObject();
}

std::string SubscriptionGroupConfig::Encode() const {
  JsonWriter w;
  WriteJson(w);
  return w.Take();
}

Result<SubscriptionGroupConfig> SubscriptionGroupConfig::FromJson(const json& obj) {
  if (!obj.is_object()) {
    return Status::InvalidArgument("SubscriptionGroupConfig: expected a JSON object");
  }
  SubscriptionGroupConfig c;
  TERN_ASSIGN_OR_RETURN(c.group_name, JsonString(obj, "groupName", ""));
  if (c.group_name.empty()) {
    return Status::InvalidArgument("SubscriptionGroupConfig: missing groupName");
  }
  TERN_ASSIGN_OR_RETURN(c.consume_enable, JsonBool(obj, "consumeEnable", true));
  TERN_ASSIGN_OR_RETURN(c.consume_from_min_enable, JsonBool(obj, "consumeFromMinEnable", true));
  TERN_ASSIGN_OR_RETURN(c.consume_broadcast_enable, JsonBool(obj, "consumeBroadcastEnable", true));
  TERN_ASSIGN_OR_RETURN(c.consume_message_orderly, JsonBool(obj, "consumeMessageOrderly", false));
  TERN_ASSIGN_OR_RETURN(c.retry_queue_nums, JsonInt32(obj, "retryQueueNums", 1));
  TERN_ASSIGN_OR_RETURN(c.retry_max_times, JsonInt32(obj, "retryMaxTimes", 16));
  TERN_ASSIGN_OR_RETURN(c.broker_id, JsonInt64(obj, "brokerId", 0));
  TERN_ASSIGN_OR_RETURN(c.which_broker_when_consume_slowly,
                        JsonInt64(obj, "whichBrokerWhenConsumeSlowly", 1));
  TERN_ASSIGN_OR_RETURN(c.notify_consumer_ids_changed_enable,
                        JsonBool(obj, "notifyConsumerIdsChangedEnable", true));
  TERN_ASSIGN_OR_RETURN(c.group_sys_flag, JsonInt32(obj, "groupSysFlag", 0));
  TERN_ASSIGN_OR_RETURN(c.consume_timeout_minute, JsonInt32(obj, "consumeTimeoutMinute", 15));
  if (auto it = obj.find("attributes"); it != obj.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      TERN_ASSIGN_OR_RETURN(c.attributes[k], JsonValueToString(v, "attributes." + k));
    }
  }
  return c;
}

Result<SubscriptionGroupConfig> SubscriptionGroupConfig::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "SubscriptionGroupConfig"));
  return FromJson(j);
}

std::string SubscriptionGroupWrapper::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("dataVersion");
  data_version.WriteJson(w);
  w.Key("subscriptionGroupTable").BeginObject();
  for (const auto& [name, config] : subscription_group_table) {
    w.Key(name);
    config.WriteJson(w);
  }
  w.EndObject();
  w.EndObject();
  return w.Take();
}

Result<SubscriptionGroupWrapper> SubscriptionGroupWrapper::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "SubscriptionGroupWrapper"));
  SubscriptionGroupWrapper out;
  if (auto it = j.find("dataVersion"); it != j.end() && it->is_object()) {
    TERN_ASSIGN_OR_RETURN(out.data_version, DataVersion::FromJson(*it));
  }
  if (auto it = j.find("subscriptionGroupTable"); it != j.end() && it->is_object()) {
    for (const auto& [name, value] : it->items()) {
      TERN_ASSIGN_OR_RETURN(out.subscription_group_table[name],
                            SubscriptionGroupConfig::FromJson(value));
    }
  }
  return out;
}

}  // namespace tern::protocol
