// ConsumerGroupInfo: what the broker knows about one consumer group from its
// members' heartbeats (features.md §2.1): the member channels, how the group
// consumes, and its subscription table. Pure logic on a value; ConsumerManager
// does the locking and the notifications.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "broker/client/client_channel.h"
#include "src/protocol/heartbeat_data.h"
#include "src/protocol/subscription_data.h"

namespace tern::broker {

struct ConsumerGroupInfo {
  std::string group_name;
  std::map<ConnectionId, ClientChannel> channels;
  protocol::ConsumeType consume_type = protocol::ConsumeType::kConsumePassively;
  protocol::MessageModel message_model = protocol::MessageModel::kClustering;
  protocol::ConsumeFromWhere consume_from_where =
      protocol::ConsumeFromWhere::kConsumeFromLastOffset;
  std::map<std::string, protocol::SubscriptionData> subscription_table;  // topic -> sub
  int64_t last_update_ms = 0;

  // Adds or refreshes the channel (keyed by connection) and records how the
  // group consumes. True when the connection is new to the group.
  bool UpdateChannel(const ClientChannel& channel, protocol::ConsumeType type,
                     protocol::MessageModel model, protocol::ConsumeFromWhere where);
  // Replaces the subscription table by `subs` (Java ConsumerGroupInfo
  // .updateSubscription): a new topic is added, a topic missing from `subs`
  // is removed, an existing topic is replaced only by a newer subVersion.
  // True when a topic was added or removed or a replacement changed the
  // filter (a newer version of the same filter is not a change).
  bool UpdateSubscriptions(const std::vector<protocol::SubscriptionData>& subs, int64_t now_ms);
  // True when the connection was a member.
  bool RemoveChannel(ConnectionId connection);
  // Client ids of the members, sorted and distinct.
  std::vector<std::string> ClientIds() const;
  std::vector<ConnectionId> Connections() const;
};

}  // namespace tern::broker
