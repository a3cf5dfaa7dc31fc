// What the demo expects of a run, and how it reports it: when the flow is
// finished (Settled), the summary table, and the invariants that must hold.
//
// Thread-safety: pure functions over a RunRecord and a Tally snapshot; the
// driver's thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "order.h"
#include "order_service.h"
#include "tally.h"

namespace shop {

struct PlacedOrder {
  Order order;
  LocalOutcome outcome = LocalOutcome::kCommit;
  bool exists = false;  // the row was written: OrderCreated must be delivered
  bool paid = false;    // paid before its timeout
  bool poison = false;  // its SKU does not exist: inventory fails it every time
};

struct RunRecord {
  std::string run_id;
  std::string topic;
  int32_t max_retries = 0;  // the consumers' max_reconsume_times
  std::vector<PlacedOrder> orders;
  // Stock per SKU before and after the run.
  std::map<std::string, int64_t> stock_before;
  std::map<std::string, int64_t> stock_after;
  // Per consumer group: keys of this run's messages in %DLQ%<group>.
  std::map<std::string, std::set<std::string>> dead_letters;
};

// True once every expected effect happened; otherwise `waiting_for` says
// what is still missing (for progress lines).
bool Settled(const RunRecord& run, const Tally& tally, std::string* waiting_for);

void PrintSummary(const RunRecord& run, const Tally& tally, std::FILE* out);

// Checks every invariant, printing "ok" or "FAILED: why" for each; returns
// the number that failed.
int CheckInvariants(const RunRecord& run, const Tally& tally, std::FILE* out);

}  // namespace shop
