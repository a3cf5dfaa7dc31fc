// `ternmq bench <what>`: benchmarks. Figures are printed as ratios against a
// baseline measured in the same run (docs/benchmarks.md).
#include <cstdio>
#include <string_view>

#include "tools/bench/consumer_bench.h"
#include "tools/bench/delay_bench.h"
#include "tools/bench/producer_bench.h"
#include "tools/bench/store_bench.h"
#include "tools/bench/tx_bench.h"
#include "tools/commands.h"

namespace tern::tools {

int BenchMain(int argc, char** argv) {
  std::string_view what = argc > 0 ? argv[0] : "help";
  if (what == "help" || what == "--help" || what == "-h") {
    std::printf(
        "usage: ternmq bench <what> [options]\n\n"
        "benchmarks:\n"
        "  store    CommitLog append throughput and latency, async and sync flush, against\n"
        "           raw sequential writes and write+fdatasync measured in the same run\n"
        "           (ternmq bench store --help)\n"
        "  delay    scheduled delivery: lateness p50/p99/max at a steady due rate, and memory\n"
        "           with many messages pending (ternmq bench delay --help)\n"
        "  producer send TPS and send RT p50/p99/max through the SDK (sync, async, oneway,\n"
        "           batch), broker CPU s per million messages and RSS, against a 1 KiB\n"
        "           loopback ping-pong (ternmq bench producer --help)\n"
        "  consumer consume TPS and end-to-end latency p50/p99 with long-polling pulls while\n"
        "           producing at a set rate (ternmq bench consumer --help)\n"
        "  tx       transactional sends with commit beside plain sends (ratio, p50/p99), and\n"
        "           plain sends with 100,000 transactions pending (ternmq bench tx --help)\n");
    return 0;
  }
  if (what == "store") return bench::RunStoreBench(argc - 1, argv + 1);
  if (what == "delay") return bench::RunDelayBench(argc - 1, argv + 1);
  if (what == "producer") return bench::RunProducerBench(argc - 1, argv + 1);
  if (what == "consumer") return bench::RunConsumerBench(argc - 1, argv + 1);
  if (what == "tx") return bench::RunTxBench(argc - 1, argv + 1);
  std::fprintf(stderr, "ternmq bench: unknown benchmark '%.*s' (see 'ternmq bench help')\n",
               static_cast<int>(what.size()), what.data());
  return 2;
}

}  // namespace tern::tools
