// `ternmq bench tx`: transactional sends with commit beside plain sends in
// the same run, and plain sends with many transactions pending (issue 6,
// "Benchmark"; docs/benchmarks.md).
#pragma once

namespace tern::bench {

// argv[0] is the first option (not the program name). Returns a process exit code.
// The options of `bench producer` (sync mode only; no --batch/--window), and
//   --pending N   transactions left Unknown for the last phase (default 100000)
// A spawned `ternmq dev` gets --transactionTimeOut=3600000 unless given, so
// that the pending transactions are not checked during the run.
// Phases, each --duration seconds with -w threads:
//   1. plain: Producer::Send, sync;
//   2. tx: TransactionProducer::SendInTransaction, ExecuteLocal answers commit
//      (latency = half send + local + END_TRANSACTION (oneway) write);
//   3. plain again (phases 1 and 3 bracket the tx phase);
//   4. create --pending transactions answered Unknown (not timed against a target);
//   5. plain again, with them pending.
// Prints the TPS, the tx/plain ratio (plain = mean of 1 and 3) against the
// 0.5 target, p50/p99, and the plain TPS with pending (5) / without (3).
int RunTxBench(int argc, char** argv);

}  // namespace tern::bench
