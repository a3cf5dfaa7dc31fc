// ConsumeQueueTable: every ConsumeQueue of the store, by (topic, queueId),
// under <root>/consumequeue. Queues are created on demand by dispatch; an
// unknown queue reads as an empty one (storage.md §9).
//
// Queue objects live as long as the table (deleting a topic destroys its
// files, not the object), so a ConsumeQueue* handed out stays valid.
//
// Any thread; internally synchronized (mu_ guards the map only).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "broker/store/consume_queue.h"
#include "broker/store/file_io.h"
#include "src/base/status.h"
#include "src/base/strong_id.h"

namespace tern::store {

class ConsumeQueueTable {
 public:
  // `dir` is <root>/consumequeue. `io` must outlive the table.
  ConsumeQueueTable(FileIo& io, std::string dir, ConsumeQueue::Options options);
  ConsumeQueueTable(const ConsumeQueueTable&) = delete;
  ConsumeQueueTable& operator=(const ConsumeQueueTable&) = delete;

  // Opens (and recovers) every queue found on disk. Call once, first.
  Status Load();

  // nullptr when the queue does not exist.
  ConsumeQueue* Find(std::string_view topic, QueueId queue_id) const;
  // Opens an empty queue when absent (dispatch thread).
  Result<ConsumeQueue*> FindOrCreate(std::string_view topic, QueueId queue_id);
  // Every queue, ordered by topic then queue id.
  std::vector<ConsumeQueue*> All() const;
  std::vector<ConsumeQueue*> QueuesOf(std::string_view topic) const;

  // Largest max_physical_end() over all queues: where dispatch resumes.
  PhysicalOffset MaxPhysicalEnd() const;

  // Recovery: TruncateFrom(end) then CorrectMinOffset(log_min) on every queue.
  Status TruncateFrom(PhysicalOffset end);
  void CorrectMinOffsets(PhysicalOffset log_min);
  // Retention: DeleteFilesBelow(log_min) on every queue; returns files deleted.
  Result<int> DeleteFilesBelow(PhysicalOffset log_min);
  // Dispatch thread: makes every appended unit durable.
  Status FlushAll();
  // Removes every file of every queue (rebuild from scratch).
  Status DestroyAll();

  const std::string& dir() const { return dir_; }

 private:
  std::string QueueDir(std::string_view topic, QueueId queue_id) const;

  FileIo& io_;
  const std::string dir_;
  const ConsumeQueue::Options options_;
  mutable std::mutex mu_;
  // GUARDED_BY(mu_)
  std::map<std::string, std::map<int32_t, std::unique_ptr<ConsumeQueue>>, std::less<>> queues_;
};

}  // namespace tern::store
