// Connection lists of a group (requests.md §B.7, §B.22, §C.2, §C.6):
//
//   Connection {"clientAddr":"127.0.0.1:5555","clientId":"cid","language":"JAVA","version":401}
//   ProducerConnection  {"connectionSet":[Connection...]}
//   ConsumerConnection  {"connectionSet":[...],"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",
//                        "consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING",
//                        "subscriptionTable":{"T":{SubscriptionData}}}
//   ConsumerIdList      {"consumerIdList":["c1","c2"]}   (GET_CONSUMER_LIST_BY_GROUP)
//
// Compact JSON with fastjson's alphabetical field order. `language` is the
// name the client sent (remoting.md §6); empty means unknown and is omitted,
// as Java omits a null enum. Plain value types.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/protocol/heartbeat_data.h"
#include "src/protocol/subscription_data.h"

namespace tern::protocol {

struct Connection {
  std::string client_id;
  std::string client_addr;
  std::string language;
  int32_t version = 0;

  bool operator==(const Connection&) const = default;
};

struct ProducerConnection {
  std::vector<Connection> connection_set;

  bool operator==(const ProducerConnection&) const = default;
  std::string Encode() const;
  static Result<ProducerConnection> Decode(std::string_view json_text);
};

struct ConsumerConnection {
  std::vector<Connection> connection_set;
  std::map<std::string, SubscriptionData> subscription_table;  // topic -> subscription
  ConsumeType consume_type = ConsumeType::kConsumePassively;
  MessageModel message_model = MessageModel::kClustering;
  ConsumeFromWhere consume_from_where = ConsumeFromWhere::kConsumeFromLastOffset;

  bool operator==(const ConsumerConnection&) const = default;
  std::string Encode() const;
  static Result<ConsumerConnection> Decode(std::string_view json_text);
};

struct ConsumerIdList {
  std::vector<std::string> consumer_id_list;

  bool operator==(const ConsumerIdList&) const = default;
  std::string Encode() const;
  static Result<ConsumerIdList> Decode(std::string_view json_text);
};

}  // namespace tern::protocol
