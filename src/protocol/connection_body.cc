#include "src/protocol/connection_body.h"

#include <nlohmann/json.hpp>

#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"

namespace tern::protocol {

using nlohmann::json;

namespace {

void WriteConnections(JsonWriter& w, const std::vector<Connection>& set) {
  w.Key("connectionSet").BeginArray();
  for (const Connection& c : set) {
    w.BeginObject();
    w.Key("clientAddr").String(c.client_addr);
    w.Key("clientId").String(c.client_id);
    if (!c.language.empty()) w.Key("language").String(c.language);
    w.Key("version").Int(c.version);
    w.EndObject();
  }
  w.EndArray();
}

Result<std::vector<Connection>> ReadConnections(const json& obj, std::string_view what) {
  std::vector<Connection> out;
  auto it = obj.find("connectionSet");
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_array()) {
    return Status::InvalidArgument(std::string(what) + ": field connectionSet: expected an array");
  }
  for (const json& e : *it) {
    if (!e.is_object()) {
      return Status::InvalidArgument(std::string(what) + ": connectionSet: expected objects");
    }
    Connection c;
    TERN_ASSIGN_OR_RETURN(c.client_addr, JsonString(e, "clientAddr", ""));
    TERN_ASSIGN_OR_RETURN(c.client_id, JsonString(e, "clientId", ""));
    TERN_ASSIGN_OR_RETURN(c.language, JsonString(e, "language", ""));
    TERN_ASSIGN_OR_RETURN(c.version, JsonInt32(e, "version", 0));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

std::string ProducerConnection::Encode() const {
  JsonWriter w;
  w.BeginObject();
  WriteConnections(w, connection_set);
  w.EndObject();
  return w.Take();
}

Result<ProducerConnection> ProducerConnection::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json obj, ParseLenientJsonObject(json_text, "ProducerConnection"));
  ProducerConnection p;
  TERN_ASSIGN_OR_RETURN(p.connection_set, ReadConnections(obj, "ProducerConnection"));
  return p;
}

std::string ConsumerConnection::Encode() const {
  JsonWriter w;
  w.BeginObject();
  WriteConnections(w, connection_set);
  w.Key("consumeFromWhere").String(ConsumeFromWhereName(consume_from_where));
  w.Key("consumeType").String(ConsumeTypeName(consume_type));
  w.Key("messageModel").String(MessageModelName(message_model));
  w.Key("subscriptionTable").BeginObject();
  for (const auto& [topic, sub] : subscription_table) {
    w.Key(topic);
    sub.WriteJson(w);
  }
  w.EndObject();
  w.EndObject();
  return w.Take();
}

Result<ConsumerConnection> ConsumerConnection::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json obj, ParseLenientJsonObject(json_text, "ConsumerConnection"));
  ConsumerConnection c;
  TERN_ASSIGN_OR_RETURN(c.connection_set, ReadConnections(obj, "ConsumerConnection"));
  TERN_ASSIGN_OR_RETURN(std::string type, JsonString(obj, "consumeType", ""));
  c.consume_type = ParseConsumeType(type).value_or(c.consume_type);
  TERN_ASSIGN_OR_RETURN(std::string model, JsonString(obj, "messageModel", ""));
  c.message_model = ParseMessageModel(model).value_or(c.message_model);
  TERN_ASSIGN_OR_RETURN(std::string where, JsonString(obj, "consumeFromWhere", ""));
  c.consume_from_where = ParseConsumeFromWhere(where).value_or(c.consume_from_where);
  if (auto it = obj.find("subscriptionTable"); it != obj.end() && !it->is_null()) {
    if (!it->is_object()) {
      return Status::InvalidArgument(
          "ConsumerConnection: field subscriptionTable: expected an object");
    }
    for (const auto& [topic, v] : it->items()) {
      auto sub = SubscriptionData::FromJson(v);
      if (!sub.ok()) return sub.status().WithContext("ConsumerConnection: subscriptionTable");
      c.subscription_table[topic] = std::move(sub).value();
    }
  }
  return c;
}

std::string ConsumerIdList::Encode() const {
  JsonWriter w;
  w.BeginObject().Key("consumerIdList").BeginArray();
  for (const std::string& id : consumer_id_list) w.String(id);
  w.EndArray().EndObject();
  return w.Take();
}

Result<ConsumerIdList> ConsumerIdList::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json obj, ParseLenientJsonObject(json_text, "ConsumerIdList"));
  ConsumerIdList l;
  if (auto it = obj.find("consumerIdList"); it != obj.end() && !it->is_null()) {
    if (!it->is_array()) {
      return Status::InvalidArgument("ConsumerIdList: field consumerIdList: expected an array");
    }
    for (const json& e : *it) {
      TERN_ASSIGN_OR_RETURN(std::string id, JsonValueToString(e, "consumerIdList"));
      l.consumer_id_list.push_back(std::move(id));
    }
  }
  return l;
}

}  // namespace tern::protocol
