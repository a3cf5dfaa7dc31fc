// Test-only child for crash_test.cc: opens the store in SYNC_FLUSH mode and
// appends from several threads until killed, printing "ACK <offset> <id>" for
// every acknowledged record (after the group commit covered it).
//
//   store_crash_writer <store root> <segment size> <first id> <threads>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "broker/store/checkpoint.h"
#include "broker/store/commit_log.h"
#include "broker/store/store_lock.h"
#include "test/broker/store/crash_payload.h"

using namespace tern;
using namespace tern::store;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s root segment_size first_id threads\n", argv[0]);
    return 2;
  }
  std::string root = argv[1];
  int64_t segment_size = std::atoll(argv[2]);
  int64_t first_id = std::atoll(argv[3]);
  int threads = std::atoi(argv[4]);
  auto lock = StoreLock::Acquire(root);
  if (!lock.ok()) {
    std::fprintf(stderr, "lock: %s\n", lock.status().ToString().c_str());
    return 1;
  }
  auto cp = Checkpoint::Open(FileIo::Default(), root + "/checkpoint");
  if (!cp.ok()) return 1;
  CommitLogOptions o;
  o.dir = root + "/commitlog";
  o.segment_size = segment_size;
  o.flush_mode = FlushMode::kSync;
  o.store_host = protocol::HostAddress::V4(0x7F000001, 10911);
  auto log = CommitLog::Open(o, FileIo::Default(), **cp, (*lock)->previous_run_crashed(),
                             SystemClock::Instance());
  if (!log.ok()) {
    std::fprintf(stderr, "open: %s\n", log.status().ToString().c_str());
    return 1;
  }
  if (!(*lock)->CreateAbortMarker().ok()) return 1;
  std::printf("READY %lld\n", static_cast<long long>((*log)->WrittenEnd().value()));
  std::fflush(stdout);
  std::mutex out_mu;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int64_t id = first_id + t;; id += threads) {
        std::string body = testing::CrashPayload(id);
        protocol::MessageRecord m;
        m.topic = "CrashTopic";
        m.queue_id = QueueId(t);
        m.body = body;
        m.properties = "TAGS\x01" "crash\x02";
        PutResult r = (*log)->Append(m);
        if (r.status != PutStatus::kPutOk) {
          std::fprintf(stderr, "append %lld: %s %s\n", static_cast<long long>(id),
                       std::string(PutStatusName(r.status)).c_str(),
                       r.error.ToString().c_str());
          std::_Exit(1);
        }
        std::lock_guard<std::mutex> l(out_mu);
        std::printf("ACK %lld %lld\n", static_cast<long long>(r.offset.value()),
                    static_cast<long long>(id));
        std::fflush(stdout);
      }
    });
  }
  for (auto& w : workers) w.join();
  return 0;
}
