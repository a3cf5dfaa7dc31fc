// Helpers for the CommitLog tests: a store directory with a checkpoint, and
// records with recognisable content.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "broker/store/checkpoint.h"
#include "broker/store/commit_log.h"
#include "broker/store/file_io.h"
#include "src/protocol/message_codec.h"
#include "test/util/temp_dir.h"

namespace tern::store::testing {

inline CommitLogOptions SmallLogOptions(const std::string& root) {
  CommitLogOptions o;
  o.dir = root + "/commitlog";
  o.segment_size = 64 * 1024;
  o.store_host = protocol::HostAddress::V4(0x7F000001, 10911);
  o.flush_interval_ms = 10;
  return o;
}

// A CommitLog and its checkpoint over one directory, reopenable.
struct LogFixture {
  explicit LogFixture(const std::string& root, FileIo& io = FileIo::Default())
      : root(root), io(io), options(SmallLogOptions(root)) {}

  // Opens (or reopens) the log; `crashed` as if the abort marker were present.
  void Open(bool crashed, const Clock& clock = SystemClock::Instance()) {
    log.reset();
    checkpoint.reset();
    auto cp = Checkpoint::Open(io, root + "/checkpoint");
    REQUIRE(cp.ok());
    checkpoint = std::move(*cp);
    auto l = CommitLog::Open(options, io, *checkpoint, crashed, clock);
    REQUIRE_MESSAGE(l.ok(), l.status().ToString());
    log = std::move(*l);
  }
  std::string root;
  FileIo& io;
  CommitLogOptions options;
  std::unique_ptr<Checkpoint> checkpoint;
  std::unique_ptr<CommitLog> log;
};

inline protocol::MessageRecord TestMessage(std::string_view topic, int queue,
                                           std::string_view body,
                                           std::string_view props = "TAGS\x01TagA\x02") {
  protocol::MessageRecord m;
  m.topic = topic;
  m.queue_id = QueueId(queue);
  m.body = body;
  m.properties = props;
  m.born_timestamp = 1700000000000;
  m.born_host = protocol::HostAddress::V4(0x0A000002, 50000);
  return m;
}

}  // namespace tern::store::testing
