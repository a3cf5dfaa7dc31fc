// SubscriptionGroupConfig and SubscriptionGroupWrapper (shared/spec/requests.md
// §C.8): a consumer group's settings on a broker, as UPDATE_AND_CREATE_SUBSCRIPTIONGROUP
// carries them and GET_ALL_SUBSCRIPTIONGROUP_CONFIG returns them.
//
//   {"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,
//    "consumeFromMinEnable":true,"groupName":"CG","notifyConsumerIdsChangedEnable":true,
//    "retryMaxTimes":16,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}
//
// We also write the 5.x fields (consumeMessageOrderly, consumeTimeoutMinute,
// groupSysFlag, attributes); 4.9 readers ignore them. Plain value types.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "src/base/status.h"
#include "src/protocol/data_version.h"

namespace tern::protocol {

class JsonWriter;

struct SubscriptionGroupConfig {
  std::string group_name;
  bool consume_enable = true;
  bool consume_from_min_enable = true;
  bool consume_broadcast_enable = true;
  bool consume_message_orderly = false;  // 5.x
  int32_t retry_queue_nums = 1;
  int32_t retry_max_times = 16;
  int64_t broker_id = 0;
  int64_t which_broker_when_consume_slowly = 1;
  bool notify_consumer_ids_changed_enable = true;
  int32_t group_sys_flag = 0;           // 5.x
  int32_t consume_timeout_minute = 15;  // 5.x
  std::map<std::string, std::string> attributes;  // 5.x; written only when non-empty

  bool operator==(const SubscriptionGroupConfig&) const = default;

  std::string Encode() const;
  // Accepts any key order, missing optional keys (defaults apply), extra keys
  // (5.x groupRetryPolicy, subscriptionDataSet are ignored) and numbers given
  // as strings. A missing or empty groupName is an error.
  static Result<SubscriptionGroupConfig> Decode(std::string_view json_text);
  void WriteJson(JsonWriter& w) const;
  static Result<SubscriptionGroupConfig> FromJson(const nlohmann::json& obj);
};

// {"dataVersion":{...},"subscriptionGroupTable":{"CG":{...}}}
struct SubscriptionGroupWrapper {
  DataVersion data_version;
  std::map<std::string, SubscriptionGroupConfig> subscription_group_table;

  bool operator==(const SubscriptionGroupWrapper&) const = default;

  std::string Encode() const;
  static Result<SubscriptionGroupWrapper> Decode(std::string_view json_text);
};

}  // namespace tern::protocol
