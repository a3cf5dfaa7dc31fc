// `ternmq bench producer`: send throughput and send RT through the C++ SDK
// (ternmq::Producer), in the style of RocketMQ's benchmark Producer
// (issue [broker], "Benchmark"). See docs/benchmarks.md.
#pragma once

namespace tern::bench {

// argv[0] is the first option (not the program name). Returns a process exit code.
//   -n ADDR           nameserver; without it (or with --spawn-dev) `ternmq dev`
//                     is started as a child on free ports and measured
//   -t TOPIC          topic (default BenchmarkTest; auto-created through TBW102)
//   -w N              sending threads (default 1)
//   -s BYTES          body size (default 1024)
//   --duration S      measured seconds (default 10)
//   --mode M          sync | async | oneway (default sync)
//   --window N        async: messages in flight, all threads together (default 1024)
//   --batch N         sync: messages per SEND_BATCH_MESSAGE (default 1)
//   --baseline S      seconds of the 1 KiB ping-pong baseline (default 2; 0 skips it)
//   --<brokerKey>=V   passed to `ternmq dev` (e.g. --flushDiskType=SYNC_FLUSH)
int RunProducerBench(int argc, char** argv);

}  // namespace tern::bench
