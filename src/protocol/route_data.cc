#include "src/protocol/route_data.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "src/base/properties.h"
#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"

namespace tern::protocol {

using nlohmann::json;

namespace {

// A JSON field that must be an array (or absent / null).
Result<const json*> ArrayField(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_array())
    return Status::InvalidArgument(fmt::format("field {}: expected an array", key));
  return &*it;
}

Result<const json*> ObjectField(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return static_cast<const json*>(nullptr);
  if (!it->is_object())
    return Status::InvalidArgument(fmt::format("field {}: expected an object", key));
  return &*it;
}

}  // namespace

void QueueData::WriteJson(JsonWriter& w) const {
  w.BeginObject()
      .Key("brokerName")
      .String(broker_name)
      .Key("perm")
      .Int(perm)
      .Key("readQueueNums")
      .Int(read_queue_nums)
      .Key("topicSysFlag")
      .Int(topic_sys_flag)
      .Key("writeQueueNums")
      .Int(write_queue_nums)
      .EndObject();
}

Result<QueueData> QueueData::FromJson(const json& obj) {
  if (!obj.is_object()) return Status::InvalidArgument("QueueData: expected a JSON object");
  QueueData q;
  TERN_ASSIGN_OR_RETURN(q.broker_name, JsonString(obj, "brokerName", ""));
  TERN_ASSIGN_OR_RETURN(q.read_queue_nums, JsonInt32(obj, "readQueueNums", 0));
  TERN_ASSIGN_OR_RETURN(q.write_queue_nums, JsonInt32(obj, "writeQueueNums", 0));
  TERN_ASSIGN_OR_RETURN(q.perm, JsonInt32(obj, "perm", 0));
  // Very old brokers spelled it topicSynFlag.
  TERN_ASSIGN_OR_RETURN(int32_t old_flag, JsonInt32(obj, "topicSynFlag", 0));
  TERN_ASSIGN_OR_RETURN(q.topic_sys_flag, JsonInt32(obj, "topicSysFlag", old_flag));
  return q;
}

void BrokerData::WriteJson(JsonWriter& w, NumericKeys keys) const {
  w.BeginObject().Key("brokerAddrs").BeginObject();
  for (const auto& [id, addr] : broker_addrs) {
    if (keys == NumericKeys::kQuoted) {
      w.Key(std::to_string(id));
    } else {
      w.BareKey(id);
    }
    w.String(addr);
  }
  w.EndObject();
  w.Key("brokerName").String(broker_name);
  w.Key("cluster").String(cluster);
  w.EndObject();
}

Result<BrokerData> BrokerData::FromJson(const json& obj) {
  if (!obj.is_object()) return Status::InvalidArgument("BrokerData: expected a JSON object");
  BrokerData b;
  TERN_ASSIGN_OR_RETURN(b.cluster, JsonString(obj, "cluster", ""));
  TERN_ASSIGN_OR_RETURN(b.broker_name, JsonString(obj, "brokerName", ""));
  TERN_ASSIGN_OR_RETURN(const json* addrs, ObjectField(obj, "brokerAddrs"));
  if (addrs != nullptr) {
    for (const auto& [key, value] : addrs->items()) {
      auto id = ParseInt64(key);
      if (!id.ok()) {
        return Status::InvalidArgument(
            fmt::format("brokerAddrs: broker id '{}' is not a number", key));
      }
      TERN_ASSIGN_OR_RETURN(b.broker_addrs[*id], JsonValueToString(value, "brokerAddrs"));
    }
  }
  return b;
}

std::string TopicRouteData::Encode(NumericKeys keys) const {
  JsonWriter w;
  w.BeginObject().Key("brokerDatas").BeginArray();
  for (const auto& b : broker_datas) b.WriteJson(w, keys);
  w.EndArray();
  w.Key("filterServerTable").BeginObject();
  for (const auto& [addr, servers] : filter_server_table) {
    w.Key(addr).BeginArray();
    for (const auto& s : servers) w.String(s);
    w.EndArray();
  }
  w.EndObject();
  if (order_topic_conf) w.Key("orderTopicConf").String(*order_topic_conf);
  w.Key("queueDatas").BeginArray();
  for (const auto& q : queue_datas) q.WriteJson(w);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

Result<TopicRouteData> TopicRouteData::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "TopicRouteData"));
  TopicRouteData r;
  if (auto it = j.find("orderTopicConf"); it != j.end() && !it->is_null()) {
    TERN_ASSIGN_OR_RETURN(std::string conf, JsonValueToString(*it, "orderTopicConf"));
    r.order_topic_conf = std::move(conf);
  }
  TERN_ASSIGN_OR_RETURN(const json* queues, ArrayField(j, "queueDatas"));
  if (queues != nullptr) {
    for (const json& q : *queues) {
      TERN_ASSIGN_OR_RETURN(QueueData qd, QueueData::FromJson(q));
      r.queue_datas.push_back(std::move(qd));
    }
  }
  TERN_ASSIGN_OR_RETURN(const json* brokers, ArrayField(j, "brokerDatas"));
  if (brokers != nullptr) {
    for (const json& b : *brokers) {
      TERN_ASSIGN_OR_RETURN(BrokerData bd, BrokerData::FromJson(b));
      r.broker_datas.push_back(std::move(bd));
    }
  }
  TERN_ASSIGN_OR_RETURN(const json* filters, ObjectField(j, "filterServerTable"));
  if (filters != nullptr) {
    for (const auto& [addr, list] : filters->items()) {
      TERN_ASSIGN_OR_RETURN(r.filter_server_table[addr], JsonStringArray(list, "filterServerTable"));
    }
  }
  return r;
}

std::string ClusterInfo::Encode(NumericKeys keys) const {
  JsonWriter w;
  w.BeginObject().Key("brokerAddrTable").BeginObject();
  for (const auto& [name, data] : broker_addr_table) {
    w.Key(name);
    data.WriteJson(w, keys);
  }
  w.EndObject();
  w.Key("clusterAddrTable").BeginObject();
  for (const auto& [cluster, names] : cluster_addr_table) {
    w.Key(cluster).BeginArray();
    for (const auto& n : names) w.String(n);
    w.EndArray();
  }
  w.EndObject().EndObject();
  return w.Take();
}

Result<ClusterInfo> ClusterInfo::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json j, ParseLenientJsonObject(json_text, "ClusterInfo"));
  ClusterInfo c;
  TERN_ASSIGN_OR_RETURN(const json* brokers, ObjectField(j, "brokerAddrTable"));
  if (brokers != nullptr) {
    for (const auto& [name, data] : brokers->items()) {
      TERN_ASSIGN_OR_RETURN(c.broker_addr_table[name], BrokerData::FromJson(data));
    }
  }
  TERN_ASSIGN_OR_RETURN(const json* clusters, ObjectField(j, "clusterAddrTable"));
  if (clusters != nullptr) {
    for (const auto& [cluster, names] : clusters->items()) {
      TERN_ASSIGN_OR_RETURN(std::vector<std::string> list, JsonStringArray(names, "clusterAddrTable"));
      c.cluster_addr_table[cluster] = std::set<std::string>(list.begin(), list.end());
    }
  }
  return c;
}

}  // namespace tern::protocol
