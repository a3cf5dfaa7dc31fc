// HeartbeatData, the body of HEART_BEAT (shared/spec/requests.md §B.5, §C.5),
// and CheckClientRequestBody, the body of CHECK_CLIENT_CONFIG (§B.14).
//
// Java 4.9 (byte-exact, what Encode() writes):
//   {"clientID":"127.0.0.1@1234#5678","consumerDataSet":[{"consumeFromWhere":
//    "CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","groupName":"CG",
//    "messageModel":"CLUSTERING","subscriptionDataSet":[{...}],"unitMode":false}],
//    "producerDataSet":[{"groupName":"PG"}]}
//
// Decode() accepts every client's form: enum names or ordinals (C++, quirks
// Q22), numbers as strings, missing optional fields; an unknown enum value
// becomes the Java default instead of failing the heartbeat. Every
// subscription is normalized (codeSet recomputed from tagsSet, quirks Q21).
//
// Plain value types.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/protocol/subscription_data.h"

namespace tern::protocol {

class JsonWriter;

// Ordinals are the Java enum ordinals (requests.md §C.5).
enum class ConsumeType : uint8_t { kConsumeActively = 0, kConsumePassively = 1, kConsumePop = 2 };
enum class MessageModel : uint8_t { kBroadcasting = 0, kClustering = 1 };
enum class ConsumeFromWhere : uint8_t {
  kConsumeFromLastOffset = 0,
  kConsumeFromLastOffsetAndFromMinWhenBootFirst = 1,
  kConsumeFromMinOffset = 2,
  kConsumeFromMaxOffset = 3,
  kConsumeFromFirstOffset = 4,
  kConsumeFromTimestamp = 5,
};

std::string_view ConsumeTypeName(ConsumeType v);            // "CONSUME_PASSIVELY", ...
std::string_view MessageModelName(MessageModel v);          // "CLUSTERING", ...
std::string_view ConsumeFromWhereName(ConsumeFromWhere v);  // "CONSUME_FROM_LAST_OFFSET", ...
// A name or a decimal ordinal; nullopt when neither matches.
std::optional<ConsumeType> ParseConsumeType(std::string_view text);
std::optional<MessageModel> ParseMessageModel(std::string_view text);
std::optional<ConsumeFromWhere> ParseConsumeFromWhere(std::string_view text);

struct ConsumerData {
  std::string group_name;
  ConsumeType consume_type = ConsumeType::kConsumePassively;
  MessageModel message_model = MessageModel::kClustering;
  ConsumeFromWhere consume_from_where = ConsumeFromWhere::kConsumeFromLastOffset;
  std::vector<SubscriptionData> subscription_data_set;
  bool unit_mode = false;

  bool operator==(const ConsumerData&) const = default;
  void WriteJson(JsonWriter& w) const;
  static Result<ConsumerData> FromJson(const nlohmann::json& obj);
};

struct ProducerData {
  std::string group_name;
  bool operator==(const ProducerData&) const = default;
};

struct HeartbeatData {
  std::string client_id;  // JSON "clientID"
  std::vector<ProducerData> producer_data_set;
  std::vector<ConsumerData> consumer_data_set;
  // 5.x heartbeat v2 (quirks Q37): read, never advertised by this broker.
  int32_t heartbeat_fingerprint = 0;
  bool without_sub = false;

  bool operator==(const HeartbeatData&) const = default;
  std::string Encode() const;
  static Result<HeartbeatData> Decode(std::string_view json_text);
};

// {"clientId":"..","group":"..","subscriptionData":{...}}
struct CheckClientRequestBody {
  std::string client_id;
  std::string group;
  std::optional<SubscriptionData> subscription_data;

  std::string Encode() const;
  // The subscription is normalized.
  static Result<CheckClientRequestBody> Decode(std::string_view json_text);
};

}  // namespace tern::protocol
