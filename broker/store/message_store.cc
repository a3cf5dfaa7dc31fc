#include "broker/store/message_store.h"

#include <algorithm>

#include "broker/store/consume_queue_format.h"
#include "broker/store/store_format.h"
#include "src/base/logging.h"
#include "src/protocol/message_codec.h"

namespace tern::store {

MessageStore::MessageStore(const MessageStoreOptions& options, const Clock& clock)
    : options_(options), clock_(clock) {}

MessageStore::~MessageStore() { Close().IgnoreError(); }

Result<std::unique_ptr<MessageStore>> MessageStore::Open(const MessageStoreOptions& options,
                                                         meta::MetaDb& meta, FileIo& io,
                                                         const Clock& clock) {
  std::unique_ptr<MessageStore> store(new MessageStore(options, clock));
  Status s = store->Recover(meta, io);
  if (!s.ok()) {
    store->closed_ = true;  // leave the abort marker: the next open recovers again
    return s.WithContext("open message store " + options.root_dir);
  }
  return store;
}

Status MessageStore::Recover(meta::MetaDb& meta, FileIo& io) {
  const std::string& root = options_.root_dir;
  TERN_ASSIGN_OR_RETURN(lock_, StoreLock::Acquire(root));
  const bool crashed = lock_->previous_run_crashed();
  TERN_ASSIGN_OR_RETURN(checkpoint_, Checkpoint::Open(io, root + "/" + std::string(kCheckpointFile)));

  CommitLogOptions log_options = options_.commit_log;
  if (log_options.dir.empty()) log_options.dir = root + "/" + std::string(kCommitLogDir);
  TERN_ASSIGN_OR_RETURN(log_, CommitLog::Open(log_options, io, *checkpoint_, crashed, clock_));
  const PhysicalOffset log_end = log_->WrittenEnd();
  const PhysicalOffset log_min = log_->MinOffset();

  queues_ = std::make_unique<ConsumeQueueTable>(io, root + "/" + std::string(kConsumeQueueDir),
                                                options_.consume_queue);
  TERN_RETURN_IF_ERROR(queues_->Load());
  TERN_RETURN_IF_ERROR(queues_->TruncateFrom(log_end));
  queues_->CorrectMinOffsets(log_min);

  cursors_ = std::make_unique<meta::CursorTable>(meta);
  PhysicalOffset reput_from = queues_->MaxPhysicalEnd();
  if (options_.key_index) {
    key_index_ = std::make_unique<meta::KeyIndex>(meta);
    TERN_RETURN_IF_ERROR(key_index_->TruncateFrom(log_end));
    TERN_ASSIGN_OR_RETURN(PhysicalOffset indexed, key_index_->IndexedEnd());
    reput_from = std::min(reput_from, indexed);
  }
  reput_from = std::max(reput_from, log_min);
  TERN_LOG_INFO("store {}: log [{}, {}), dispatch resumes at {}{}", root, log_min, log_end,
                reput_from, crashed ? " (previous run crashed)" : "");

  reput_ = std::make_unique<ReputService>(*log_, *queues_, key_index_.get(), checkpoint_.get(),
                                          clock_, options_.reput);
  reput_->set_reput_from(reput_from);
  TERN_RETURN_IF_ERROR(CatchUp());
  return lock_->CreateAbortMarker();
}

// Dispatches everything written so far on this thread and makes the queues'
// max offsets the CommitLog's next queue offsets.
Status MessageStore::CatchUp() {
  TERN_RETURN_IF_ERROR(reput_->RunOnce().status());
  TERN_RETURN_IF_ERROR(reput_->FlushQueues());
  SyncNextQueueOffsets();
  return Status::Ok();
}

void MessageStore::SyncNextQueueOffsets() {
  for (ConsumeQueue* cq : queues_->All()) {
    log_->SetNextQueueOffset(cq->topic(), cq->queue_id(), cq->max_offset());
  }
}

void MessageStore::set_arrival_listener(MessageArrivalListener listener) {
  TERN_CHECK(!started_) << "set_arrival_listener after Start";
  reput_->set_listener(std::move(listener));
}

void MessageStore::Start() {
  if (started_ || closed_) return;
  started_ = true;
  reput_->Start();
  // The writer thread dispatches what it just wrote when it has nothing else
  // queued, so the dispatch thread is not woken for every message.
  log_->SetIdleDispatch([reput = reput_.get()] { return reput->TryDispatch(); });
}

Status MessageStore::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  log_->SetIdleDispatch(nullptr);
  reput_->Stop();
  Status result = log_->Close();
  // Everything the log holds now gets dispatched and flushed, so that the next
  // start finds the queues complete (it would catch up anyway).
  if (reput_->error().ok()) {
    Status s = reput_->RunOnce().status();
    if (s.ok()) s = reput_->FlushQueues();
    if (result.ok()) result = s;
  }
  if (result.ok()) result = checkpoint_->Flush();
  // Only a fully clean close counts as a clean shutdown.
  if (result.ok()) result = lock_->RemoveAbortMarker();
  return result;
}

PutResult MessageStore::PutMessage(const protocol::MessageRecord& msg, bool wait_for_flush) {
  return log_->Append(msg, wait_for_flush);
}

PutResult MessageStore::PutMessages(const protocol::MessageRecord& header,
                                    std::span<const protocol::BatchEntry> entries,
                                    bool wait_for_flush) {
  return log_->AppendBatch(header, entries, wait_for_flush);
}

