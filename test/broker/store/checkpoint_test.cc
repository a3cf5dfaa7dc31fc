#include "broker/store/checkpoint.h"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include "test/util/temp_dir.h"

namespace tern::store {
namespace {

TEST_CASE("checkpoint round trips every field") {
  tern::testing::TempDir dir;
  std::string path = dir.Sub("checkpoint");
  {
    auto cp = Checkpoint::Open(FileIo::Default(), path);
    REQUIRE(cp.ok());
    CHECK_FALSE((*cp)->valid());
    (*cp)->SetCommitLogFlushed(PhysicalOffset(1000), 1700000005000);
    (*cp)->SetConsumeQueueProgress(PhysicalOffset(900), 1700000004000);
    (*cp)->SetIndexProgress(PhysicalOffset(800), 1700000003000);
    REQUIRE((*cp)->Flush().ok());
  }
  auto cp = Checkpoint::Open(FileIo::Default(), path);
  REQUIRE(cp.ok());
  CHECK((*cp)->valid());
  CHECK((*cp)->commit_log_flushed() == PhysicalOffset(1000));
  CHECK((*cp)->physic_msg_timestamp() == 1700000005000);
  CHECK((*cp)->consume_queue_offset() == PhysicalOffset(900));
  CHECK((*cp)->logics_msg_timestamp() == 1700000004000);
  CHECK((*cp)->index_offset() == PhysicalOffset(800));
  CHECK((*cp)->index_msg_timestamp() == 1700000003000);
  CHECK((*cp)->MinTimestamp() == 1700000001000);
  CHECK(tern::testing::ReadFile(path).size() == 4096);
}

TEST_CASE("checkpoint with a bad CRC is ignored") {
  tern::testing::TempDir dir;
  std::string path = dir.Sub("checkpoint");
  {
    auto cp = Checkpoint::Open(FileIo::Default(), path);
    REQUIRE(cp.ok());
    (*cp)->SetCommitLogFlushed(PhysicalOffset(1000), 1);
    REQUIRE((*cp)->Flush().ok());
  }
  int fd = ::open(path.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  REQUIRE(::pwrite(fd, "\x01", 1, 50) == 1);
  ::close(fd);
  auto cp = Checkpoint::Open(FileIo::Default(), path);
  REQUIRE(cp.ok());
  CHECK_FALSE((*cp)->valid());
  CHECK((*cp)->commit_log_flushed() == PhysicalOffset(0));
}

}  // namespace
}  // namespace tern::store
