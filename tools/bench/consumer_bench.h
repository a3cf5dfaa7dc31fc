// `ternmq bench consumer`: consume TPS and end-to-end latency (time from the
// send call to the message arriving in a pull response) while the bench
// itself produces at --rate, in the style of RocketMQ's benchmark Consumer
// (issue [broker], "Benchmark"). See docs/benchmarks.md.
#pragma once

namespace tern::bench {

// argv[0] is the first option. Returns a process exit code. The options of
// `bench producer` (they shape the producing side: -w, -s, --mode, --window)
// plus --rate N (messages/s produced; 0 = flat out). The consumer is a raw
// PULL_MESSAGE loop with long polling, one chain of pulls per read queue,
// through src/remoting's RpcClient. End-to-end latency uses a property with
// the sender's monotonic clock in microseconds (the born timestamp has only
// millisecond resolution).
int RunConsumerBench(int argc, char** argv);

}  // namespace tern::bench
