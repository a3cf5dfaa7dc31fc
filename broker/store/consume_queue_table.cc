#include "broker/store/consume_queue_table.h"

#include <algorithm>

#include "src/base/logging.h"
#include "src/base/properties.h"

namespace tern::store {

ConsumeQueueTable::ConsumeQueueTable(FileIo& io, std::string dir, ConsumeQueue::Options options)
    : io_(io), dir_(std::move(dir)), options_(options) {}

std::string ConsumeQueueTable::QueueDir(std::string_view topic, QueueId queue_id) const {
  return fmt::format("{}/{}/{}", dir_, topic, queue_id.value());
}

Status ConsumeQueueTable::Load() {
  if (!io_.Exists(dir_)) return Status::Ok();
  TERN_ASSIGN_OR_RETURN(auto topics, io_.ListDir(dir_));
  std::sort(topics.begin(), topics.end());
  for (const auto& topic : topics) {
    auto ids = io_.ListDir(dir_ + "/" + topic);
    if (!ids.ok()) continue;  // a stray file, not a topic directory
    for (const auto& id_text : *ids) {
      auto id = ParseInt64(id_text);
      if (!id.ok() || *id < 0 || *id > INT32_MAX) {
        TERN_LOG_WARN("consume queue dir {}/{}: ignoring '{}'", dir_, topic, id_text);
        continue;
      }
      QueueId qid(static_cast<int32_t>(*id));
      auto cq = ConsumeQueue::Open(io_, QueueDir(topic, qid), topic, qid, options_);
      if (!cq.ok()) return cq.status().WithContext(fmt::format("load {}-{}", topic, *id));
      std::lock_guard lock(mu_);
      queues_[topic][qid.value()] = std::move(cq).value();
    }
  }
  return Status::Ok();
}

ConsumeQueue* ConsumeQueueTable::Find(std::string_view topic, QueueId queue_id) const {
  std::lock_guard lock(mu_);
  auto t = queues_.find(topic);
  if (t == queues_.end()) return nullptr;
  auto q = t->second.find(queue_id.value());
  return q == t->second.end() ? nullptr : q->second.get();
}

Result<ConsumeQueue*> ConsumeQueueTable::FindOrCreate(std::string_view topic, QueueId queue_id) {
  if (ConsumeQueue* cq = Find(topic, queue_id)) return cq;
  // Opening an absent directory touches no file; the first Append creates it.
  TERN_ASSIGN_OR_RETURN(auto cq, ConsumeQueue::Open(io_, QueueDir(topic, queue_id),
                                                    std::string(topic), queue_id, options_));
  std::lock_guard lock(mu_);
  auto& slot = queues_[std::string(topic)][queue_id.value()];
  if (!slot) slot = std::move(cq);
  return slot.get();
}

std::vector<ConsumeQueue*> ConsumeQueueTable::All() const {
  std::vector<ConsumeQueue*> out;
  std::lock_guard lock(mu_);
  for (const auto& [topic, queues] : queues_) {
    for (const auto& [id, cq] : queues) out.push_back(cq.get());
  }
  return out;
}

std::vector<ConsumeQueue*> ConsumeQueueTable::QueuesOf(std::string_view topic) const {
  std::vector<ConsumeQueue*> out;
  std::lock_guard lock(mu_);
  auto t = queues_.find(topic);
  if (t == queues_.end()) return out;
  for (const auto& [id, cq] : t->second) out.push_back(cq.get());
  return out;
}

PhysicalOffset ConsumeQueueTable::MaxPhysicalEnd() const {
  PhysicalOffset end(0);
  for (ConsumeQueue* cq : All()) end = std::max(end, cq->max_physical_end());
  return end;
}

Status ConsumeQueueTable::TruncateFrom(PhysicalOffset end) {
  for (ConsumeQueue* cq : All()) TERN_RETURN_IF_ERROR(cq->TruncateFrom(end));
  return Status::Ok();
}

void ConsumeQueueTable::CorrectMinOffsets(PhysicalOffset log_min) {
  for (ConsumeQueue* cq : All()) cq->CorrectMinOffset(log_min);
}

Result<int> ConsumeQueueTable::DeleteFilesBelow(PhysicalOffset log_min) {
  int deleted = 0;
  for (ConsumeQueue* cq : All()) {
    TERN_ASSIGN_OR_RETURN(int n, cq->DeleteFilesBelow(log_min));
    deleted += n;
  }
  return deleted;
}

Status ConsumeQueueTable::FlushAll() {
  for (ConsumeQueue* cq : All()) TERN_RETURN_IF_ERROR(cq->Flush());
  return Status::Ok();
}

Status ConsumeQueueTable::DestroyAll() {
  for (ConsumeQueue* cq : All()) TERN_RETURN_IF_ERROR(cq->Destroy());
  return Status::Ok();
}

}  // namespace tern::store
