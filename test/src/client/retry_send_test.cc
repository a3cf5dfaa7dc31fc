// BuildRetryTopicSend: the request an orderly consumer sends to dead-letter a
// message (Java ConsumeMessageOrderlyService.sendMessageBack + sendKernelImpl).
#include <doctest/doctest.h>

#include "src/client/retry_send.h"
#include "src/protocol/codes.h"
#include "src/protocol/message_properties.h"
#include "src/protocol/send_headers.h"

namespace tern::client {
namespace {

ternmq::MessageView Consumed() {
  ternmq::MessageView m;
  m.msg_id = "UNIQ-1";
  m.offset_msg_id = "7F00000100002A9F0000000000000064";
  m.topic = "Orders";  // restored from RETRY_TOPIC when consumed from the retry topic
  m.body = "payload";
  m.flag = 7;
  m.reconsume_times = 5;
  m.properties = {{"TAGS", "A"},      {"KEYS", "k1"},     {"UNIQ_KEY", "UNIQ-1"},
                  {"biz", "v"},       {"TRAN_MSG", "true"}, {"DELAY", "2"},
                  {"RECONSUME_TIME", "9"}};
  return m;
}

TEST_CASE("a dead-letter send carries the counts in the header and every property") {
  const ternmq::MessageQueue q{"%RETRY%CG", "broker-a", 0};
  remoting::RemotingCommand req = BuildRetryTopicSend("CG", Consumed(), q, 6, 5, 1234);
  CHECK(req.code == protocol::RequestCode::kSendMessageV2);
  auto h = protocol::SendMessageRequestHeader::Parse(req.code, req.ext_fields);
  REQUIRE_MESSAGE(h.ok(), h.status().ToString());
  CHECK(h->topic == "%RETRY%CG");
  CHECK(h->producer_group == kClientInnerProducerGroup);
  CHECK(h->queue_id == 0);
  CHECK(h->reconsume_times == 6);
  CHECK(h->max_reconsume_times == 5);
  CHECK(h->flag == 7);
  CHECK(h->sys_flag == 0);
  CHECK(h->born_timestamp == 1234);
  CHECK(req.body == "payload");
  auto props = protocol::MessageProperties::Parse(h->properties.value_or(""));
  CHECK(props.Get("TAGS") == "A");
  CHECK(props.Get("KEYS") == "k1");
  CHECK(props.Get("UNIQ_KEY") == "UNIQ-1");
  CHECK(props.Get("biz") == "v");
  CHECK(props.Get("RETRY_TOPIC") == "Orders");
  CHECK(props.Get("ORIGIN_MESSAGE_ID") == "UNIQ-1");
  CHECK(props.Get("DELAY") == "8");  // 3 + reconsume times
  CHECK_FALSE(props.Has("TRAN_MSG"));
  CHECK_FALSE(props.Has("RECONSUME_TIME"));  // travels in the header
}

TEST_CASE("a dead-letter send keeps an existing ORIGIN_MESSAGE_ID") {
  ternmq::MessageView m = Consumed();
  m.properties["ORIGIN_MESSAGE_ID"] = "FIRST";
  remoting::RemotingCommand req =
      BuildRetryTopicSend("CG", m, {"%RETRY%CG", "broker-a", 0}, 6, 5, 1);
  auto h = protocol::SendMessageRequestHeader::Parse(req.code, req.ext_fields);
  REQUIRE(h.ok());
  auto props = protocol::MessageProperties::Parse(h->properties.value_or(""));
  CHECK(props.Get("ORIGIN_MESSAGE_ID") == "FIRST");
}

}  // namespace
}  // namespace tern::client
