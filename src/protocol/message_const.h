// Constants of the stored message record (shared/spec/message-format.md §1-§4, §11):
// magic codes, sysFlag bits, property keys and limits.
#pragma once

#include <cstdint>
#include <string_view>

namespace tern::protocol {

// MAGICCODE of a stored record. V2 (2-byte topic length) only for topics > 127 bytes.
inline constexpr uint32_t kMessageMagicV1 = 0xDAA320A7u;  // -626843481
inline constexpr uint32_t kMessageMagicV2 = 0xDAA320ABu;  // -626843477

// sysFlag bits (message-format.md §4).
namespace MessageSysFlag {
inline constexpr int32_t kCompressed = 0x1;
inline constexpr int32_t kMultiTags = 0x2;
inline constexpr int32_t kTransactionNotType = 0x0;
inline constexpr int32_t kTransactionPrepared = 0x4;
inline constexpr int32_t kTransactionCommit = 0x8;
inline constexpr int32_t kTransactionRollback = 0xC;
inline constexpr int32_t kTransactionMask = 0xC;
inline constexpr int32_t kBornHostV6 = 0x10;
inline constexpr int32_t kStoreHostV6 = 0x20;
inline constexpr int32_t kNeedUnwrap = 0x40;
inline constexpr int32_t kInnerBatch = 0x80;
inline constexpr int32_t kCompressionTypeMask = 0x700;
inline constexpr int32_t kCompressionTypeShift = 8;
}  // namespace MessageSysFlag

// Transaction type bits of a sysFlag (one of kTransaction*).
inline constexpr int32_t TransactionType(int32_t sys_flag) {
  return sys_flag & MessageSysFlag::kTransactionMask;
}
// PREPARED and ROLLBACK records get queue offset 0 and are not dispatched to consume queues.
inline constexpr bool TakesQueueOffset(int32_t sys_flag) {
  int32_t t = TransactionType(sys_flag);
  return t == MessageSysFlag::kTransactionNotType || t == MessageSysFlag::kTransactionCommit;
}

// Separators of the properties string (§2).
inline constexpr char kNameValueSeparator = '\x01';
inline constexpr char kPropertySeparator = '\x02';

// Property keys (wire strings, §3).
namespace PropertyKey {
inline constexpr std::string_view kKeys = "KEYS";
inline constexpr std::string_view kTags = "TAGS";
inline constexpr std::string_view kWaitStoreMsgOk = "WAIT";
inline constexpr std::string_view kDelayTimeLevel = "DELAY";
inline constexpr std::string_view kRetryTopic = "RETRY_TOPIC";
inline constexpr std::string_view kRealTopic = "REAL_TOPIC";
inline constexpr std::string_view kRealQueueId = "REAL_QID";
inline constexpr std::string_view kTransactionPrepared = "TRAN_MSG";
inline constexpr std::string_view kProducerGroup = "PGROUP";
inline constexpr std::string_view kMinOffset = "MIN_OFFSET";
inline constexpr std::string_view kMaxOffset = "MAX_OFFSET";
inline constexpr std::string_view kBuyerId = "BUYER_ID";
inline constexpr std::string_view kOriginMessageId = "ORIGIN_MESSAGE_ID";
inline constexpr std::string_view kTransferFlag = "TRANSFER_FLAG";
inline constexpr std::string_view kCorrectionFlag = "CORRECTION_FLAG";
inline constexpr std::string_view kMq2Flag = "MQ2_FLAG";
inline constexpr std::string_view kReconsumeTime = "RECONSUME_TIME";
inline constexpr std::string_view kMsgRegion = "MSG_REGION";
inline constexpr std::string_view kTraceSwitch = "TRACE_ON";
inline constexpr std::string_view kUniqClientMessageIdKeyIdx = "UNIQ_KEY";
inline constexpr std::string_view kExtendUniqInfo = "EXTEND_UNIQ_INFO";
inline constexpr std::string_view kMaxReconsumeTimes = "MAX_RECONSUME_TIMES";
inline constexpr std::string_view kConsumeStartTimestamp = "CONSUME_START_TIME";
inline constexpr std::string_view kInnerNum = "INNER_NUM";
inline constexpr std::string_view kInnerBase = "INNER_BASE";
inline constexpr std::string_view kDupInfo = "DUP_INFO";
inline constexpr std::string_view kCheckImmunityTimeInSeconds = "CHECK_IMMUNITY_TIME_IN_SECONDS";
inline constexpr std::string_view kTransactionPreparedQueueOffset = "TRAN_PREPARED_QUEUE_OFFSET";
inline constexpr std::string_view kTransactionId = "__transactionId__";
inline constexpr std::string_view kTransactionCheckTimes = "TRANSACTION_CHECK_TIMES";
inline constexpr std::string_view kInstanceId = "INSTANCE_ID";
inline constexpr std::string_view kCorrelationId = "CORRELATION_ID";
inline constexpr std::string_view kReplyToClient = "REPLY_TO_CLIENT";
inline constexpr std::string_view kTtl = "TTL";
inline constexpr std::string_view kArriveTime = "ARRIVE_TIME";
inline constexpr std::string_view kPushReplyTime = "PUSH_REPLY_TIME";
inline constexpr std::string_view kMessageType = "MSG_TYPE";
inline constexpr std::string_view kCluster = "CLUSTER";
inline constexpr std::string_view kPopCk = "POP_CK";
inline constexpr std::string_view kPopCkOffset = "POP_CK_OFFSET";
inline constexpr std::string_view kFirstPopTime = "1ST_POP_TIME";
inline constexpr std::string_view kShardingKey = "__SHARDINGKEY";
inline constexpr std::string_view kForwardQueueId = "PROPERTY_FORWARD_QUEUE_ID";
inline constexpr std::string_view kRedirect = "REDIRECT";
inline constexpr std::string_view kInnerMultiDispatch = "INNER_MULTI_DISPATCH";
inline constexpr std::string_view kInnerMultiQueueOffset = "INNER_MULTI_QUEUE_OFFSET";
inline constexpr std::string_view kTraceContext = "TRACE_CONTEXT";
inline constexpr std::string_view kTimerDeliverMs = "TIMER_DELIVER_MS";
inline constexpr std::string_view kTimerDelaySec = "TIMER_DELAY_SEC";
inline constexpr std::string_view kTimerDelayMs = "TIMER_DELAY_MS";
inline constexpr std::string_view kTimerOutMs = "TIMER_OUT_MS";
inline constexpr std::string_view kTimerEnqueueMs = "TIMER_ENQUEUE_MS";
inline constexpr std::string_view kTimerDequeueMs = "TIMER_DEQUEUE_MS";
inline constexpr std::string_view kTimerRollTimes = "TIMER_ROLL_TIMES";
inline constexpr std::string_view kTimerDelUniqKey = "TIMER_DEL_UNIQKEY";
inline constexpr std::string_view kTimerDelayLevel = "TIMER_DELAY_LEVEL";
inline constexpr std::string_view kBornHost = "__BORNHOST";
inline constexpr std::string_view kBornTimestamp = "BORN_TIMESTAMP";
inline constexpr std::string_view kCrc32 = "__CRC32#";
inline constexpr std::string_view kDlqOriginTopic = "DLQ_ORIGIN_TOPIC";
inline constexpr std::string_view kDlqOriginMessageId = "DLQ_ORIGIN_MESSAGE_ID";
inline constexpr std::string_view kTransientPrefix = "__RMQ.TRANSIENT.";
// Not Apache: ali-ons / Aliyun ONS absolute delivery time (ms). Treated like TIMER_DELIVER_MS.
inline constexpr std::string_view kStartDeliverTime = "__STARTDELIVERTIME";
}  // namespace PropertyKey

// Limits (§11).
inline constexpr int32_t kMaxMessageBodySize = 4 * 1024 * 1024;  // maxMessageSize
inline constexpr int32_t kMaxPropertiesSize = 32767;
inline constexpr int32_t kMaxTopicLength = 127;        // longest topic written with V1 magic
inline constexpr int32_t kMaxSystemTopicLength = 255;  // %RETRY% / %DLQ% topics (5.x)
inline constexpr int32_t kMaxGroupLength = 255;

}  // namespace tern::protocol
