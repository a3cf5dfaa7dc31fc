#include "src/client/topic_publish_info.h"

#include <algorithm>
#include <charconv>

#include "src/protocol/message_id.h"
#include "src/protocol/perm.h"

namespace tern::client {
namespace {

bool HasMaster(const protocol::TopicRouteData& route, const std::string& broker_name) {
  for (const auto& bd : route.broker_datas) {
    if (bd.broker_name == broker_name) return bd.broker_addrs.count(protocol::kMasterId) != 0;
  }
  return false;
}

// "broker-a:4;broker-b:8" -> queues in the order given (Java keeps it).
void QueuesFromOrderConf(const std::string& topic, std::string_view conf,
                         std::vector<ternmq::MessageQueue>* out) {
  size_t pos = 0;
  while (pos <= conf.size()) {
    size_t end = conf.find(';', pos);
    if (end == std::string_view::npos) end = conf.size();
    std::string_view item = conf.substr(pos, end - pos);
    size_t colon = item.rfind(':');
    if (colon != std::string_view::npos) {
      int32_t n = 0;
      std::string_view num = item.substr(colon + 1);
      auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
      if (ec == std::errc() && p == num.data() + num.size()) {
        for (int32_t i = 0; i < n; ++i)
          out->push_back({topic, std::string(item.substr(0, colon)), i});
      }
    }
    pos = end + 1;
  }
}

}  // namespace

ternmq::Result<PublishInfoPtr> BuildPublishInfo(const std::string& topic,
                                                const protocol::TopicRouteData& route,
                                                bool from_default_topic,
                                                int32_t default_queue_nums,
                                                uint32_t start_index) {
  auto info = std::make_shared<TopicPublishInfo>();
  info->topic = topic;
  info->from_default_topic = from_default_topic;
  info->route = route;
  info->next.store(start_index);
  if (route.order_topic_conf && !route.order_topic_conf->empty()) {
    info->order_topic = true;
    QueuesFromOrderConf(topic, *route.order_topic_conf, &info->queues);
  } else {
    std::vector<const protocol::QueueData*> qds;
    for (const auto& qd : route.queue_datas) qds.push_back(&qd);
    std::stable_sort(qds.begin(), qds.end(), [](const auto* a, const auto* b) {
      return a->broker_name < b->broker_name;
    });
    for (const auto* qd : qds) {
      if (!protocol::IsWriteable(qd->perm) || !HasMaster(route, qd->broker_name)) continue;
      int32_t n = from_default_topic ? std::min(default_queue_nums, qd->read_queue_nums)
                                     : qd->write_queue_nums;
      for (int32_t i = 0; i < n; ++i) info->queues.push_back({topic, qd->broker_name, i});
    }
  }
  if (info->queues.empty()) {
    return ternmq::Status(ternmq::StatusCode::kNotFound,
                          "no writable queue in the route of topic " + topic +
                              (from_default_topic ? " (auto-create template route)" : ""));
  }
  return PublishInfoPtr(std::move(info));
}

std::optional<ternmq::MessageQueue> SelectQueue(const TopicPublishInfo& info,
                                                std::string_view avoid_broker,
                                                const BrokerBackoff* backoff, int64_t now_ms) {
  const size_t n = info.queues.size();
  if (n == 0) return std::nullopt;
  // Pass 0: neither the avoided broker nor brokers in backoff; pass 1: not the
  // avoided broker; pass 2: anything.
  for (int pass = 0; pass < 3; ++pass) {
    for (size_t i = 0; i < n; ++i) {
      const auto& q = info.queues[info.next.fetch_add(1, std::memory_order_relaxed) % n];
      if (pass < 2 && !avoid_broker.empty() && q.broker_name == avoid_broker) continue;
      if (pass == 0 && backoff != nullptr && backoff->ShouldAvoid(q.broker_name, now_ms)) continue;
      return q;
    }
  }
  return std::nullopt;
}

size_t ShardingIndex(std::string_view key, size_t n) {
  int32_t value = protocol::JavaStringHashCode(key) % static_cast<int32_t>(n);
  if (value < 0) value = -value;
  return static_cast<size_t>(value);
}

}  // namespace tern::client
