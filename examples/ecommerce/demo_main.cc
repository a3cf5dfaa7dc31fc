// The e-commerce flow on TernMQ, end to end, as a demo and as a proof:
//
//   order service ──OrderCreated (transactional)──> inventory (shop-inventory)
//         │                                     └──> points    (shop-points)
//         └──────CloseIfUnpaid (scheduled)───────> payment timeout (shop-order-timeout)
//
// It places N orders (some fail their local transaction, some answer
// "unknown" and are resolved by the broker's check-back), pays some of
// them, waits until every effect happened, prints a summary table, checks
// the invariants and exits non-zero when one fails. See README.md here.
//
//   build/examples/ecommerce_demo -n 127.0.0.1:9876 --orders 100
//
// Uses only the public SDK (include/ternmq) and RocksDB for the services'
// local state. Every service runs in this one process for the demo; each has
// its own store and its own consumer group, as if they were separate.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <type_traits>

#include "consumers.h"
#include "dead_letters.h"
#include "flow_checks.h"
#include "ledger.h"
#include "order.h"
#include "order_service.h"
#include "order_store.h"
#include "tally.h"

namespace shop {
namespace {

constexpr const char* kPoisonSku = "sku-discontinued";  // no stock row: never reservable
constexpr int kSkus = 5;
constexpr int64_t kInitialStock = 1'000'000;

struct DemoOptions {
  std::string name_server = "127.0.0.1:9876";
  std::string topic = "shop-orders";
  std::string data_dir = "./data/ecommerce-demo";
  std::string run_id;  // default: "r<unix seconds>"
  int orders = 100;
  int fail_percent = 10;          // local transaction fails: rolled back
  int unsure_percent = 10;        // local transaction answers unknown: check-back
  int paid_percent = 50;          // paid before the payment timeout
  int retry_percent = 10;         // deliveries that fail once (per consumer group)
  int32_t max_retries = 2;        // then the dead-letter queue
  int64_t close_after_ms = 3000;  // payment timeout
  int64_t rebalance_ms = 2000;
  int timeout_s = 120;       // give up waiting for the flow after this
  int64_t settle_ms = 1000;  // and then wait for this long without any event
  bool break_idempotency = false;
};

void Usage() {
  std::fputs(
      "usage: ecommerce_demo [-n NAMESRV] [--orders N] [--fail-percent P] [--unsure-percent P]\n"
      "         [--paid-percent P] [--retry-percent P] [--max-retries N] [--close-after-ms MS]\n"
      "         [--timeout-s S] [--settle-ms MS] [--rebalance-ms MS] [--topic T]\n"
      "         [--data-dir DIR] [--run-id ID] [--break-idempotency]\n",
      stderr);
}

bool ParseOptions(int argc, char** argv, DemoOptions* o) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--break-idempotency") {
      o->break_idempotency = true;
      continue;
    }
    if (flag == "-h" || flag == "--help" || i + 1 >= argc) return false;
    std::string v = argv[++i];
    auto num = [&](auto* out) {
      char* end = nullptr;
      long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 0) return false;
      *out = static_cast<std::remove_pointer_t<decltype(out)>>(n);
      return true;
    };
    bool ok = true;
    if (flag == "-n" || flag == "--namesrv")
      o->name_server = v;
    else if (flag == "--topic")
      o->topic = v;
    else if (flag == "--data-dir")
      o->data_dir = v;
    else if (flag == "--run-id")
      o->run_id = v;
    else if (flag == "--orders")
      ok = num(&o->orders);
    else if (flag == "--fail-percent")
      ok = num(&o->fail_percent);
    else if (flag == "--unsure-percent")
      ok = num(&o->unsure_percent);
    else if (flag == "--paid-percent")
      ok = num(&o->paid_percent);
    else if (flag == "--retry-percent")
      ok = num(&o->retry_percent);
    else if (flag == "--max-retries")
      ok = num(&o->max_retries);
    else if (flag == "--close-after-ms")
      ok = num(&o->close_after_ms);
    else if (flag == "--rebalance-ms")
      ok = num(&o->rebalance_ms);
    else if (flag == "--timeout-s")
      ok = num(&o->timeout_s);
    else if (flag == "--settle-ms")
      ok = num(&o->settle_ms);
    else
      ok = false;
    if (!ok) {
      std::fprintf(stderr, "ecommerce_demo: bad option %s %s\n", flag.c_str(), v.c_str());
      return false;
    }
  }
  if (o->orders < 1) {
    std::fputs("ecommerce_demo: --orders must be at least 1\n", stderr);
    return false;
  }
  if (o->max_retries < 1) {  // a delivery that fails once must be allowed to come again
    std::fputs("ecommerce_demo: --max-retries must be at least 1\n", stderr);
    return false;
  }
  return true;
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Sku(int i) { return "sku-" + std::to_string(i % kSkus + 1); }

