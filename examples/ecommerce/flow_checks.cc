#include "flow_checks.h"

#include "consumers.h"

namespace shop {
namespace {

std::string Plural(int64_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

bool InDeadLetters(const RunRecord& run, const std::string& group, const std::string& id) {
  auto it = run.dead_letters.find(group);
  return it != run.dead_letters.end() && it->second.count(id) > 0;
}

// A delivery of `order_id` to the `prefix` group failed and has not come again.
bool RetryPending(const Tally& tally, const std::string& prefix, const std::string& order_id) {
  return tally.Count(prefix + ".delivery", order_id) <= tally.Count(prefix + ".retry", order_id) &&
         tally.Count(prefix + ".retry", order_id) > 0;
}

// Orders (not the poison one) with a failed delivery that has not come again.
int64_t RetriesPending(const RunRecord& run, const Tally& tally, const std::string& prefix) {
  int64_t pending = 0;
  for (const PlacedOrder& p : run.orders) {
    if (!p.poison && RetryPending(tally, prefix, p.order.id)) ++pending;
  }
  return pending;
}

}  // namespace

bool Settled(const RunRecord& run, const Tally& tally, std::string* waiting_for) {
  int64_t reserve = 0, credit = 0, timers = 0, unsure = 0;
  for (const PlacedOrder& p : run.orders) {
    if (!p.exists) continue;
    const std::string& id = p.order.id;
    if (!p.poison && tally.Count("inventory.reserved", id) == 0) ++reserve;
    if (tally.Count("points.credited", id) == 0) ++credit;
    if (tally.Count("timeout.delivery", id) == 0) ++timers;
    if (p.outcome == LocalOutcome::kCommitUnsure && tally.Count("check.commit", id) == 0) ++unsure;
  }
  int64_t retries = RetriesPending(run, tally, "inventory") + RetriesPending(run, tally, "points");
  int64_t poison = 0;
  for (const PlacedOrder& p : run.orders) {
    if (p.poison && !InDeadLetters(run, kInventoryGroup, p.order.id)) ++poison;
  }
  std::string missing;
  auto add = [&](int64_t n, const char* what) {
    if (n == 0) return;
    if (!missing.empty()) missing += ", ";
    missing += std::to_string(n) + " " + what;
  };
  add(unsure, "check-backs");
  add(reserve, "reservations");
  add(credit, "point credits");
  add(timers, "payment timers");
  add(retries, "retries");
  add(poison, "dead letters");
  if (waiting_for) *waiting_for = missing;
  return missing.empty();
}

void PrintSummary(const RunRecord& run, const Tally& tally, std::FILE* out) {
  int64_t placed = 0, committed = 0, at_once = 0, after_check = 0, rolled_back = 0, paid = 0;
  for (const PlacedOrder& p : run.orders) {
    ++placed;
    if (!p.exists) ++rolled_back;
    if (p.exists) ++committed;
    if (p.exists && p.outcome == LocalOutcome::kCommit) ++at_once;
    if (p.exists && p.outcome == LocalOutcome::kCommitUnsure) ++after_check;
    if (p.paid) ++paid;
  }
  int64_t checked = 0;
  {
    std::set<std::string> ids = tally.Orders("check.commit");
    for (const auto& id : tally.Orders("check.rollback")) ids.insert(id);
    for (const auto& id : tally.Orders("check.unknown")) ids.insert(id);
    checked = static_cast<int64_t>(ids.size());
  }
  std::fprintf(out, "\n== summary (run %s, topic %s)\n", run.run_id.c_str(), run.topic.c_str());
  std::fprintf(out, "%-34s %6lld\n", "orders placed", static_cast<long long>(placed));
  std::fprintf(out, "%-34s %6lld   (%lld at once, %lld after a check-back)\n", "  committed",
               static_cast<long long>(committed), static_cast<long long>(at_once),
               static_cast<long long>(after_check));
  std::fprintf(out, "%-34s %6lld\n", "  rolled back", static_cast<long long>(rolled_back));
  std::fprintf(out, "%-34s %6lld   (%s answered commit, %s answered rollback)\n",
               "  checked back by the broker", static_cast<long long>(checked),
               Plural(tally.Total("check.commit"), "check").c_str(),
               Plural(tally.Total("check.rollback"), "check").c_str());
  std::fprintf(out, "%-34s %6lld\n", "paid before the timeout", static_cast<long long>(paid));
  std::fprintf(out, "%-34s %6lld   (%lld timers fired, %lld ignored as paid)\n",
               "closed by payment timeout",
               static_cast<long long>(tally.Orders("timeout.closed").size()),
               static_cast<long long>(tally.Orders("timeout.delivery").size()),
               static_cast<long long>(tally.Orders("timeout.ignored_paid").size()));
  std::fprintf(out, "\n%-20s %10s %11s %8s %11s %14s\n", "consumer group", "delivered",
               "deliveries", "retried", "duplicates", "dead-lettered");
  struct Row {
    const char* group;
    std::string prefix;
  };
  for (const Row& row : {Row{kInventoryGroup, "inventory"}, Row{kPointsGroup, "points"},
                         Row{kTimeoutGroup, "timeout"}}) {
    auto dlq = run.dead_letters.find(row.group);
    std::fprintf(out, "%-20s %10lld %11lld %8lld %11lld %14lld\n", row.group,
                 static_cast<long long>(tally.Orders(row.prefix + ".delivery").size()),
                 static_cast<long long>(tally.Total(row.prefix + ".delivery")),
                 static_cast<long long>(tally.Total(row.prefix + ".retry")),
                 static_cast<long long>(tally.Total(row.prefix + ".duplicate")),
                 static_cast<long long>(dlq == run.dead_letters.end() ? 0 : dlq->second.size()));
  }
}

int CheckInvariants(const RunRecord& run, const Tally& tally, std::FILE* out) {
  int failed = 0;
  auto check = [&](bool ok, const std::string& what, const std::string& why) {
    std::fprintf(out, "  %-64s %s%s\n", what.c_str(),
                 ok ? "ok" : "FAILED: ", ok ? "" : why.c_str());
    if (!ok) ++failed;
  };
  std::fprintf(out, "\n== invariants\n");

  // 1. Each committed order reserved stock exactly once (the poison order never).
  std::string bad;
  std::map<std::string, int64_t> reserved_qty;
  for (const PlacedOrder& p : run.orders) {
    if (!p.exists || p.poison) continue;
    int64_t n = tally.Count("inventory.reserved", p.order.id);
    if (n != 1 && bad.empty()) bad = p.order.id + " reserved " + std::to_string(n) + " times";
    reserved_qty[p.order.sku] += p.order.quantity;
  }
  for (const PlacedOrder& p : run.orders) {
    if (p.poison && tally.Count("inventory.reserved", p.order.id) != 0 && bad.empty()) {
      bad = "poison order " + p.order.id + " reserved stock";
    }
  }
  check(bad.empty(), "each committed order reserved stock exactly once", bad);

  bad.clear();
  for (const auto& [sku, before] : run.stock_before) {
    auto after = run.stock_after.find(sku);
    int64_t used = before - (after == run.stock_after.end() ? before : after->second);
    if (used != reserved_qty[sku] && bad.empty()) {
      bad = sku + ": stock went down by " + std::to_string(used) + ", orders reserved " +
            std::to_string(reserved_qty[sku]);
    }
  }
  check(bad.empty(), "stock went down by exactly the committed quantities", bad);

  // 2. Each committed order credited points exactly once.
  bad.clear();
  for (const PlacedOrder& p : run.orders) {
    if (!p.exists) continue;
    int64_t n = tally.Count("points.credited", p.order.id);
    if (n != 1 && bad.empty()) bad = p.order.id + " credited " + std::to_string(n) + " times";
  }
  check(bad.empty(), "each committed order credited points exactly once", bad);

  // 3. No rolled-back order seen by any consumer.
  bad.clear();
  for (const PlacedOrder& p : run.orders) {
    if (p.exists) continue;
    for (const char* event : {"inventory.delivery", "points.delivery", "timeout.delivery"}) {
      if (tally.Count(event, p.order.id) != 0 && bad.empty()) {
        bad = "rolled-back " + p.order.id + " seen (" + event + ")";
      }
    }
  }
  check(bad.empty(), "no rolled-back order seen by any consumer", bad);

  // 4. Orders answered "unknown" were resolved by the check-back.
  bad.clear();
  for (const PlacedOrder& p : run.orders) {
    if (p.outcome == LocalOutcome::kCommitUnsure && tally.Count("check.commit", p.order.id) == 0 &&
        bad.empty()) {
      bad = p.order.id + " was never checked back";
    }
  }
  check(bad.empty(), "every unknown transaction resolved by a check-back", bad);

  // 5. Every unpaid order closed by its timeout; no paid order closed.
  bad.clear();
  for (const PlacedOrder& p : run.orders) {
    if (!p.exists || !bad.empty()) continue;
    int64_t closed = tally.Count("timeout.closed", p.order.id);
    if (!p.paid && closed != 1)
      bad = "unpaid " + p.order.id + " closed " + std::to_string(closed) + " times";
    if (p.paid && closed != 0) bad = "paid " + p.order.id + " was closed";
  }
  check(bad.empty(), "every unpaid order closed by its timeout, no paid one", bad);

  // 6. Every delivery that failed once came again and was recognized as a duplicate.
  bad.clear();
  for (const char* prefix : {"inventory", "points"}) {
    for (const PlacedOrder& p : run.orders) {
      if (p.poison || !bad.empty()) continue;
      if (RetryPending(tally, prefix, p.order.id)) {
        bad = std::string(prefix) + ": " + p.order.id + " failed and never came back";
      }
    }
  }
  check(bad.empty(), "every failed delivery retried", bad);

  // 7. The poison order ended in the inventory group's dead-letter queue,
  //    after max_retries retries.
  bad.clear();
  for (const PlacedOrder& p : run.orders) {
    if (!p.poison) continue;
    int64_t attempts = tally.Count("inventory.unknown_sku", p.order.id);
    if (!InDeadLetters(run, kInventoryGroup, p.order.id)) {
      bad = p.order.id + " not in %DLQ%" + kInventoryGroup;
    } else if (attempts < run.max_retries + 1) {
      bad = p.order.id + " dead-lettered after " + std::to_string(attempts) + " attempts";
    }
  }
  check(bad.empty(), std::string("the poison order is in %DLQ%") + kInventoryGroup, bad);
  return failed;
}

}  // namespace shop
