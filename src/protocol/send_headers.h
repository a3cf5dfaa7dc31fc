// Typed headers of SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and
// SEND_BATCH_MESSAGE (320) (shared/spec/requests.md §B.1).
//
// V1 (code 10) uses the full field names; V2 (codes 310, 320) the same fields
// under one-letter names:
//   a producerGroup  b topic  c defaultTopic  d defaultTopicQueueNums  e queueId
//   f sysFlag  g bornTimestamp  h flag  i properties  j reconsumeTimes
//   k unitMode  l maxReconsumeTimes  m batch  n brokerName (V1: bname)
// Both parse to one struct. The batch path is chosen by the `batch` flag,
// never by the code (quirks Q41). Numbers are decimal strings (JSON numbers
// sent by C++/Node were stringified by the codec, Q2); booleans are true iff
// "true" ignoring case (Q36). A missing required field or a malformed number
// is InvalidArgument naming the field.
//
// Plain value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "src/base/status.h"
#include "src/protocol/header_fields.h"

namespace tern::protocol {

struct SendMessageRequestHeader {
  std::string producer_group;
  std::string topic;
  std::string default_topic;
  int32_t default_topic_queue_nums = 4;
  int32_t queue_id = 0;  // < 0: the broker picks a writable queue
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  int32_t flag = 0;
  std::optional<std::string> properties;
  std::optional<int32_t> reconsume_times;
  bool unit_mode = false;
  bool batch = false;
  std::optional<int32_t> max_reconsume_times;
  std::optional<std::string> broker_name;  // V1 "bname", V2 "n"

  bool operator==(const SendMessageRequestHeader&) const = default;

  // V2 names for codes 310 and 320, V1 names for every other code.
  static Result<SendMessageRequestHeader> Parse(int32_t request_code, const HeaderFields& fields);
  static Result<SendMessageRequestHeader> ParseV1(const HeaderFields& fields);
  static Result<SendMessageRequestHeader> ParseV2(const HeaderFields& fields);
  // Writes the fields (optional ones only when set; unitMode/batch always).
  void EncodeV1(HeaderFields* fields) const;
  void EncodeV2(HeaderFields* fields) const;
};

struct SendMessageResponseHeader {
  std::string msg_id;  // offset msgId; batch: comma-joined (quirks Q17)
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  std::optional<std::string> transaction_id;  // 5.x: the UNIQ_KEY
  std::optional<std::string> batch_uniq_id;   // 5.x

  bool operator==(const SendMessageResponseHeader&) const = default;

  // msgId, queueId, queueOffset always (quirks Q11); the rest when set. The
  // processor adds MSG_REGION / TRACE_ON itself.
  void Encode(HeaderFields* fields) const;
  static Result<SendMessageResponseHeader> Parse(const HeaderFields& fields);
};

}  // namespace tern::protocol
