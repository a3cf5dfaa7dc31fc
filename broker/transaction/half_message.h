// Half messages, op records and check requests as pure functions over
// records (shared/spec/features.md §4.2-4.5, remoting.md §11, quirks Q17,
// Q29, Q30). No I/O, no state: the processor and the checker call these.
//
// Any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/processor/send_processor.h"
#include "broker/topic/topic_names.h"
#include "src/base/status.h"
#include "src/base/strong_id.h"
#include "src/protocol/message_codec.h"
#include "src/remoting/remoting_command.h"

namespace tern::transaction {

// Topic names (features.md §1.2) and the op record tag.
inline constexpr std::string_view kHalfTopic = topic::kTransHalfTopic;
inline constexpr std::string_view kOpTopic = topic::kTransOpHalfTopic;
inline constexpr std::string_view kCheckMaxTimeTopic = topic::kTransCheckMaxTimeTopic;
inline constexpr std::string_view kOpTag = "d";  // TransactionalMessageUtil.REMOVETAG
// TernMQ's check-count records (a system topic by its rmq_sys_ prefix; one
// queue): after a round that sent checks, one record names each checked half
// offset with its check count and next check time, so that a restart resumes
// the counts (RocketMQ keeps them in the re-appended half message's
// TRANSACTION_CHECK_TIMES instead).
inline constexpr std::string_view kCheckTimesTopic = "rmq_sys_tern_trans_check_times";
// TernMQ's own property on op records: "commit" or "rollback", so that a
// restart knows which decision was taken (RocketMQ ignores unknown properties).
inline constexpr std::string_view kDecisionProperty = "__TERN_TX_DECISION";

enum class Decision : uint8_t { kCommit, kRollback };
std::string_view DecisionName(Decision d);  // "commit" / "rollback"

// A record that owns its strings (MessageRecord holds views).
struct OwnedRecord {
  protocol::MessageRecord fields;  // scalars; its views are ignored
  std::string topic;
  std::string body;
  std::string properties;
  // The record for CommitLog::Submit / MessageStore::PutMessage (valid while *this lives).
  protocol::MessageRecord AsRecord() const;
};
OwnedRecord Own(const protocol::MessageRecord& r);

// What a stored half record says about its transaction.
struct HalfInfo {
  std::string real_topic;
  int32_t real_queue_id = 0;
  std::string producer_group;  // PGROUP (may be empty)
  std::string uniq_key;        // UNIQ_KEY (may be empty)
  // CHECK_IMMUNITY_TIME_IN_SECONDS × 1000 when set and valid.
  std::optional<int64_t> immunity_ms;
};
// InvalidArgument when REAL_TOPIC / REAL_QID are missing or malformed.
Result<HalfInfo> ParseHalf(const protocol::MessageRecord& half);

// SendHooks::half_message: REAL_TOPIC/REAL_QID added, transaction bits of
// sysFlag reset to NOT_TYPE, topic := RMQ_SYS_TRANS_HALF_TOPIC, queue 0.
Status ToHalfMessage(processor::OutgoingMessage& msg);

// The committed message (features.md §4.3 step 4): topic REAL_TOPIC, queue
// REAL_QID, same body/flag/born/reconsume/properties (TRAN_MSG, PGROUP and
// REAL_* kept, Q30), sysFlag transaction bits COMMIT, prepared transaction
// offset = the half record's commit-log offset.
Result<OwnedRecord> BuildCommitRecord(const protocol::MessageRecord& half);

// The op record of a decision (features.md §4.4, 4.9 form): op topic, queue
// 0, tag "d", body = decimal half queue offset, born/store host = broker.
OwnedRecord BuildOpRecord(QueueOffset half_offset, Decision d,
                          const protocol::HostAddress& broker_host, int64_t now_ms);
// Half queue offsets named by an op body ("12" or "12,13,"); junk ignored.
std::vector<int64_t> ParseOpBody(std::string_view body);
// The decision an op record carries; commit when the property is absent
// (a RocketMQ-written op record: the decision kind is not recorded there).
Decision OpDecision(const protocol::MessageRecord& op);

// One entry of a check-times record.
struct CheckTimes {
  int64_t half_offset = 0;
  int32_t checks = 0;
  int64_t next_check_ms = 0;
  bool operator==(const CheckTimes&) const = default;
};
// The check-times record: topic kCheckTimesTopic, queue 0, body =
// "<half>:<checks>:<nextCheckMs>" entries joined by ','.
OwnedRecord BuildCheckTimesRecord(const std::vector<CheckTimes>& entries,
                                  const protocol::HostAddress& broker_host, int64_t now_ms);
// The entries of a check-times body; malformed entries are skipped.
std::vector<CheckTimes> ParseCheckTimesBody(std::string_view body);

// The copy parked in TRANS_CHECK_MAX_TIME_TOPIC after too many checks:
// properties TRAN_PREPARED_QUEUE_OFFSET = half queue offset and
// TRANSACTION_CHECK_TIMES = checks.
OwnedRecord BuildDiscardRecord(const protocol::MessageRecord& half, int32_t checks);
// The half queue offset a discarded copy refers to; nullopt if absent.
std::optional<int64_t> DiscardedHalfOffset(const protocol::MessageRecord& discarded);
// RESUME_CHECK_HALF_MESSAGE: a fresh half record from a discarded copy (the
// two properties above removed). InvalidArgument when it is not one.
Result<OwnedRecord> BuildResumeRecord(const protocol::MessageRecord& discarded);

// CHECK_TRANSACTION_STATE (39), oneway JSON (remoting.md §11, Q29): header
// tranStateTableOffset, commitLogOffset, msgId, transactionId, offsetMsgId,
// topic, bname; body = the half record in stored-message format with topic =
// REAL_TOPIC, queueId = REAL_QID, every property kept and
// TRANSACTION_CHECK_TIMES = check_times.
Result<remoting::RemotingCommand> BuildCheckRequest(const protocol::MessageRecord& half,
                                                    int32_t check_times,
                                                    const std::string& broker_name);

}  // namespace tern::transaction