GetMessageResult MessageStore::GetMessage(std::string_view group, std::string_view topic,
                                          QueueId queue_id, QueueOffset offset,
                                          int32_t max_msg_nums, int32_t max_bytes,
                                          const MessageFilter* filter) const {
  GetMessageRequest req;
  req.group = group;
  req.topic = topic;
  req.queue_id = queue_id;
  req.offset = offset;
  req.max_msg_nums = max_msg_nums;
  req.max_bytes = max_bytes;
  req.filter = filter;
  return ReadMessages(*log_, *queues_, options_.read, req);
}

QueueOffset MessageStore::GetMinOffset(std::string_view topic, QueueId queue_id) const {
  const ConsumeQueue* cq = queues_->Find(topic, queue_id);
  return cq ? cq->min_offset() : QueueOffset(0);
}

QueueOffset MessageStore::GetMaxOffset(std::string_view topic, QueueId queue_id) const {
  const ConsumeQueue* cq = queues_->Find(topic, queue_id);
  return cq ? cq->max_offset() : QueueOffset(0);
}

QueueOffset MessageStore::GetOffsetByTime(std::string_view topic, QueueId queue_id,
                                          int64_t timestamp_ms, BoundaryType boundary) const {
  const ConsumeQueue* cq = queues_->Find(topic, queue_id);
  if (!cq) return QueueOffset(0);
  return cq->SearchOffsetByTime(timestamp_ms, boundary,
                                [this](const CqUnit& unit) -> std::optional<int64_t> {
                                  auto view = log_->ReadRange(unit.offset, unit.size);
                                  if (!view.ok()) return std::nullopt;
                                  auto rec = protocol::DecodeMessageRecord(view->data());
                                  if (!rec.ok()) return std::nullopt;
                                  return rec->store_timestamp;
                                });
}

int64_t MessageStore::GetMessageStoreTime(std::string_view topic, QueueId queue_id,
                                          QueueOffset offset) const {
  const ConsumeQueue* cq = queues_->Find(topic, queue_id);
  if (!cq) return -1;
  auto unit = cq->ReadUnit(offset);
  if (!unit || unit->IsPlaceholder()) return -1;
  auto view = log_->ReadRange(unit->offset, unit->size);
  if (!view.ok()) return -1;
  auto rec = protocol::DecodeMessageRecord(view->data());
  return rec.ok() ? rec->store_timestamp : -1;
}

int64_t MessageStore::GetEarliestMessageTime(std::string_view topic, QueueId queue_id) const {
  return GetMessageStoreTime(topic, queue_id, GetMinOffset(topic, queue_id));
}

Result<LogView> MessageStore::LookMessageByOffset(PhysicalOffset offset) const {
  return log_->ReadRecord(offset);
}

QueryMessageResult MessageStore::Query(std::string_view topic, std::string_view key, int max_num,
                                       int64_t begin_ms, int64_t end_ms) const {
  QueryMessageResult result;
  if (!key_index_) return result;
  auto last = key_index_->LastUpdate();
  if (last.ok()) {
    result.index_last_update_timestamp = last->store_time_ms;
    result.index_last_update_phy_offset = last->offset;
  }
  auto hits = key_index_->Query(topic, key, begin_ms, end_ms, max_num);
  if (!hits.ok()) {
    TERN_LOG_WARN("query {}#{}: {}", topic, key, hits.status().ToString());
    return result;
  }
  for (const meta::KeyIndexHit& hit : *hits) {
    auto view = log_->ReadRecord(hit.offset);
    if (view.ok()) result.messages.push_back(std::move(view).value());  // else: removed
  }
  return result;
}

QueryMessageResult MessageStore::QueryMessage(std::string_view topic, std::string_view key,
                                              int max_num, int64_t begin_ms,
                                              int64_t end_ms) const {
  return Query(topic, key, std::min(max_num, options_.max_query_messages), begin_ms, end_ms);
}

QueryMessageResult MessageStore::QueryMessageByUniqueKey(std::string_view topic,
                                                         std::string_view uniq_key,
                                                         int64_t begin_ms, int64_t end_ms) const {
  return Query(topic, uniq_key, options_.unique_key_query_max, begin_ms, end_ms);
}

Result<int> MessageStore::CleanQueuesBelowLogMin() {
  const PhysicalOffset log_min = log_->MinOffset();
  TERN_ASSIGN_OR_RETURN(int deleted, queues_->DeleteFilesBelow(log_min));
  if (key_index_) TERN_RETURN_IF_ERROR(key_index_->DeleteBelow(log_min));
  return deleted;
}

Status MessageStore::DeleteTopic(std::string_view topic) {
  for (ConsumeQueue* cq : queues_->QueuesOf(topic)) TERN_RETURN_IF_ERROR(cq->Destroy());
  log_->RemoveTopicQueueOffsets(topic);
  return Status::Ok();
}

Status MessageStore::RebuildDerived() {
  const bool was_running = started_ && !closed_;
  reput_->Stop();
  TERN_RETURN_IF_ERROR(queues_->DestroyAll());
  if (key_index_) TERN_RETURN_IF_ERROR(key_index_->Clear());
  reput_->set_reput_from(log_->MinOffset());
  Status s = CatchUp();
  if (was_running) reput_->Start();
  return s;
}

}  // namespace tern::store
