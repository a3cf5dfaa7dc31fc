#include "src/protocol/message_queue.h"

#include <nlohmann/json.hpp>

#include "src/protocol/json_writer.h"
#include "src/protocol/lenient_json.h"

namespace tern::protocol {

void MessageQueue::WriteJson(JsonWriter& w) const {
  w.BeginObject();
  w.Key("brokerName").String(broker_name);
  w.Key("queueId").Int(queue_id);
  w.Key("topic").String(topic);
  w.EndObject();
}

std::string MessageQueue::Encode() const {
  JsonWriter w;
  WriteJson(w);
  return w.Take();
}

Result<MessageQueue> MessageQueue::FromJson(const nlohmann::json& obj) {
  if (!obj.is_object()) return Status::InvalidArgument("MessageQueue: expected an object");
  MessageQueue mq;
  TERN_ASSIGN_OR_RETURN(mq.topic, JsonString(obj, "topic", ""));
  TERN_ASSIGN_OR_RETURN(mq.broker_name, JsonString(obj, "brokerName", ""));
  TERN_ASSIGN_OR_RETURN(mq.queue_id, JsonInt32(obj, "queueId", 0));
  return mq;
}

}  // namespace tern::protocol
