#include "src/protocol/lock_batch_body.h"

#include <nlohmann/json.hpp>

#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"

namespace tern::protocol {

using nlohmann::json;

namespace {

void WriteMqSet(JsonWriter& w, std::string_view key, const std::set<MessageQueue>& set) {
  w.Key(key).BeginArray();
  for (const MessageQueue& mq : set) mq.WriteJson(w);
  w.EndArray();
}

Result<std::set<MessageQueue>> ReadMqSet(const json& obj, std::string_view key,
                                         std::string_view what) {
  std::set<MessageQueue> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_array()) {
    return Status::InvalidArgument(std::string(what) + ": field " + std::string(key) +
                                   ": expected an array");
  }
  for (const json& e : *it) {
    auto mq = MessageQueue::FromJson(e);
    if (!mq.ok()) return mq.status().WithContext(std::string(what) + ": " + std::string(key));
    out.insert(std::move(mq).value());
  }
  return out;
}

template <typename Body>
std::string EncodeRequest(const Body& b) {
  JsonWriter w;
  w.BeginObject();
  w.Key("clientId").String(b.client_id);
  w.Key("consumerGroup").String(b.consumer_group);
  WriteMqSet(w, "mqSet", b.mq_set);
  if (b.only_this_broker) w.Key("onlyThisBroker").Bool(true);
  w.EndObject();
  return w.Take();
}

template <typename Body>
Result<Body> DecodeRequest(std::string_view text, std::string_view what) {
  TERN_ASSIGN_OR_RETURN(json obj, ParseLenientJsonObject(text, what));
  Body b;
  TERN_ASSIGN_OR_RETURN(b.client_id, JsonString(obj, "clientId", ""));
  TERN_ASSIGN_OR_RETURN(b.consumer_group, JsonString(obj, "consumerGroup", ""));
  TERN_ASSIGN_OR_RETURN(b.mq_set, ReadMqSet(obj, "mqSet", what));
  TERN_ASSIGN_OR_RETURN(b.only_this_broker, JsonBool(obj, "onlyThisBroker", false));
  return b;
}

}  // namespace

std::string LockBatchRequestBody::Encode() const { return EncodeRequest(*this); }
Result<LockBatchRequestBody> LockBatchRequestBody::Decode(std::string_view json_text) {
  return DecodeRequest<LockBatchRequestBody>(json_text, "LockBatchRequestBody");
}

std::string UnlockBatchRequestBody::Encode() const { return EncodeRequest(*this); }
Result<UnlockBatchRequestBody> UnlockBatchRequestBody::Decode(std::string_view json_text) {
  return DecodeRequest<UnlockBatchRequestBody>(json_text, "UnlockBatchRequestBody");
}

std::string LockBatchResponseBody::Encode() const {
  JsonWriter w;
  w.BeginObject();
  WriteMqSet(w, "lockOKMQSet", lock_ok_mq_set);
  w.EndObject();
  return w.Take();
}

Result<LockBatchResponseBody> LockBatchResponseBody::Decode(std::string_view json_text) {
  TERN_ASSIGN_OR_RETURN(json obj, ParseLenientJsonObject(json_text, "LockBatchResponseBody"));
  LockBatchResponseBody b;
  TERN_ASSIGN_OR_RETURN(b.lock_ok_mq_set, ReadMqSet(obj, "lockOKMQSet", "LockBatchResponseBody"));
  return b;
}

}  // namespace tern::protocol
