// RocketMQ remoting request and response codes (shared/spec/remoting.md §8, §9).
#pragma once

#include <cstdint>
#include <string_view>

namespace tern::protocol {

// Request codes. Values are fixed by the wire protocol.
namespace RequestCode {
inline constexpr int32_t kSendMessage = 10;
inline constexpr int32_t kPullMessage = 11;
inline constexpr int32_t kQueryMessage = 12;
inline constexpr int32_t kQueryBrokerOffset = 13;
inline constexpr int32_t kQueryConsumerOffset = 14;
inline constexpr int32_t kUpdateConsumerOffset = 15;
inline constexpr int32_t kUpdateAndCreateTopic = 17;
inline constexpr int32_t kUpdateAndCreateTopicList = 18;
inline constexpr int32_t kGetAllTopicConfig = 21;
inline constexpr int32_t kGetTopicConfigList = 22;
inline constexpr int32_t kGetTopicNameList = 23;
inline constexpr int32_t kUpdateBrokerConfig = 25;
inline constexpr int32_t kGetBrokerConfig = 26;
inline constexpr int32_t kTriggerDeleteFiles = 27;
inline constexpr int32_t kGetBrokerRuntimeInfo = 28;
inline constexpr int32_t kSearchOffsetByTimestamp = 29;
inline constexpr int32_t kGetMaxOffset = 30;
inline constexpr int32_t kGetMinOffset = 31;
inline constexpr int32_t kGetEarliestMsgStoretime = 32;
inline constexpr int32_t kViewMessageById = 33;
inline constexpr int32_t kHeartBeat = 34;
inline constexpr int32_t kUnregisterClient = 35;
inline constexpr int32_t kConsumerSendMsgBack = 36;
inline constexpr int32_t kEndTransaction = 37;
inline constexpr int32_t kGetConsumerListByGroup = 38;
inline constexpr int32_t kCheckTransactionState = 39;
inline constexpr int32_t kNotifyConsumerIdsChanged = 40;
inline constexpr int32_t kLockBatchMq = 41;
inline constexpr int32_t kUnlockBatchMq = 42;
inline constexpr int32_t kGetAllConsumerOffset = 43;
inline constexpr int32_t kGetAllDelayOffset = 45;
inline constexpr int32_t kCheckClientConfig = 46;
inline constexpr int32_t kPutKvConfig = 100;
inline constexpr int32_t kGetKvConfig = 101;
inline constexpr int32_t kDeleteKvConfig = 102;
inline constexpr int32_t kRegisterBroker = 103;
inline constexpr int32_t kUnregisterBroker = 104;
inline constexpr int32_t kGetRouteinfoByTopic = 105;
inline constexpr int32_t kGetBrokerClusterInfo = 106;
inline constexpr int32_t kUpdateAndCreateSubscriptionGroup = 200;
inline constexpr int32_t kGetAllSubscriptionGroupConfig = 201;
inline constexpr int32_t kGetTopicStatsInfo = 202;
inline constexpr int32_t kGetConsumerConnectionList = 203;
inline constexpr int32_t kGetProducerConnectionList = 204;
inline constexpr int32_t kWipeWritePermOfBroker = 205;
inline constexpr int32_t kGetAllTopicListFromNameserver = 206;
inline constexpr int32_t kDeleteSubscriptionGroup = 207;
inline constexpr int32_t kGetConsumeStats = 208;
inline constexpr int32_t kDeleteTopicInBroker = 215;
inline constexpr int32_t kDeleteTopicInNamesrv = 216;
inline constexpr int32_t kRegisterTopicInNamesrv = 217;
inline constexpr int32_t kGetKvlistByNamespace = 219;
inline constexpr int32_t kResetConsumerClientOffset = 220;
inline constexpr int32_t kGetConsumerStatusFromClient = 221;
inline constexpr int32_t kInvokeBrokerToResetOffset = 222;
inline constexpr int32_t kInvokeBrokerToGetConsumerStatus = 223;
inline constexpr int32_t kGetTopicsByCluster = 224;
inline constexpr int32_t kQueryTopicConsumeByWho = 300;
inline constexpr int32_t kQueryConsumeTimeSpan = 303;
inline constexpr int32_t kGetSystemTopicListFromNs = 304;
inline constexpr int32_t kGetSystemTopicListFromBroker = 305;
inline constexpr int32_t kGetConsumerRunningInfo = 307;
inline constexpr int32_t kConsumeMessageDirectly = 309;
inline constexpr int32_t kSendMessageV2 = 310;
inline constexpr int32_t kGetUnitTopicList = 311;
inline constexpr int32_t kGetHasUnitSubTopicList = 312;
inline constexpr int32_t kGetHasUnitSubUnunitTopicList = 313;
inline constexpr int32_t kUpdateNamesrvConfig = 318;
inline constexpr int32_t kGetNamesrvConfig = 319;
inline constexpr int32_t kSendBatchMessage = 320;
inline constexpr int32_t kQueryConsumeQueue = 321;
inline constexpr int32_t kQueryDataVersion = 322;
inline constexpr int32_t kResumeCheckHalfMessage = 323;
inline constexpr int32_t kAddWritePermOfBroker = 327;
inline constexpr int32_t kGetTopicConfig = 351;
inline constexpr int32_t kLitePullMessage = 361;
// TernMQ-only codes (5000+; 5001 CANCEL_SCHEDULED_MESSAGE is in broker/delay/delay_format.h).
// QUERY_TRANSACTION_PENDING: header producerGroup (optional), topic (optional),
// maxCount; body = JSON list of pending transactions (broker/transaction/README.md).
inline constexpr int32_t kQueryTransactionPending = 5002;
}  // namespace RequestCode

// Response codes (RemotingSysResponseCode + ResponseCode).
namespace ResponseCode {
inline constexpr int32_t kSuccess = 0;
inline constexpr int32_t kSystemError = 1;
inline constexpr int32_t kSystemBusy = 2;
inline constexpr int32_t kRequestCodeNotSupported = 3;
inline constexpr int32_t kTransactionFailed = 4;
inline constexpr int32_t kFlushDiskTimeout = 10;
inline constexpr int32_t kSlaveNotAvailable = 11;
inline constexpr int32_t kFlushSlaveTimeout = 12;
inline constexpr int32_t kMessageIllegal = 13;
inline constexpr int32_t kServiceNotAvailable = 14;
inline constexpr int32_t kVersionNotSupported = 15;
inline constexpr int32_t kNoPermission = 16;
inline constexpr int32_t kTopicNotExist = 17;
inline constexpr int32_t kTopicExistAlready = 18;
inline constexpr int32_t kPullNotFound = 19;
inline constexpr int32_t kPullRetryImmediately = 20;
inline constexpr int32_t kPullOffsetMoved = 21;
inline constexpr int32_t kQueryNotFound = 22;
inline constexpr int32_t kSubscriptionParseFailed = 23;
inline constexpr int32_t kSubscriptionNotExist = 24;
inline constexpr int32_t kSubscriptionNotLatest = 25;
inline constexpr int32_t kSubscriptionGroupNotExist = 26;
inline constexpr int32_t kFilterDataNotExist = 27;
inline constexpr int32_t kFilterDataNotLatest = 28;
inline constexpr int32_t kInvalidParameter = 29;
inline constexpr int32_t kConsumerNotOnline = 206;
inline constexpr int32_t kConsumeMsgTimeout = 207;
inline constexpr int32_t kNoMessage = 208;
}  // namespace ResponseCode

// Language codes (remoting.md §6): JSON name <-> binary byte.
enum class LanguageCode : uint8_t {
  kJava = 0, kCpp = 1, kDotnet = 2, kPython = 3, kDelphi = 4, kErlang = 5, kRuby = 6,
  kOther = 7, kHttp = 8, kGo = 9, kPhp = 10, kOms = 11, kRust = 12, kNodeJs = 13,
};
std::string_view LanguageName(LanguageCode code);
// Unknown names map to kOther; never an error (remoting.md §3).
LanguageCode LanguageFromName(std::string_view name);
// Unknown bytes map to kOther.
LanguageCode LanguageFromByte(uint8_t b);

// Version ordinals of Java's MQVersion.Version (remoting.md §7).
inline constexpr int32_t kVersionV4_9_4 = 401;
// What TernMQ puts in every response and request it originates.
inline constexpr int32_t kOurVersion = kVersionV4_9_4;

}  // namespace tern::protocol
