#include "broker/store/segment_allocator.h"

#include "broker/store/store_format.h"
#include "src/base/logging.h"

namespace tern::store {

SegmentAllocator::SegmentAllocator(FileIo& io, std::string dir, int64_t segment_size,
                                   bool prefault)
    : io_(io), dir_(std::move(dir)), segment_size_(segment_size), prefault_(prefault) {}

SegmentAllocator::~SegmentAllocator() { Stop(); }

void SegmentAllocator::Start() {
  std::lock_guard<std::mutex> l(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void SegmentAllocator::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SegmentAllocator::Prepare(int64_t start) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if ((ready_start_ && *ready_start_ == start) || (building_ && *building_ == start)) return;
    requested_ = start;
  }
  cv_.notify_all();
}

Result<SegmentRef> SegmentAllocator::CreateNow(int64_t start) {
  return MappedFile::Create(io_, dir_ + "/" + SegmentFileName(start), start, segment_size_,
                            prefault_);
}

Result<SegmentRef> SegmentAllocator::Take(int64_t start) {
  {
    std::unique_lock<std::mutex> l(mu_);
    if (requested_ && *requested_ == start) requested_.reset();  // build it ourselves
    cv_.wait(l, [&] { return !(building_ && *building_ == start); });
    if (ready_start_ && *ready_start_ == start) {
      SegmentRef s = std::move(ready_);
      ready_start_.reset();
      return s;
    }
  }
  return CreateNow(start);
}

void SegmentAllocator::Run() {
  log::SetThreadName("cl-allocator");
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    cv_.wait(l, [&] { return stop_ || requested_.has_value(); });
    if (stop_) return;
    int64_t start = *requested_;
    requested_.reset();
    if (ready_start_ && *ready_start_ == start) continue;
    building_ = start;
    SegmentRef old = std::move(ready_);  // an unused older segment: drop the mapping
    ready_start_.reset();
    l.unlock();
    old.reset();
    auto seg = CreateNow(start);
    l.lock();
    building_.reset();
    if (seg.ok()) {
      ready_ = std::move(*seg);
      ready_start_ = start;
    } else {
      TERN_LOG_WARN("pre-creating commit log segment {} failed: {}", start,
                    seg.status().ToString());
    }
    cv_.notify_all();
  }
}

}  // namespace tern::store
