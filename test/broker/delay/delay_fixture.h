// A real MessageStore + MetaDb on a temp dir and a ScheduleService over a
// ManualClock, driven by RunOnce (no service thread, no sleeps).
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "broker/delay/schedule_interceptor.h"
#include "broker/delay/schedule_service.h"
#include "broker/meta/meta_db.h"
#include "broker/store/message_store.h"
#include "src/protocol/message_codec.h"
#include "src/protocol/message_properties.h"
#include "test/util/stored_message.h"
#include "test/util/temp_dir.h"

namespace tern::delay::testing {

inline constexpr int64_t kT0 = 1'700'000'000'000;

using ::tern::testing::Props;
using ::tern::testing::ToStored;
using Stored = ::tern::testing::StoredMessage;

struct DelayFixture {
  ::tern::testing::TempDir tmp;
  ManualClock clock{kT0};
  std::unique_ptr<meta::MetaDb> db;
  std::unique_ptr<store::MessageStore> store;
  std::unique_ptr<ScheduleService> service;
  ScheduleOptions options;
  int64_t segment_size = 1 << 20;
  int next_uniq = 0;

  explicit DelayFixture(ScheduleOptions o = {}, int64_t segment = 1 << 20)
      : options(std::move(o)), segment_size(segment) {
    OpenDb();
    OpenStore();
    OpenService();
  }
  ~DelayFixture() { CloseAll(); }

  void OpenDb() { db = std::move(meta::MetaDb::Open(tmp.Sub("meta")).value()); }
  void OpenStore() {
    store::MessageStoreOptions so;
    so.root_dir = tmp.Sub("store");
    so.commit_log.segment_size = segment_size;
    so.commit_log.store_host = protocol::HostAddress::V4(0x7F000001, 10911);
    so.consume_queue.units_per_file = 4096;
    so.reput.delay_levels_ms = options.delay_levels_ms;
    auto s = store::MessageStore::Open(so, *db, store::FileIo::Default(), clock);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    store = std::move(s).value();
  }
  void OpenService() {
    auto s = ScheduleService::Open(*store, *db, clock, options);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    service = std::move(s).value();
  }
  void CloseAll() {
    service.reset();
    if (store) REQUIRE(store->Close().ok());
    store.reset();
    db.reset();
  }
  // A clean restart of everything (store, metadata, service).
  void Restart() {
    CloseAll();
    OpenDb();
    OpenStore();
    OpenService();
  }

  // Sends like the send processor does: interceptor, then append. Returns
  // the UNIQ_KEY.
  std::string Send(const std::string& topic, int queue, const std::string& extra_props,
                   const std::string& body, InterceptResult* result = nullptr) {
    std::string uniq = "UNIQ" + std::to_string(next_uniq++);
    std::string props = Props({{"TAGS", "TagA"}, {"KEYS", "k-" + uniq}, {"UNIQ_KEY", uniq}});
    props += extra_props;
    std::string t = topic;
    QueueId q(queue);
    InterceptResult r = service->interceptor().Intercept(&t, &q, &props, clock.NowMs());
    REQUIRE_MESSAGE(r.kind != InterceptResult::Kind::kIllegal, r.remark);
    if (result) *result = r;
    protocol::MessageRecord m;
    m.topic = t;
    m.queue_id = q;
    m.flag = 7;
    m.born_timestamp = clock.NowMs();
    m.born_host = protocol::HostAddress::V4(0x0A000001, 5555);
    m.body = body;
    m.properties = props;
    store::PutResult put = store->PutMessage(m);
    REQUIRE(put.stored());
    return uniq;
  }

  void Dispatch() { REQUIRE(store->dispatch().RunOnce().ok()); }

  // One service pass at the clock's time: dispatch, flush the log (so
  // checkpoints can mark), run, dispatch what it appended.
  RunStats Run() {
    Dispatch();
    REQUIRE(store->commit_log().Flush().ok());
    auto r = service->RunOnce(clock.NowMs());
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    Dispatch();
    return *r;
  }
  RunStats RunAt(int64_t now_ms) {
    clock.SetMs(now_ms);
    return Run();
  }

  // Every message in (topic, queue), in queue order.
  std::vector<Stored> Read(const std::string& topic, int queue) {
    std::vector<Stored> out;
    store::ConsumeQueue* cq = store->consume_queues().Find(topic, QueueId(queue));
    if (cq == nullptr) return out;
    for (int64_t off = cq->min_offset().value(); off < cq->max_offset().value(); ++off) {
      auto unit = cq->ReadUnit(QueueOffset(off));
      REQUIRE(unit.has_value());
      auto view = store->commit_log().ReadRecord(unit->offset);
      REQUIRE(view.ok());
      auto rec = protocol::DecodeMessageRecord(view->data(), true);
      REQUIRE(rec.ok());
      out.push_back(ToStored(*rec));
    }
    return out;
  }

  // Synchronous cancel through the queue of the service (answered by Run()).
  CancelOutcome Cancel(const std::string& topic, const std::string& uniq) {
    std::optional<CancelOutcome> out;
    service->Cancel(topic, uniq, [&](CancelOutcome o) { out = std::move(o); });
    for (int i = 0; i < 5 && !out; ++i) Run();
    REQUIRE(out.has_value());
    return *out;
  }
};

}  // namespace tern::delay::testing
