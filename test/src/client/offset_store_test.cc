// OffsetStore (src/client/offset_store.h): the in-memory rules and the
// broadcasting file. The remote store is exercised against the real broker in
// pull_consumer_test.cc and push_consumer_test.cc.
#include "src/client/offset_store.h"

#include <doctest/doctest.h>

#include <fstream>

#include "test/util/temp_dir.h"

namespace tern::client {
namespace {

const ternmq::MessageQueue kQ0{"T", "broker-a", 0};
const ternmq::MessageQueue kQ1{"T", "broker-a", 1};

TEST_CASE("increase-only updates never move an offset back") {
  LocalFileOffsetStore store("/nonexistent/offsets.json");
  CHECK(store.ReadMemory(kQ0) == -1);
  store.Update(kQ0, 10, true);
  store.Update(kQ0, 7, true);
  CHECK(store.ReadMemory(kQ0) == 10);
  store.Update(kQ0, 7, false);
  CHECK(store.ReadMemory(kQ0) == 7);
  store.Remove(kQ0);
  CHECK(store.ReadMemory(kQ0) == -1);
}

TEST_CASE("local offsets survive a restart through the file") {
  testing::TempDir dir;
  std::string path = LocalFileOffsetStore::DefaultPath(dir.path(), "127.0.0.1@x", "CG");
  CHECK(path == dir.path() + "/127.0.0.1@x/CG/offsets.json");
  {
    LocalFileOffsetStore store(path);
    REQUIRE(store.Load().ok());  // no file yet
    CHECK(store.ReadStored(kQ0).status().code() == ternmq::StatusCode::kNotFound);
    store.Update(kQ0, 42, false);
    store.Update(kQ1, 7, false);
    REQUIRE(store.PersistAll({kQ0, kQ1}).ok());
  }
  LocalFileOffsetStore again(path);
  REQUIRE(again.Load().ok());
  auto q0 = again.ReadStored(kQ0);
  REQUIRE(q0.ok());
  CHECK(*q0 == 42);
  CHECK(again.ReadMemory(kQ1) == 7);
  std::string text = testing::ReadFile(path);
  CHECK(text.find(R"({"brokerName":"broker-a","offset":42,"queueId":0,"topic":"T"})") !=
        std::string::npos);
}

TEST_CASE("persisting forgets in memory the queues no longer owned") {
  testing::TempDir dir;
  LocalFileOffsetStore store(dir.path() + "/o.json");
  store.Update(kQ0, 1, false);
  store.Update(kQ1, 2, false);
  REQUIRE(store.PersistAll({kQ0}).ok());
  CHECK(store.ReadMemory(kQ1) == -1);
  CHECK(store.ReadMemory(kQ0) == 1);
}

TEST_CASE("a corrupt offset file is an error, not an empty table") {
  testing::TempDir dir;
  std::string path = dir.path() + "/o.json";
  std::ofstream(path) << R"({"offsetTable":[{"topic":"T"}]})";
  LocalFileOffsetStore store(path);
  auto st = store.Load();
  CHECK(st.code() == ternmq::StatusCode::kInternal);
  CHECK(st.message().find("bad offsetTable entry") != std::string::npos);
  std::ofstream(path) << "not json";
  CHECK_FALSE(LocalFileOffsetStore(path).Load().ok());
}

}  // namespace
}  // namespace tern::client
