// `ternmq bench store`: CommitLog append throughput and latency against raw
// disk baselines measured in the same run (issue 3, "Benchmark").
#pragma once

namespace tern::bench {

// argv[0] is the first option (not the program name). Returns a process exit code.
//   --messages N       async-phase messages (default 200000)
//   --size S           body bytes (default 1024)
//   --threads T        async-phase appending threads (default 4)
//   --sync-messages M  sync-phase messages (default 20000)
//   --sync-threads W   sync-phase writers (default 64)
//   --segment-mb MB    segment size (default 64)
//   --dir PATH         where to write (default $TMPDIR or /tmp); removed afterwards
int RunStoreBench(int argc, char** argv);

}  // namespace tern::bench
