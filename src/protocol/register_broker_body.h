// RegisterBrokerBody: the body of REGISTER_BROKER (shared/spec/requests.md
// §A.1, §C.12) in its two forms.
//
// JSON (default):
//   {"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{...},
//    "topicConfigTable":{...}}}
// Compressed (header `compressed=true`, Java option compressedRegister): a
// zlib stream of big-endian int32-length-prefixed parts:
//   len + DataVersion JSON; topicCount; per topic len + TopicConfig line
//   (TopicConfig::EncodeLine); len + filter-server JSON array;
//   (5.x) count + per item len + TopicQueueMappingInfo JSON -- ignored here.
// The compressed form loses topicSysFlag and order.
//
// Plain value type.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/base/status.h"
#include "src/protocol/topic_config.h"

namespace tern::protocol {

struct RegisterBrokerBody {
  TopicConfigSerializeWrapper topic_config_serialize_wrapper;
  std::vector<std::string> filter_server_list;

  bool operator==(const RegisterBrokerBody&) const = default;

  std::string Encode() const;
  // zlib (level 9) of the length-prefixed form above.
  Result<std::string> EncodeCompressed() const;
  // `compressed` is the request header flag. An inflated body above
  // `kMaxInflatedBytes` is rejected.
  static Result<RegisterBrokerBody> Decode(std::string_view body, bool compressed);

  static constexpr size_t kMaxInflatedBytes = 256u << 20;
};

}  // namespace tern::protocol