// The demo's script for order i: who it is, and what goes wrong.
PlacedOrder PlanOrder(const DemoOptions& o, int i) {
  PlacedOrder p;
  char id[64];
  std::snprintf(id, sizeof id, "%s-%05d", o.run_id.c_str(), i);
  p.order.id = id;
  p.order.customer = "customer-" + std::to_string(i % 7);
  p.order.quantity = 1 + i % 3;
  p.order.amount_cents = p.order.quantity * 1999;
  p.poison = i == o.orders / 2;  // one order whose SKU no longer exists
  p.order.sku = p.poison ? kPoisonSku : Sku(i);
  if (!p.poison && Chance("fail/" + p.order.id, o.fail_percent)) {
    p.outcome = LocalOutcome::kFail;
  } else if (!p.poison && Chance("unsure/" + p.order.id, o.unsure_percent)) {
    p.outcome = LocalOutcome::kCommitUnsure;
  }
  p.paid = p.outcome != LocalOutcome::kFail && Chance("pay/" + p.order.id, o.paid_percent);
  return p;
}

// Everything of one run, in start order; destroyed in reverse (services
// first, stores last).
struct Services {
  std::unique_ptr<OrderStore> orders;
  std::unique_ptr<Ledger> stock;
  std::unique_ptr<Ledger> points;
  std::unique_ptr<InventoryService> inventory;
  std::unique_ptr<PointsService> points_service;
  std::unique_ptr<PaymentTimeoutService> timeouts;
  std::unique_ptr<OrderService> order_service;
  std::unique_ptr<DeadLetters> dead_letters;
};

template <typename T>
bool Take(ternmq::Result<std::unique_ptr<T>> r, const char* what, std::unique_ptr<T>* out) {
  if (!r.ok()) {
    std::fprintf(stderr, "ecommerce_demo: %s: %s\n", what, r.status().ToString().c_str());
    return false;
  }
  *out = std::move(r).value();
  return true;
}

bool StartServices(const DemoOptions& o, Tally& tally, Services* s) {
  std::string dir = o.data_dir + "/" + o.run_id;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "ecommerce_demo: cannot create %s: %s\n", dir.c_str(),
                 ec.message().c_str());
    return false;
  }
  if (!Take(OrderStore::Open(dir + "/orders"), "order store", &s->orders) ||
      !Take(Ledger::Open(dir + "/inventory"), "inventory store", &s->stock) ||
      !Take(Ledger::Open(dir + "/points"), "points store", &s->points)) {
    return false;
  }
  for (int i = 0; i < kSkus; ++i) {
    if (ternmq::Status st = s->stock->SetBalance(Sku(i), kInitialStock); !st.ok()) {
      std::fprintf(stderr, "ecommerce_demo: stock: %s\n", st.ToString().c_str());
      return false;
    }
  }
  ConsumerOptions c;
  c.name_server = o.name_server;
  c.topic = o.topic;
  c.order_id_prefix = o.run_id + "-";
  c.fail_once_percent = o.retry_percent;
  c.max_reconsume_times = o.max_retries;
  c.rebalance_interval_ms = o.rebalance_ms;
  c.break_idempotency = o.break_idempotency;
  OrderServiceOptions os;
  os.name_server = o.name_server;
  os.topic = o.topic;
  os.close_after_ms = o.close_after_ms;
  return Take(InventoryService::Start(c, *s->stock, tally), "inventory", &s->inventory) &&
         Take(PointsService::Start(c, *s->points, tally), "points", &s->points_service) &&
         Take(PaymentTimeoutService::Start(c, *s->orders, tally), "payment timeout",
              &s->timeouts) &&
         Take(OrderService::Start(os, *s->orders, tally), "order service", &s->order_service) &&
         Take(DeadLetters::Start(o.name_server), "dead-letter reader", &s->dead_letters);
}

// Places and pays every order; false when a send or the local store failed.
bool PlaceOrders(const DemoOptions& o, Services& s, RunRecord* run) {
  for (int i = 0; i < o.orders; ++i) {
    PlacedOrder p = PlanOrder(o, i);
    auto placed = s.order_service->PlaceOrder(p.order, p.outcome);
    if (!placed.ok()) {
      std::fprintf(stderr, "ecommerce_demo: order %s: %s\n", p.order.id.c_str(),
                   placed.status().ToString().c_str());
      return false;
    }
    p.exists = *placed != OrderService::Placed::kRolledBack;
    if (p.paid) {
      auto paid = s.order_service->Pay(p.order.id);
      if (!paid.ok() || *paid != PayOutcome::kPaid) {
        std::fprintf(stderr, "ecommerce_demo: payment of %s failed\n", p.order.id.c_str());
        return false;
      }
    }
    run->orders.push_back(p);
  }
  return true;
}

void ReadDeadLetters(const DemoOptions& o, Services& s, RunRecord* run) {
  for (const char* group : {kInventoryGroup, kPointsGroup, kTimeoutGroup}) {
    auto keys = s.dead_letters->Keys(group);
    std::set<std::string> ours;
    if (keys.ok()) {
      for (const auto& k : *keys) {
        if (k.rfind(o.run_id + "-", 0) == 0) ours.insert(k);
      }
    }
    run->dead_letters[group] = ours;
  }
}

// Waits until every expected effect happened, then until nothing happened
// for settle_ms (a late, unexpected delivery would still be counted).
bool WaitForQuiescence(const DemoOptions& o, Services& s, const Tally& tally, RunRecord* run) {
  const int64_t deadline = SteadyMs() + int64_t{o.timeout_s} * 1000;
  int64_t next_progress = SteadyMs() + 5000;
  int64_t next_dlq_read = 0;
  std::string waiting;
  for (;;) {
    if (SteadyMs() >= next_dlq_read) {
      ReadDeadLetters(o, s, run);
      next_dlq_read = SteadyMs() + 500;
    }
    if (Settled(*run, tally, &waiting)) break;
    if (SteadyMs() >= deadline) {
      std::printf("gave up after %d s, still waiting for %s\n", o.timeout_s, waiting.c_str());
      return false;
    }
    if (SteadyMs() >= next_progress) {
      std::printf("waiting for %s\n", waiting.c_str());
      std::fflush(stdout);
      next_progress = SteadyMs() + 5000;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  int64_t version = tally.Version();
  int64_t quiet_since = SteadyMs();
  while (SteadyMs() - quiet_since < o.settle_ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (tally.Version() != version) {
      version = tally.Version();
      quiet_since = SteadyMs();
    }
  }
  ReadDeadLetters(o, s, run);
  return true;
}

int Run(const DemoOptions& o) {
  std::printf("e-commerce demo: run %s, %d orders against %s (topic %s)\n", o.run_id.c_str(),
              o.orders, o.name_server.c_str(), o.topic.c_str());
  std::printf(
      "  %d%% fail their local transaction, %d%% answer unknown, %d%% are paid, %d%% of "
      "deliveries fail once,\n  payment timeout %lld ms, %d retries before the dead-letter "
      "queue%s\n",
      o.fail_percent, o.unsure_percent, o.paid_percent, o.retry_percent,
      static_cast<long long>(o.close_after_ms), o.max_retries,
      o.break_idempotency ? ", IDEMPOTENCY BROKEN ON PURPOSE" : "");
  std::fflush(stdout);
  Tally tally;
  Services s;
  RunRecord run;
  run.run_id = o.run_id;
  run.topic = o.topic;
  run.max_retries = o.max_retries;
  if (!StartServices(o, tally, &s)) return 2;
  for (int i = 0; i < kSkus; ++i) run.stock_before[Sku(i)] = kInitialStock;

  const int64_t started = SteadyMs();
  if (!PlaceOrders(o, s, &run)) return 2;
  std::printf("placed %d orders in %lld ms; waiting for the consumers...\n", o.orders,
              static_cast<long long>(SteadyMs() - started));
  std::fflush(stdout);
  bool settled = WaitForQuiescence(o, s, tally, &run);
  std::printf("flow %s after %lld ms\n", settled ? "finished" : "did NOT finish",
              static_cast<long long>(SteadyMs() - started));

  for (int i = 0; i < kSkus; ++i) {
    auto balance = s.stock->Balance(Sku(i));
    run.stock_after[Sku(i)] = balance.ok() ? *balance : -1;
  }
  PrintSummary(run, tally, stdout);
  int failed = CheckInvariants(run, tally, stdout);
  std::string poison;
  for (const PlacedOrder& p : run.orders) {
    if (p.poison) poison = p.order.id;
  }
  std::printf(
      "\nSee it with mqadmin:\n"
      "  ternmq admin consumerProgress -n %s -g %s\n"
      "  ternmq admin dlqList -n %s -g %s\n"
      "  ternmq admin topicStatus -n %s -t %%DLQ%%%s\n"
      "  ternmq admin queryMsgByKey -n %s -t %%DLQ%%%s -k %s\n",
      o.name_server.c_str(), kInventoryGroup, o.name_server.c_str(), kInventoryGroup,
      o.name_server.c_str(), kInventoryGroup, o.name_server.c_str(), kInventoryGroup,
      poison.c_str());
  if (failed == 0 && settled) {
    std::printf("\nRESULT: all invariants hold\n");
    return 0;
  }
  std::printf("\nRESULT: %d invariant(s) FAILED%s\n", failed,
              settled ? "" : " (the flow did not finish in time)");
  return 1;
}

}  // namespace
}  // namespace shop

int main(int argc, char** argv) {
  shop::DemoOptions options;
  if (!shop::ParseOptions(argc, argv, &options)) {
    shop::Usage();
    return 2;
  }
  if (options.run_id.empty()) {
    options.run_id = "r" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
  }
  return shop::Run(options);
}
